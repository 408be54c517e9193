"""Notes from the console and the API: stored first, checked after, never lost."""

from __future__ import annotations

from sqlmodel import select

from assistant.qa import intake
from assistant.qa.models import CheckStatus, Note, NoteFinding
from tests.qa.conftest import RULES_DIR


def test_console_note_is_stored_checked_and_returned_with_findings(db, make_user, make_case):
    collector = make_user("collector")
    case = make_case(collector, jurisdiction="cn")
    note, findings = intake.save_note(db, text="再不还就报警抓你", author=collector, case=case,
                                      channel="call", rules_dir=RULES_DIR)
    assert note.check_status == CheckStatus.checked and note.jurisdiction == "cn"
    assert note.checked_with and note.times_checked == 1
    assert [f.category for f in findings] == ["threat.arrest"]
    assert "再不还就报警抓你"[findings[0].start:findings[0].end] == findings[0].text


def test_checker_failure_keeps_the_note_marked_failed_with_the_error(db, make_user, tmp_path):
    collector = make_user("collector")
    note, findings = intake.save_note(db, text="客户承诺月底还款", author=collector,
                                      rules_dir=tmp_path / "no-rules-here")
    assert findings == []
    stored = db.get(Note, note.id)
    assert stored.text == "客户承诺月底还款"
    assert stored.check_status == CheckStatus.failed
    assert "checker unavailable" in stored.check_error and "no-rules-here" in stored.check_error


def test_api_intake_is_idempotent_by_external_id(client_as, db):
    collector = client_as("collector")
    body = {"text": "再不还就报警抓你", "external_id": "dialer-77", "channel": "call",
            "contact_time": "2024-05-01T10:00:00+08:00"}
    first = collector.post("/api/notes", json=body)
    again = collector.post("/api/notes", json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["created"] == 1 and again.json()["existing"] == 1
    assert first.json()["results"][0]["id"] == again.json()["results"][0]["id"]
    assert len(db.exec(select(Note)).all()) == 1
    assert len(db.exec(select(NoteFinding)).all()) == 1


def test_api_bulk_rejects_a_bad_note_by_index_and_stores_the_others(client_as, db):
    collector = client_as("collector")
    response = collector.post("/api/notes", json={"notes": [
        {"text": "客户承诺月底还款", "external_id": "n1"},
        {"text": "   ", "external_id": "n2"},
        {"text": "send it to my Venmo", "external_id": "n3", "jurisdiction": "us"},
        {"text": "ok", "external_id": "n4", "collector": "someone-else"},
    ]})
    body = response.json()
    assert response.status_code == 201
    assert (body["created"], body["rejected"]) == (2, 2)
    assert body["results"][1]["error"] == "notes[1].text: empty note"
    assert "only send their own notes" in body["results"][3]["error"]
    assert sorted(db.exec(select(Note.external_id)).all()) == ["n1", "n3"]


def test_api_sender_with_qa_role_may_name_the_collector(client_as, make_user, db):
    author = make_user("collector", username="wang")
    qa = client_as("qa")
    response = qa.post("/api/notes", json={"text": "已核实身份", "collector": "wang"})
    assert response.status_code == 201
    assert db.exec(select(Note)).one().author_id == author.id


def test_api_collector_cannot_read_another_collectors_note(client_as, make_user, db):
    owner = client_as("collector")
    note_id = owner.post("/api/notes", json={"text": "已核实身份"}).json()["results"][0]["id"]
    other = client_as("collector")
    assert other.get(f"/api/notes/{note_id}").status_code == 404
    assert owner.get(f"/api/notes/{note_id}").json()["check_status"] == "checked"


def test_api_refuses_an_unknown_token_and_a_cookie_less_post(client):
    assert client.post("/api/notes", json={"text": "x"},
                       headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert client.post("/api/notes", json={"text": "x"}).status_code == 403  # no CSRF token
