"""Violations the checker missed: recording, withdrawing, validation, and when a note counts
as reviewed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from assistant.errors import InvalidInput, NotFound
from assistant.models import AuditEvent
from assistant.qa import intake, misses, queue, review
from assistant.qa.models import MissedViolation
from tests.qa.conftest import RULES_DIR

NOTE_TEXT = "客户称失业，家里老人生病。催收员说：你这种老赖就该去借网贷先还上。"


@pytest.fixture
def note(db, make_user):
    saved, _findings = intake.save_note(db, text=NOTE_TEXT, author=make_user("collector"),
                                        rules_dir=RULES_DIR)
    return saved


def test_a_miss_with_a_span_keeps_the_words_and_is_audited(db, make_user, note):
    reviewer = make_user("qa")
    start = NOTE_TEXT.index("老赖")
    miss = misses.add_miss(db, reviewer, note, category="abuse.insult", start=start,
                           end=start + 2, comment="calls her a deadbeat")
    assert (miss.start, miss.end, miss.text, miss.category) == (start, start + 2, "老赖",
                                                               "abuse.insult")
    assert miss.reviewer_id == reviewer.id and miss.withdrawn_at is None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "qa.miss_recorded")).one()
    assert event.actor_id == reviewer.id and event.detail["category"] == "abuse.insult"


def test_a_quote_is_found_in_the_note_ignoring_case_and_spacing(db, make_user):
    text = "Told the customer:\nTake a   PAYDAY loan to cover this. Customer upset."
    saved, _ = intake.save_note(db, text=text, author=make_user("collector"),
                                rules_dir=RULES_DIR)
    miss = misses.add_miss(db, make_user("qa"), saved, category="unfair.borrow_to_repay",
                           quote="take a payday loan")
    assert text[miss.start:miss.end] == "Take a   PAYDAY loan" == miss.text


def test_offsets_that_disagree_with_the_quote_give_way_to_the_nearest_occurrence(
        db, make_user):
    text = "他说还钱。\r\n我说还钱。"
    saved, _ = intake.save_note(db, text=text, author=make_user("collector"),
                                rules_dir=RULES_DIR)
    # A browser counts "\r\n" as one character, so its offsets are one short here.
    miss = misses.add_miss(db, make_user("qa"), saved, category="false_rep.misleading",
                           start=8, end=10, quote="还钱")
    assert (miss.start, miss.end, miss.text) == (9, 11, "还钱")


def test_a_miss_without_a_span_is_allowed(db, make_user, note):
    miss = misses.add_miss(db, make_user("qa"), note, category="disclosure.missing")
    assert (miss.start, miss.end, miss.text) == (None, None, "")


@pytest.mark.parametrize("kwargs, message", [
    ({"category": "abuse.insults"}, r"category: 'abuse.insults' is not a category id"),
    ({"category": "abuse.insult", "start": 3, "end": 999}, r"end: 999 is past the end of the "
                                                           r"note \(33 characters\)"),
    ({"category": "abuse.insult", "start": -1, "end": 2}, r"start: -1 is before the beginning"),
    ({"category": "abuse.insult", "start": 5, "end": 5}, r"end: 5 must be after start"),
    ({"category": "abuse.insult", "start": 5}, r"end: give both start and end"),
    ({"category": "abuse.insult", "quote": "骗子"}, r"quote: '骗子' is not in the note"),
    ({"category": "abuse.insult", "start": 0, "end": 2, "quote": "骗子"},
     r"quote: '骗子' is not in the note"),
    ({"category": "abuse.insult", "comment": "x" * 4001}, r"comment: at most 4000 characters"),
])
def test_bad_input_is_refused_naming_the_field(db, make_user, note, kwargs, message):
    assert len(NOTE_TEXT) == 33
    with pytest.raises(InvalidInput, match=message):
        misses.add_miss(db, make_user("qa"), note, **kwargs)
    assert db.exec(select(MissedViolation)).all() == []


def test_a_quote_found_twice_asks_for_more_words(db, make_user):
    saved, _ = intake.save_note(db, text="他说还钱。我说还钱。", author=make_user("collector"),
                                rules_dir=RULES_DIR)
    with pytest.raises(InvalidInput, match="quote: '还钱' occurs 2 times"):
        misses.add_miss(db, make_user("qa"), saved, category="false_rep.misleading",
                        quote="还钱")


def test_withdrawing_keeps_the_row_and_who_did_it(db, make_user, note):
    reviewer, other = make_user("qa"), make_user("admin")
    miss = misses.add_miss(db, reviewer, note, category="abuse.insult", quote="老赖")
    withdrawn = misses.withdraw_miss(db, other, note, miss.id)
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by_id == other.id
    assert misses.misses_of(db, note.id) == [withdrawn]
    assert misses.misses_of(db, note.id, current_only=True) == []
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "qa.miss_withdrawn")).one()
    with pytest.raises(InvalidInput, match="already withdrawn"):
        misses.withdraw_miss(db, other, note, miss.id)


def test_withdrawing_a_miss_of_another_note_is_not_found(db, make_user, note):
    other_note, _ = intake.save_note(db, text="客户承诺月底还款", author=make_user("collector"),
                                     rules_dir=RULES_DIR)
    miss = misses.add_miss(db, make_user("qa"), note, category="abuse.insult", quote="老赖")
    with pytest.raises(NotFound):
        misses.withdraw_miss(db, make_user("qa"), other_note, miss.id)


def test_a_note_is_reviewed_by_decisions_a_miss_or_a_nothing_missed_mark(db, make_user):
    author, reviewer = make_user("collector"), make_user("qa")
    flagged, findings = intake.save_note(db, text="再不还就报警抓你", author=author,
                                         rules_dir=RULES_DIR)
    clean, _ = intake.save_note(db, text="客户承诺月底还款", author=author, rules_dir=RULES_DIR)
    missed, _ = intake.save_note(db, text=NOTE_TEXT, author=author, rules_dir=RULES_DIR)
    assert findings and not any(misses.review_state(db, n).reviewed
                                for n in (flagged, clean, missed))

    review.decide(db, reviewer, [f.id for f in findings], "confirmed")
    miss = misses.add_miss(db, reviewer, missed, category="abuse.insult", quote="老赖")
    misses.mark_nothing_missed(db, reviewer, clean, "read it twice")
    states = {n.id: misses.review_state(db, n) for n in (flagged, clean, missed)}
    assert all(s.reviewed for s in states.values())
    assert states[clean.id].nothing_missed[0].comment == "read it twice"
    reviewed, total = queue.page(db, reviewer, queue.QueueFilters(status="reviewed"), "UTC")
    assert total == 3

    misses.withdraw_miss(db, reviewer, missed, miss.id)
    assert not misses.review_state(db, missed).reviewed  # nothing else reviewed it


def test_history_shows_misses_withdrawals_and_marks(db, make_user, note):
    reviewer = make_user("qa", display_name="Reviewer Wu")
    miss = misses.add_miss(db, reviewer, note, category="abuse.insult", quote="老赖",
                           comment="insult")
    misses.withdraw_miss(db, reviewer, note, miss.id)
    misses.mark_nothing_missed(db, reviewer, note)
    events = [(e["kind"], e["detail"]) for e in queue.history(db, note)
              if e["kind"] in ("missed", "miss_withdrawn", "nothing_missed")]
    assert events == [("missed", "abuse.insult «老赖»: insult"),
                      ("miss_withdrawn", "abuse.insult «老赖»"), ("nothing_missed", "")]


def test_dashboard_counts_a_flagged_note_with_a_miss_as_reviewed(db, make_user):
    from assistant.qa import dashboard

    flagged, findings = intake.save_note(db, text="再不还就报警抓你", author=make_user("collector"),
                                         rules_dir=RULES_DIR)
    assert findings and dashboard.build(db).notes_reviewed == 0
    misses.add_miss(db, make_user("qa"), flagged, category="disclosure.missing")
    board = dashboard.build(db)
    assert board.notes_reviewed == 1 and board.reviewed_share == 1.0
    assert board.tables["category_review"].rows == [
        ["disclosure.missing", 0, 0, 0, 1, None, 0.0]]
