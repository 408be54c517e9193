"""A reviewer imports a GBK CSV through the UI, confirms a finding and sees the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_import_gbk_csv_review_confirm_and_dashboard(page, live_server, make_user, tmp_path):
    make_user("qa", username="reviewer")
    make_user("collector", username="zhao", display_name="赵六", team="华东一组")
    notes = tmp_path / "催收记录.csv"
    notes.write_bytes("催收员,备注,联系时间\r\n"
                      "zhao,再不还就报警抓你，让你坐牢,2024-05-01 10:00\r\n"
                      "zhao,客户称下周五前还款，已告知还款方式,2024-05-01 11:00\r\n"
                      "zhao,,2024-05-01 12:00\r\n".encode("gbk"))
    browser_login(page, live_server, "reviewer")

    page.goto(f"{live_server}/qa/import")
    page.set_input_files("input[type=file]", str(notes))
    page.click("form[enctype] button[type=submit]")
    expect(page.locator(".qa-encoding")).to_contain_text("gb18030")
    expect(page.locator(".qa-preview")).to_contain_text("再不还就报警抓你")
    expect(page.locator("select[name=map_text]")).to_have_value("备注")
    page.click("form[action$='/start'] button[type=submit]")
    expect(page.locator(".qa-batch-status .status-done")).to_be_visible(timeout=30_000)
    expect(page.locator(".qa-imported")).to_have_text("2")
    expect(page.locator(".qa-batch-status")).to_contain_text("empty text")

    page.click(".qa-batch-status a.button")
    first = page.locator("#qa-queue .qa-note").first
    expect(first.locator("mark.finding").first).to_be_visible()
    expect(first.locator(".qa-suggestion").first).to_be_visible()
    page.keyboard.press("j")
    page.keyboard.press("c")
    expect(page.locator("#qa-queue .decision-confirmed").first).to_be_visible()
    screenshot(page, "qa-review-confirmed")

    page.goto(f"{live_server}/qa/dashboard")
    expect(page.locator("#chart-cat rect.bar").first).to_be_visible()
    expect(page.locator("#panel-precision table")).to_contain_text("100%")
    screenshot(page, "qa-dashboard")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/qa?status=all")
    expect(page.locator("#qa-queue .qa-note").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "qa-queue-phone")
