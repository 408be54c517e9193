"""Decisions on findings, the per-rule precision figure, and a note's history."""

from __future__ import annotations

import pytest

from assistant.errors import InvalidInput
from assistant.qa import dashboard, intake, queue, review
from assistant.qa.models import ReviewDecision
from tests.qa.conftest import RULES_DIR


@pytest.fixture
def flagged(db, make_user):
    """Four notes, each with one arrest-threat finding."""
    collector = make_user("collector", team="East")
    notes = [intake.save_note(db, text=f"第{i}次：再不还就报警抓你", author=collector,
                              rules_dir=RULES_DIR) for i in range(4)]
    return collector, [findings[0] for _note, findings in notes]


def test_precision_is_confirmed_over_confirmed_plus_dismissed(db, make_user, flagged):
    reviewer = make_user("qa")
    _collector, findings = flagged
    review.decide(db, reviewer, [findings[0].id, findings[1].id], "confirmed")
    review.decide(db, reviewer, [findings[2].id], "dismissed", "a quote from the borrower")
    review.decide(db, reviewer, [findings[3].id], "escalated", "ask legal")

    board = dashboard.build(db)
    rule = findings[0].rule_id
    row = next(r for r in board.tables["precision"].rows if r[0] == rule)
    assert row == [rule, 2, 1, 1, round(2 / 3, 3)]
    assert board.notes_with_findings == 4 and board.notes_reviewed == 4
    assert board.reviewed_share == 1.0


def test_the_latest_decision_counts_and_all_are_kept(db, make_user, flagged):
    reviewer = make_user("qa")
    _collector, findings = flagged
    review.decide(db, reviewer, [findings[0].id], "dismissed")
    review.decide(db, reviewer, [findings[0].id], "confirmed", "on second listen")
    rule = findings[0].rule_id
    board = dashboard.build(db)
    assert next(r for r in board.tables["precision"].rows if r[0] == rule)[1:3] == [1, 0]
    assert len(db.exec(ReviewDecision.__table__.select()).all()) == 2
    assert board.notes_reviewed == 1 and board.reviewed_share == 0.25


def test_precision_without_decisions_is_unknown_not_zero():
    assert dashboard.precision(0, 0) is None
    assert dashboard.precision(3, 1) == 0.75


def test_escalation_needs_a_comment(db, make_user, flagged):
    with pytest.raises(InvalidInput, match="comment: say why you escalate"):
        review.decide(db, make_user("qa"), [flagged[1][0].id], "escalated", " ")


def test_unknown_decision_is_refused(db, make_user, flagged):
    with pytest.raises(InvalidInput, match="decision: 'approve' is not one of"):
        review.decide(db, make_user("qa"), [flagged[1][0].id], "approve")


def test_history_lists_storage_check_and_decisions_in_order(db, make_user, flagged):
    reviewer = make_user("qa", display_name="Reviewer Liu")
    _collector, findings = flagged
    review.decide(db, reviewer, [findings[0].id], "confirmed", "clear threat")
    note = queue.get_note(db, findings[0].note_id, reviewer)
    kinds = [(e["kind"], e["who"].display_name if e["who"] else None)
             for e in queue.history(db, note)]
    assert kinds == [("stored", None), ("checked", None), ("confirmed", "Reviewer Liu")]


def test_recheck_keeps_decided_findings(db, make_user, flagged):
    from assistant.compliance.checker import get_checker
    from assistant.qa import checking
    from assistant.qa.models import Note, NoteFinding

    reviewer = make_user("qa")
    _collector, findings = flagged
    review.decide(db, reviewer, [findings[0].id], "confirmed")
    note = db.get(Note, findings[0].note_id)
    note.check_status = "pending"
    db.commit()
    to_check = [checking.NoteToCheck(note.id, note.text, "", "", note.times_checked)]
    counts = checking.check_notes(db.get_bind(), get_checker(RULES_DIR), to_check)
    assert counts.checked == 1 and counts.findings == 0  # the decided finding stands for it
    db.expire_all()
    kept = db.get(NoteFinding, findings[0].id)
    assert kept.decision == "confirmed" and kept.current
    assert db.get(Note, note.id).times_checked == 2
