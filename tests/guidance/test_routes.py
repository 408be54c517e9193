"""Routes of the collector console and the sessions API, per role."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.guidance.helpers import midday_zone


@pytest.fixture
def collector(make_user):
    return make_user("collector", display_name="李敏")


@pytest.fixture
def cn_case(make_case, collector):
    return make_case(collector, timezone=midday_zone(), jurisdiction="cn", language="zh",
                     borrower_name="王建国", facts={"reason_for_arrears": "经营困难"})


def test_case_page_shows_start_buttons_with_policy_status(client_as, collector, cn_case):
    client = client_as(user=collector)
    page = client.get(f"/cases/{cn_case.id}")
    assert page.status_code == 200 and f'hx-get="/cases/{cn_case.id}/sessions"' in page.text
    panel = client.get(f"/cases/{cn_case.id}/sessions")
    assert panel.status_code == 200
    assert 'data-channel="call"' in panel.text and 'data-channel="visit"' in panel.text


def test_choosing_one_visitor_blocks_the_visit_before_it_is_submitted(client_as, collector,
                                                                    cn_case):
    client = client_as(user=collector)
    panel = client.get(f"/cases/{cn_case.id}/sessions").text
    visit = panel.split('data-channel="visit"')[1]
    assert 'hx-trigger="change"' in visit and '<option value="2" selected>' in visit
    assert 'class="start-form verdict-allow" data-channel="visit"' in panel
    one = client.get(f"/cases/{cn_case.id}/sessions", params={"staff_count": 1}).text
    assert 'class="start-form verdict-block" data-channel="visit"' in one
    visit = one.split('data-channel="visit"')[1]
    assert '<option value="1" selected>' in visit and "disabled" in visit
    assert 'verdict-allow" data-channel="call"' in one  # the call is not affected


def test_collector_walks_a_call_through_the_console(client_as, collector, cn_case):
    client = client_as(user=collector)
    start = client.post(f"/cases/{cn_case.id}/sessions", data={"channel": "call"},
                        follow_redirects=False)
    assert start.status_code == 303
    session_url = start.headers["location"]
    console = client.get(session_url)
    assert "王建国" in console.text and 'data-step="opening"' in console.text
    step = client.post(f"{session_url}/advance", data={"response": "borrower"},
                       headers={"HX-Request": "true"})
    assert 'data-step="identity"' in step.text
    check = client.post(f"{session_url}/notes/check", data={"text": "客户称下周还款"})
    assert check.status_code == 200
    saved = client.post(f"{session_url}/notes", data={"text": "已核实身份，客户态度配合"})
    assert "note-saved" in saved.text
    api = client.get(f"/api{session_url}")
    assert api.status_code == 200
    body = api.json()
    assert body["current_step"]["id"] == "identity"
    assert [e["type"] for e in body["events"]] == ["step_shown", "branch_taken", "step_shown",
                                                   "note_saved"]
    end = client.post(f"{session_url}/end", data={"outcome": "callback"}, follow_redirects=False)
    assert end.headers["location"] == f"{session_url}/timeline"
    timeline = client.get(f"{session_url}/timeline")
    assert "已核实身份" in timeline.text and 'data-type="ended"' in timeline.text


def test_collector_cannot_start_on_another_collectors_case(client_as, make_user, make_case):
    owner = make_user("collector")
    case = make_case(owner, timezone=midday_zone())
    intruder = client_as("collector")
    assert intruder.post(f"/cases/{case.id}/sessions", data={"channel": "call"},
                         follow_redirects=False).status_code == 404
    assert intruder.post(f"/api/cases/{case.id}/sessions",
                         json={"channel": "call"}).status_code == 404
    assert intruder.get(f"/cases/{case.id}/sessions").status_code == 404


@pytest.mark.parametrize("role", ["trainer", "qa", "admin"])
def test_other_roles_cannot_start_sessions(client_as, make_user, make_case, role):
    case = make_case(make_user("collector"), timezone=midday_zone())
    client = client_as(role)
    assert client.post(f"/api/cases/{case.id}/sessions",
                       json={"channel": "call"}).status_code == 403


def test_blocked_policy_cannot_be_bypassed(client_as, collector, make_case):
    case = make_case(collector, timezone=midday_zone(), has_lawyer=True)
    client = client_as(user=collector)
    page = client.post(f"/cases/{case.id}/sessions",
                       data={"channel": "call", "acknowledge": "true"}, follow_redirects=False)
    assert page.status_code == 403 and 'id="gate-blocked"' in page.text
    api = client.post(f"/api/cases/{case.id}/sessions",
                      json={"channel": "call", "acknowledge_warnings": True})
    assert api.status_code == 403
    assert api.json()["decision"]["reasons"][0]["code"] == "has_lawyer"
    panel = client.get(f"/cases/{case.id}/sessions")
    assert "disabled" in panel.text


def test_warning_needs_acknowledgement_which_is_recorded(client_as, collector, make_case):
    case = make_case(collector, timezone=midday_zone(), prefers_written=True)
    client = client_as(user=collector)
    gate = client.post(f"/cases/{case.id}/sessions", data={"channel": "call"},
                       follow_redirects=False)
    assert gate.status_code == 200 and 'name="acknowledge"' in gate.text
    assert client.post(f"/api/cases/{case.id}/sessions",
                       json={"channel": "call"}).status_code == 409
    started = client.post(f"/api/cases/{case.id}/sessions",
                          json={"channel": "call", "acknowledge_warnings": True})
    assert started.status_code == 201
    assert started.json()["events"][0]["type"] == "policy_warning_ack"


def test_api_full_visit_with_plan_and_promise(client_as, collector, cn_case):
    client = client_as(user=collector)
    started = client.post(f"/api/cases/{cn_case.id}/sessions",
                          json={"channel": "visit", "staff_count": 2}).json()
    sid = started["id"]
    checklist = [line["id"] for line in started["current_step"]["lines"]]
    assert client.post(f"/api/sessions/{sid}/advance",
                       json={"response": "ready", "checked": checklist[:2]}).status_code == 422
    for body in ({"response": "ready", "checked": checklist}, {"response": "borrower"},
                 {"response": "verified"}, {"response": "invites_in"}, {"response": "continue"},
                 {"response": "hardship"}, {"response": "harvest"},
                 {"response": "open_to_plan"}):
        step = client.post(f"/api/sessions/{sid}/advance", json=body)
        assert step.status_code == 200, step.text
    assert step.json()["id"] == "plan_offer" and step.json()["offers"]
    step = client.post(f"/api/sessions/{sid}/advance",
                       json={"response": "accepts", "offer_index": 0, "affordable": "2000"})
    assert step.json()["id"] == "commitment"
    note = client.post(f"/api/sessions/{sid}/notes", json={"text": "再不还就报警抓你"})
    assert note.status_code == 409 and note.json()["needs_confirmation"]
    note = client.post(f"/api/sessions/{sid}/notes",
                       json={"text": "再不还就报警抓你", "confirm": True})
    assert note.status_code == 200 and note.json()["flagged_for_qa"]
    client.post(f"/api/sessions/{sid}/advance", json={"response": "confirmed"})
    ended = client.post(f"/api/sessions/{sid}/end", json={
        "outcome": "promise_to_pay", "amount": "2000",
        "pay_date": (date.today() + timedelta(days=7)).isoformat()})
    assert ended.status_code == 200 and ended.json()["outcome"] == "promise_to_pay"
    types = [e["type"] for e in ended.json()["events"]]
    assert "plan_offered" in types and types[-1] == "ended"


def test_session_api_is_private_to_its_collector_but_qa_can_replay(client_as, collector,
                                                                   cn_case):
    owner = client_as(user=collector)
    sid = owner.post(f"/api/cases/{cn_case.id}/sessions", json={"channel": "call"}).json()["id"]
    assert client_as("collector").get(f"/api/sessions/{sid}").status_code == 404
    assert client_as("collector").post(f"/api/sessions/{sid}/advance",
                                       json={"response": "borrower"}).status_code == 404
    qa = client_as("qa")
    assert qa.get(f"/api/sessions/{sid}").status_code == 200
    assert qa.get(f"/sessions/{sid}/timeline").status_code == 200
    assert qa.post(f"/api/sessions/{sid}/advance", json={"response": "borrower"}).status_code == 403


def test_sessions_api_is_documented_in_openapi(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/cases/{case_id}/sessions", "/api/sessions/{session_id}/advance",
                 "/api/sessions/{session_id}/notes", "/api/sessions/{session_id}"):
        assert path in paths


def test_console_text_is_escaped(client_as, collector, make_case):
    case = make_case(collector, timezone=midday_zone(), borrower_name="<script>x</script>")
    client = client_as(user=collector)
    url = client.post(f"/cases/{case.id}/sessions", data={"channel": "call"},
                      follow_redirects=False).headers["location"]
    page = client.get(url).text
    assert "<script>x</script>" not in page and re.search(r"&lt;script&gt;x", page)


def test_session_list_shows_own_sessions_to_collectors_and_all_to_qa(client_as, make_user,
                                                                     make_case):
    first, second = make_user("collector"), make_user("collector")
    ids = []
    for owner in (first, second):
        case = make_case(owner, timezone=midday_zone())
        ids.append(client_as(user=owner).post(f"/api/cases/{case.id}/sessions",
                                              json={"channel": "call"}).json()["id"])
    own = client_as(user=first).get("/sessions").text
    assert f'data-session="{ids[0]}"' in own and f'data-session="{ids[1]}"' not in own
    everyone = client_as("qa").get("/sessions").text
    assert all(f'data-session="{i}"' in everyone for i in ids)


def test_console_explains_an_unticked_checklist_on_the_step(client_as, collector, cn_case):
    client = client_as(user=collector)
    url = client.post(f"/cases/{cn_case.id}/sessions",
                      data={"channel": "visit", "staff_count": "2"},
                      follow_redirects=False).headers["location"]
    step = client.post(f"{url}/advance", data={"response": "ready",
                                               "checked": ["checklist.two_staff"]},
                       headers={"HX-Request": "true"})
    assert step.status_code == 200
    assert 'class="notice danger step-error"' in step.text
    # A sentence in the UI language, not the engine's ids.
    assert ("Tick every item on the checklist" in step.text or "请先勾选清单中的每一项" in step.text)
    assert "missing checklist." not in step.text
    assert 'data-step="checklist"' in step.text
