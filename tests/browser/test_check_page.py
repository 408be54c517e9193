"""The "Check a note" page in real Chromium: typing a threat highlights it live."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.compliance.conftest import FIXTURE_RULES
from tests.conftest import browser_login, screenshot


@pytest.fixture
def fixture_rules(settings, tmp_path):
    import shutil

    from tests.compliance.conftest import PROJECT_RULES

    folder = tmp_path / "rules"
    shutil.copytree(FIXTURE_RULES, folder)
    shutil.copy(PROJECT_RULES / "common" / "recognizer_terms.yaml", folder / "common")
    settings.rules_dir = folder


@pytest.mark.browser
def test_typing_a_threat_highlights_it_with_message_and_rewrite(fixture_rules, page, live_server,
                                                                make_user):
    user = make_user("collector")
    browser_login(page, live_server, user.username)
    page.goto(f"{live_server}/check")
    note = page.locator("textarea[name=text]")
    note.press_sequentially("今天电联，客户说没钱。我说再不还就報警抓你", delay=20)
    highlight = page.locator("#check-result mark.finding")
    expect(highlight).to_have_count(1)
    expect(highlight).to_have_text("報警抓你")
    expect(highlight).to_have_class("finding sev-critical")
    item = page.locator(".finding-item")
    expect(item).to_contain_text("以抓人坐牢相威胁")
    expect(item).to_contain_text("刑法 第二百九十三条之一 [S]")
    expect(item).to_contain_text("说明欠款属于民事纠纷")
    screenshot(page, "check-page-threat")
    # Correcting the note clears the finding as the user types.
    note.fill("今天电联，客户说没钱，已告知不会坐牢")
    expect(page.locator("#check-result mark.finding")).to_have_count(0)
    expect(page.locator(".check-clean")).to_be_visible()
