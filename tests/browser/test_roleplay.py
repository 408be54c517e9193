"""Role-play in real Chromium: a trainer builds a session, a trainee completes it on a phone,
and the trainer sees the score and can replay the run."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot

LINES = [
    "This is an attempt to collect a debt, and any information obtained will be used for that "
    "purpose. This call is recorded. I'm calling about your credit card account.",
    "I understand, this must be really frustrating. Can you tell me what happened?",
    "That sounds hard, I'm sorry your hours were cut.",
    "We could set up a payment plan of 330 dollars a month over 12 months. Would that work?",
    "Just to confirm, that's 330 dollars on the 15th of each month, starting next month.",
    "Thank you for your time today, goodbye.",
]


def _say(page, text: str) -> None:
    bubbles = page.locator("#chat .rp-bubble")
    before = bubbles.count()
    page.fill("#turn-text", text)
    page.click("#turn-form button[type=submit]")
    expect(bubbles).to_have_count(before + 2, timeout=15_000)


@pytest.mark.browser
def test_trainer_builds_a_session_trainee_completes_it_trainer_sees_the_score(
        page, phone_page, live_server, make_user):
    trainer = make_user("trainer", display_name="Trainer Tess")
    trainee = make_user("collector", display_name="Trainee Tom", locale="en")

    # The trainer builds an English training session with the angry borrower.
    browser_login(page, live_server, trainer.username)
    page.goto(f"{live_server}/roleplay")
    page.fill("input[name=title]", "Angry borrower drill")
    page.check("input[name=persona_id][value=angry]")
    page.select_option("select[name=language]", "en")
    page.select_option("select[name=mode]", "training")
    page.check(f"input[name=trainee_ids][value='{trainee.id}']")
    screenshot(page, "roleplay-1-trainer-builder")
    page.click("form[action='/roleplay/sessions'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/roleplay/sessions/\d+$"))
    session_url = page.url

    # The trainee runs it on a phone: picks the suggested opening, then types the rest.
    browser_login(phone_page, live_server, trainee.username)
    phone_page.goto(f"{live_server}/roleplay/my")
    expect(phone_page.locator(".rp-assignment")).to_contain_text("Angry borrower drill")
    phone_page.click(".rp-assignment form button[type=submit]")
    expect(phone_page.locator("#chat .rp-bubble")).to_have_count(1)
    opening = phone_page.locator(".rp-snippet").first
    expect(opening).to_contain_text("Northgate Bank")
    opening.click()
    expect(phone_page.locator("#turn-text")).not_to_have_value("")
    phone_page.click("#turn-form button[type=submit]")
    # The first turn loads the compliance checker, which takes a while on a busy machine.
    expect(phone_page.locator("#chat .rp-bubble")).to_have_count(3, timeout=60_000)

    # Training mode: a risky draft gets a live hint before it is sent.
    phone_page.fill("#turn-text", "")
    phone_page.locator("#turn-text").press_sequentially("Pay or you'll go to jail", delay=10)
    expect(phone_page.locator("#hints .rp-hint")).not_to_have_count(0)
    screenshot(phone_page, "roleplay-2-trainee-live-hint")
    for line in LINES:
        _say(phone_page, line)
    screenshot(phone_page, "roleplay-3-trainee-chat")
    phone_page.click(".rp-ended a")
    score = phone_page.locator("#score")
    expect(score).to_be_visible()
    points = int(re.match(r"\d+", score.inner_text()).group(0))
    assert points >= 80
    expect(phone_page.locator(".rp-criterion")).to_have_count(7)
    screenshot(phone_page, "roleplay-4-trainee-feedback")

    # The trainer sees the score on the session and can replay the run.
    page.goto(session_url)
    expect(page.locator(".rp-runs .rp-score")).to_have_text(str(points))
    expect(page.locator(".rp-results")).to_contain_text("Trainee Tom")
    screenshot(page, "roleplay-5-trainer-results")
    page.click(".rp-runs a.rp-replay")
    expect(page.locator(".rp-chat .rp-bubble")).to_have_count(2 * (len(LINES) + 1) + 1)
    page.click("a[rel=prev]")
    expect(page.locator(".rp-chat .rp-bubble")).to_have_count(2 * (len(LINES) + 1))
    screenshot(page, "roleplay-6-trainer-replay")
