"""The console's forms answer bad input and late clicks inline, keeping what was typed."""

from __future__ import annotations

import re

import pytest

from tests.guidance.helpers import midday_zone

HTMX = {"HX-Request": "true"}


@pytest.fixture
def collector(make_user):
    return make_user("collector", locale="en")


@pytest.fixture
def session_url(client_as, collector, make_case):
    case = make_case(collector, timezone=midday_zone(), jurisdiction="cn", language="zh",
                     borrower_name="王建国")
    client = client_as(user=collector)
    start = client.post(f"/cases/{case.id}/sessions", data={"channel": "call"},
                        follow_redirects=False)
    url = start.headers["location"]
    # "Not a good time" leads straight to an end step with the end form.
    client.post(f"{url}/advance", data={"response": "bad_time"}, headers=HTMX)
    return client, url


def test_promise_without_amount_is_an_inline_error_that_keeps_the_form(session_url):
    client, url = session_url
    answer = client.post(f"{url}/end", headers=HTMX, data={
        "outcome": "promise_to_pay", "amount": "", "pay_date": "", "comment": "会尽快还"})
    assert answer.status_code == 200
    assert 'class="notice danger end-error"' in answer.text
    assert "Enter the amount promised" in answer.text and "None" not in answer.text
    assert 'value="promise_to_pay" selected' in answer.text
    assert "会尽快还</textarea>" in answer.text
    assert 'name="amount" inputmode="decimal" required' in answer.text
    # Without HTMX: the console page again, with the message, not an error page.
    page = client.post(f"{url}/end", data={"outcome": "promise_to_pay", "amount": "abc",
                                           "pay_date": "2030-01-01"})
    assert page.status_code == 422 and "end-error" in page.text and 'value="abc"' in page.text
    assert client.get(f"/api{url}").json()["status"] == "active"


def test_promise_without_date_names_the_date(session_url):
    client, url = session_url
    answer = client.post(f"{url}/end", headers=HTMX, data={
        "outcome": "promise_to_pay", "amount": "200", "pay_date": ""})
    assert "Enter the date the borrower promised to pay" in answer.text
    assert 'value="200"' in answer.text


def test_valid_end_from_htmx_redirects_to_the_timeline(session_url):
    client, url = session_url
    answer = client.post(f"{url}/end", headers=HTMX, data={"outcome": "callback"})
    assert answer.headers["HX-Redirect"] == f"{url}/timeline"


def test_ended_session_answers_with_a_friendly_message(session_url):
    client, url = session_url
    client.post(f"{url}/end", data={"outcome": "callback"}, follow_redirects=False)
    partial = client.post(f"{url}/advance", data={"response": "borrower"}, headers=HTMX)
    assert partial.status_code == 200 and "This session has ended" in partial.text
    assert f'href="{url}/timeline"' in partial.text and "<html" not in partial.text
    page = client.post(f"{url}/advance", data={"response": "borrower"})
    assert page.status_code == 409 and "This session has ended" in page.text
    assert "<html" in page.text
    for path, data in [("notes", {"text": "late note"}), ("notes/check", {"text": "x"}),
                       ("end", {"outcome": "callback"}), ("affordability", {"amount": "5"})]:
        answer = client.post(f"{url}/{path}", data=data, headers=HTMX)
        assert answer.status_code == 200 and "This session has ended" in answer.text, path


def test_empty_note_is_an_inline_message(session_url):
    client, url = session_url
    answer = client.post(f"{url}/notes", data={"text": "  "}, headers=HTMX)
    assert answer.status_code == 200 and "note-error" in answer.text


def test_blocked_draft_is_recorded_and_a_recheck_clears_the_stale_warning(session_url):
    client, url = session_url
    blocked = client.post(f"{url}/notes", data={"text": "再不还就让你坐牢"}, headers=HTMX)
    assert "confirm-note" in blocked.text
    events = client.get(f"/api{url}").json()["events"]
    draft = [e for e in events if e["type"] == "note_blocked_draft"]
    assert len(draft) == 1 and draft[0]["payload"]["text"] == "再不还就让你坐牢"
    assert draft[0]["payload"]["findings"][0]["severity"] == "critical"
    assert not [e for e in events if e["type"] == "note_saved"]
    recheck = client.post(f"{url}/notes/check", data={"text": "客户称下周还款"}, headers=HTMX)
    assert 'id="note-result"' in recheck.text and 'hx-swap-oob="true"' in recheck.text
    timeline = client.get(f"{url}/timeline")
    assert 'data-type="note_blocked_draft"' in timeline.text and "再不还就让你坐牢" in timeline.text
    # The flow is named by its title in the UI language, its id kept as a tooltip.
    assert 'title="phone_cn"' in timeline.text and ("电话沟通（中文）" in timeline.text
                                                    or "Phone call (Chinese)" in timeline.text)


def test_affordability_out_of_range_is_an_inline_sentence_keeping_the_input(client_as, collector,
                                                                           make_case):
    case = make_case(collector, timezone=midday_zone(), jurisdiction="cn", language="zh")
    client = client_as(user=collector)
    url = client.post(f"/cases/{case.id}/sessions", data={"channel": "call"},
                      follow_redirects=False).headers["location"]
    for response in ("borrower", "verified", "continue", "listens", "can_pay"):
        step = client.post(f"{url}/advance", data={"response": response}, headers=HTMX)
    assert 'class="row-form affordability"' in step.text
    answer = client.post(f"{url}/affordability", data={"amount": "999999999"}, headers=HTMX)
    assert answer.status_code == 200
    assert "Enter an amount between 0 and 100,000,000." in answer.text
    assert "affordable:" not in answer.text and 'value="999999999"' in answer.text
    page = client.post(f"{url}/affordability", data={"amount": "abc"})
    assert page.status_code == 422 and "Enter the monthly amount as a number" in page.text


def test_timeline_times_are_in_the_staff_zone_with_the_borrowers_time_labelled(session_url,
                                                                               settings):
    client, url = session_url
    page = client.get(f"{url}/timeline").text
    zone = settings.timezone
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d \(" + re.escape(zone) + r"\)", page)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(" + re.escape(zone) + r"\)", page)
    assert re.search(r"\d\d:\d\d \(Etc/GMT[+-]?\d*\)", page)  # the borrower's own zone
    assert " UTC</dd>" not in page
