"""QA forms answer bad input inline, in the UI language, keeping what was typed."""

from __future__ import annotations

import re

from sqlmodel import select

from assistant.qa.models import NoteFinding
from tests.qa.test_web_review import _notes

HTMX = {"HX-Request": "true"}


def test_escalate_without_comment_is_an_inline_message_with_focus(client_as, db, make_user):
    _notes(db, make_user)
    qa = client_as(user=make_user("qa", locale="en"))
    finding = db.exec(select(NoteFinding)).first()
    answer = qa.post(f"/qa/notes/{finding.note_id}/decisions", headers=HTMX,
                     data={"decision": "escalated", "finding_ids": finding.id, "comment": " "})
    assert answer.status_code == 200
    assert 'class="notice danger qa-decide-error"' in answer.text
    assert "Escalating needs a comment" in answer.text
    assert re.search(r'name="comment"[^>]*autofocus', answer.text)
    db.refresh(finding)
    assert finding.decision is None or finding.decision == "open"
    page = qa.post(f"/qa/notes/{finding.note_id}/decisions",
                   data={"decision": "escalated", "finding_ids": finding.id})
    assert page.status_code == 422 and "qa-decide-error" in page.text and "<html" in page.text


def test_escalate_message_in_chinese(client_as, db, make_user):
    _notes(db, make_user)
    qa = client_as(user=make_user("qa", locale="zh_CN"))
    finding = db.exec(select(NoteFinding)).first()
    answer = qa.post(f"/qa/notes/{finding.note_id}/decisions", headers=HTMX,
                     data={"decision": "escalated", "finding_ids": finding.id})
    assert "升级处理必须填写说明" in answer.text and "comment:" not in answer.text


def test_bulk_escalate_without_comment_keeps_the_queue_and_selection(client_as, db, make_user):
    _notes(db, make_user)
    qa = client_as(user=make_user("qa", locale="en"))
    finding = db.exec(select(NoteFinding)).first()
    answer = qa.post("/qa/decisions", data={"decision": "escalated", "finding_ids": finding.id,
                                            "comment": "", "next": "/qa?severity=critical"})
    assert answer.status_code == 422
    assert 'class="notice danger qa-bulk-error"' in answer.text
    assert "Escalating needs a comment" in answer.text
    assert f'value="{finding.id}" form="bulk-form" checked' in answer.text
    assert 'value="escalated" selected' in answer.text and "再不还就" in answer.text
    # The hint the `e` key reveals is on every card.
    assert 'class="notice danger qa-escalate-hint"' in qa.get("/qa").text





def test_upload_of_a_wrong_file_type_is_inline_without_cli_hints(client_as, make_user):
    qa = client_as(user=make_user("qa", locale="en"))
    answer = qa.post("/qa/import", files={"file": ("notes.png", b"\x89PNG....", "image/png")})
    assert answer.status_code == 422 and 'class="notice danger upload-error"' in answer.text
    assert "--format" not in answer.text and "notes.png" in answer.text
    assert 'action="/qa/import"' in answer.text  # the upload form is right there


def test_empty_csv_is_inline_in_chinese(client_as, make_user):
    qa = client_as(user=make_user("qa", locale="zh_CN"))
    answer = qa.post("/qa/import", files={"file": ("empty.csv", b"", "text/csv")})
    assert answer.status_code == 422 and "upload-error" in answer.text
    assert "文件是空的" in answer.text and "the file is empty" not in answer.text


def test_my_note_without_text_is_inline_keeping_the_other_fields(client_as, make_user):
    collector = client_as(user=make_user("collector", locale="en"))
    answer = collector.post("/qa/my-notes", data={"text": "", "channel": "visit",
                                                  "contact_time": "2026-11-20T10:30"})
    assert answer.status_code == 422 and 'class="notice danger note-error"' in answer.text
    assert "Field required" not in answer.text and "Write the note before saving it." in answer.text
    assert 'value="visit" selected' in answer.text and 'value="2026-11-20T10:30"' in answer.text


def test_queue_times_carry_their_zone_label(client_as, db, make_user, settings):
    _notes(db, make_user)
    page = client_as("qa").get("/qa").text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d \(" + re.escape(settings.timezone) + r"\)", page)
