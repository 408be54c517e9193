"""A reviewer selects words the checker missed in a note and records them as a violation."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from assistant.qa import intake
from assistant.qa.models import MissedViolation
from tests.conftest import browser_login, screenshot
from tests.qa.conftest import RULES_DIR

pytestmark = pytest.mark.browser

# The emoji is one character to Python but two UTF-16 units to the browser.
TEXT = "😀 上门拜访。\n客户很配合，同意分期。催收员离开前在门口大声说他欠钱。"
TARGET = "在门口大声说他欠钱"


def test_selecting_missed_words_records_them_with_their_offsets(page, live_server, db,
                                                                make_user):
    note, _ = intake.save_note(db, text=TEXT, author=make_user("collector"),
                               rules_dir=RULES_DIR)
    make_user("qa", username="reviewer")
    browser_login(page, live_server, "reviewer")
    page.goto(f"{live_server}/qa/notes/{note.id}")

    # Select TARGET as a reader would: it may run across the checker's <mark>s.
    page.evaluate("""target => {
        const box = document.querySelector('.qa-note .qa-text');
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        const nodes = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
        const whole = nodes.map(n => n.data).join('');
        function point(at) {
            for (const node of nodes) {
                if (at <= node.data.length) return [node, at];
                at -= node.data.length;
            }
        }
        const from = whole.indexOf(target);
        const range = document.createRange();
        range.setStart(...point(from));
        range.setEnd(...point(from + target.length));
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        box.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", TARGET)
    start = TEXT.index(TARGET)
    expect(page.locator("#miss-form input[name=start]")).to_have_value(str(start))
    expect(page.locator("#miss-form input[name=quote]")).to_have_value(TARGET)
    page.select_option("#miss-form select[name=category]", "visit.conduct")
    page.fill("#miss-form input[name=comment]", "public confrontation at the door")
    page.click("#miss-form button[type=submit]")

    expect(page.locator(".qa-miss .qa-quote")).to_have_text(f"«{TARGET}»")
    db.expire_all()
    miss = db.exec(select(MissedViolation)).one()
    assert (miss.start, miss.end, miss.category) == (start, start + len(TARGET), "visit.conduct")
    screenshot(page, "qa-missed-violation")

    page.goto(f"{live_server}/qa/dashboard")
    expect(page.locator("#panel-category_review table")).to_contain_text("visit.conduct")
    expect(page.locator("#export-labels")).to_contain_text("assistant qa export-labels")
    screenshot(page, "qa-dashboard-recall")
