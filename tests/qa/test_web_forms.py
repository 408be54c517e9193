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



