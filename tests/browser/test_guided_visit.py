"""A collector walks a full Chinese home visit on a phone-sized screen, in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot
from tests.guidance.helpers import midday_zone

pytestmark = pytest.mark.browser


def wait_for_step(page, step_id: str) -> None:
    expect(page.locator(f'#step[data-step="{step_id}"]')).to_be_visible()


def answer(page, response_id: str, next_step: str) -> None:
    page.locator(f'#step button[data-response="{response_id}"]').click()
    wait_for_step(page, next_step)


def test_chinese_visit_from_checklist_through_hardship_to_promise(phone_page, live_server,
                                                                  make_user, make_case):
    page = phone_page
    collector = make_user("collector", display_name="李敏", locale="zh_CN")
    case = make_case(collector, borrower_name="赵大山", jurisdiction="cn", language="zh",
                     timezone=midday_zone(), product="农户小额贷款", lender="示范农村信用合作社",
                     balance="30000.00", principal="28000.00", days_past_due=75,
                     facts={"reason_for_arrears": "今年小麦减产"})
    browser_login(page, live_server, collector.username)

    page.goto(f"{live_server}/cases/{case.id}")
    visit_form = page.locator('form.start-form[data-channel="visit"]')
    expect(visit_form).to_be_visible()
    screenshot(page, "guided_visit_01_case")
    # Going alone is refused as soon as one visitor is chosen, before anything is submitted.
    visit_form.locator('select[name="staff_count"]').select_option("1")
    blocked = page.locator('form.start-form.verdict-block[data-channel="visit"]')
    expect(blocked).to_be_visible()
    expect(blocked.locator("button")).to_be_disabled()
    expect(blocked).to_contain_text("至少2名")
    # The swapped-in panel must be wired up by htmx before its select can trigger a reload.
    page.wait_for_function("""() => {
        const select = document.querySelector('form.verdict-block select[name="staff_count"]');
        return Boolean(select && select['htmx-internal-data']
                       && select['htmx-internal-data'].initHash);
    }""")
    blocked.locator('select[name="staff_count"]').select_option("2")
    visit_form = page.locator('form.start-form.verdict-allow[data-channel="visit"]')
    expect(visit_form).to_be_visible()
    visit_form.locator("button[type=submit]").click()

    # Pre-visit checklist: every item must be ticked.
    wait_for_step(page, "checklist")
    boxes = page.locator('#step input[name="checked"]')
    expect(boxes).to_have_count(6)
    expect(page.locator("#step")).to_contain_text("两名工作人员")
    screenshot(page, "guided_visit_02_checklist")
    for index in range(6):
        boxes.nth(index).check()
    answer(page, "ready", "arrive")
    expect(page.locator("#step .step-line").first).to_contain_text("赵大山")
    answer(page, "borrower", "identity")
    answer(page, "verified", "consent")
    expect(page.locator("#step")).to_contain_text("方便让我们进去")
    answer(page, "invites_in", "disclosure")
    answer(page, "continue", "purpose")
    answer(page, "hardship", "probe")
    answer(page, "harvest", "harvest")
    expect(page.locator("#step")).to_contain_text("收成")
    screenshot(page, "guided_visit_03_hardship")

    answer(page, "open_to_plan", "plan_offer")
    offers = page.locator("#step .offer")
    expect(offers.first).to_be_visible()
    page.fill('#step .affordability input[name="amount"]', "2000")
    page.locator("#step .affordability button").click()
    expect(page.locator('#step .affordability input[name="amount"]')).to_have_value("2000")
    expect(page.locator("#step .offer-instalments")).to_contain_text("2000.00")
    screenshot(page, "guided_visit_04_plan_offer")
    page.locator('#step .offer-instalments input[type="radio"]').check()
    answer(page, "accepts", "commitment")

    # A note with a threat is highlighted as it is typed, and needs confirmation to save.
    page.fill("#note-text", "告诉客户再不还就报警抓你")
    mark = page.locator("#note-check mark.finding")
    expect(mark.first).to_be_visible(timeout=30_000)
    expect(page.locator("#note-check .suggestion").first).to_be_visible()
    screenshot(page, "guided_visit_05_note_threat")
    page.locator("#note-form button[type=submit]").click()
    # Generous waits: a rule pack edited while the suite runs makes the checker reload once.
    confirm = page.locator("#note-result .confirm-note")
    expect(confirm).to_be_visible(timeout=30_000)
    confirm.locator("button").click()
    expect(page.locator("#note-result .note-saved")).to_contain_text("质检", timeout=30_000)

    answer(page, "confirmed", "end_promise")
    end_form = page.locator("#step form.end-form")
    expect(end_form.locator('select[name="outcome"]')).to_have_value("promise_to_pay")
    expect(end_form.locator('input[name="amount"]')).to_have_value("2000.00")
    screenshot(page, "guided_visit_06_promise")
    end_form.locator("button[type=submit]").click()

    page.wait_for_url(f"{live_server}/sessions/*/timeline")
    expect(page.locator(".outcome")).to_have_text("承诺还款")
    expect(page.locator('.event[data-type="note_saved"]')).to_contain_text("报警")
    expect(page.locator('.event[data-type="plan_offered"]').first).to_be_visible()
    screenshot(page, "guided_visit_07_timeline")
