"""Who may use which QA route: reviewers everything, collectors only their own notes."""

from __future__ import annotations

import pytest

from assistant.qa import intake
from tests.qa.conftest import RULES_DIR

QA_ONLY_PAGES = ["/qa", "/qa/dashboard", "/qa/import", "/qa/export/queue.csv",
                 "/qa/export/labels.jsonl",
                 "/qa/export/queue.xlsx", "/qa/export/dashboard/by_category.csv"]


@pytest.mark.parametrize("role, allowed", [("qa", True), ("admin", True), ("collector", False),
                                           ("trainer", False)])
def test_reviewer_pages_by_role(client_as, role, allowed):
    client = client_as(role)  # one login per role: logging in hashes a password
    statuses = {path: client.get(path).status_code for path in QA_ONLY_PAGES}
    assert statuses == dict.fromkeys(QA_ONLY_PAGES, 200 if allowed else 403)


@pytest.mark.parametrize("role, status", [("collector", 200), ("qa", 403), ("admin", 403),
                                          ("trainer", 403)])
def test_my_notes_is_for_collectors(client_as, role, status):
    assert client_as(role).get("/qa/my-notes").status_code == status


@pytest.mark.parametrize("path", QA_ONLY_PAGES + ["/qa/my-notes", "/qa/notes/1"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_a_note_is_visible_to_its_author_and_reviewers_only(client_as, make_user, db):
    author = make_user("collector")
    note, _ = intake.save_note(db, text="再不还就报警抓你", author=author, rules_dir=RULES_DIR)
    assert client_as(user=author).get(f"/qa/notes/{note.id}").status_code == 200
    assert client_as("collector").get(f"/qa/notes/{note.id}").status_code == 404
    assert client_as("qa").get(f"/qa/notes/{note.id}").status_code == 200
    assert client_as("admin").get(f"/qa/notes/{note.id}").status_code == 200
    assert client_as("trainer").get(f"/qa/notes/{note.id}").status_code == 404


def test_collectors_cannot_decide_or_import(client_as, make_user, db):
    author = make_user("collector")
    note, findings = intake.save_note(db, text="再不还就报警抓你", author=author,
                                      rules_dir=RULES_DIR)
    collector = client_as(user=author)
    decided = collector.post(f"/qa/notes/{note.id}/decisions",
                             data={"decision": "dismissed", "finding_ids": findings[0].id})
    assert decided.status_code == 403
    assert collector.post("/qa/decisions", data={"decision": "dismissed",
                                                 "finding_ids": findings[0].id}).status_code == 403
    upload = collector.post("/qa/import", files={"file": ("a.csv", b"text\nx\n", "text/csv")})
    assert upload.status_code == 403


def test_collector_sees_own_notes_and_findings_only(client_as, make_user, db):
    mine, theirs = make_user("collector"), make_user("collector")
    intake.save_note(db, text="我的备注：再不还就报警抓你", author=mine, rules_dir=RULES_DIR)
    intake.save_note(db, text="别人的备注：让你坐牢", author=theirs, rules_dir=RULES_DIR)
    page = client_as(user=mine).get("/qa/my-notes").text
    assert "我的备注" in page and "别人的备注" not in page
    assert "qa-finding" in page and 'name="decision"' not in page


def test_collector_adds_a_note_to_own_case_only(client_as, make_user, make_case, db):
    author = make_user("collector")
    own, other = make_case(author), make_case(make_user("collector"))
    collector = client_as(user=author)
    assert collector.get(f"/qa/cases/{own.id}/note").status_code == 200
    assert collector.get(f"/qa/cases/{other.id}/note").status_code == 404
    saved = collector.post("/qa/my-notes", data={"text": "再不还就报警抓你", "case_id": own.id,
                                                 "channel": "call",
                                                 "contact_time": "2024-05-01T20:30"},
                           follow_redirects=False)
    assert saved.status_code == 303
    refused = collector.post("/qa/my-notes", data={"text": "x", "case_id": other.id})
    assert refused.status_code == 404
