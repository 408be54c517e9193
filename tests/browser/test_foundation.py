"""In real headless Chromium: a collector logs in, switches the UI to Chinese and opens a
case; on a phone screen and on a desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot


@pytest.fixture
def collector_with_cases(make_user, make_case):
    collector = make_user("collector", username="li.ming", display_name="Li Ming 李明",
                          locale="en")
    make_case(collector, borrower_name="张伟", reference="CN-2026-0001", days_past_due=64,
              balance="52360.50", timezone="Asia/Shanghai", phone="+86 138 0013 8000",
              address="浙江省杭州市西湖区文三路 100 号", region="浙江杭州")
    make_case(collector, borrower_name="王小红", reference="CN-2026-0004", days_past_due=27,
              cease_contact=True, has_lawyer=True)
    return collector


def _switch_to_chinese_and_open_a_case(page, live_server, username: str) -> None:
    browser_login(page, live_server, username)
    expect(page.locator("h1")).to_have_text("My cases")
    page.select_option("select[name=locale]", "zh_CN")
    expect(page.locator("h1")).to_have_text("我的案件")
    expect(page.locator(".case-row")).to_have_count(2)
    page.click("text=王小红")
    expect(page.locator("h1.case-title")).to_contain_text("王小红")
    expect(page.locator(".flags-large [data-flag=cease_contact]")).to_contain_text("停止联系")
    expect(page.locator(".flags-large [data-flag=has_lawyer]")).to_contain_text("已委托律师")
    expect(page.locator("dt", has_text="当地时间")).to_be_visible()
    expect(page.locator("dt", has_text="欠款余额")).to_be_visible()


@pytest.mark.browser
def test_collector_switches_to_chinese_and_opens_a_case_on_a_phone(phone_page, live_server,
                                                                   collector_with_cases):
    _switch_to_chinese_and_open_a_case(phone_page, live_server, "li.ming")
    # Nothing may stick out sideways on a 390px-wide screen.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page is {width}px wide on a 390px phone"
    screenshot(phone_page, "foundation-case-detail-phone-zh")
    phone_page.click(".breadcrumb a")
    phone_page.fill("input[name=q]", "张")
    expect(phone_page.locator(".case-row")).to_have_count(1)
    expect(phone_page).to_have_url(f"{live_server}/cases?q=%E5%BC%A0&sort=most_overdue&flag=")
    screenshot(phone_page, "foundation-case-list-phone-zh")


@pytest.mark.browser
def test_language_choice_survives_logging_out_and_in_on_a_desktop(page, live_server,
                                                                 collector_with_cases):
    _switch_to_chinese_and_open_a_case(page, live_server, "li.ming")
    screenshot(page, "foundation-case-detail-desktop-zh")
    page.click("button:has-text('退出登录')")
    expect(page).to_have_url(f"{live_server}/login")
    browser_login(page, live_server, "li.ming")
    expect(page.locator("h1")).to_have_text("我的案件")
