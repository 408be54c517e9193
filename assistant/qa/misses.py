"""Violations the checker missed: reviewers record them, withdraw them, or state that a note
has none ("reviewed: nothing missed"). Together with the decisions on findings these say
whether a note's review is complete.

A note is reviewed when every current finding has a decision (and it has at least one), or a
reviewer has recorded a miss that is not withdrawn, or a reviewer marked it "nothing missed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, select

from assistant import audit
from assistant.compliance.rules import CATEGORIES
from assistant.errors import InvalidInput, NotFound
from assistant.models import User, utcnow
from assistant.qa.models import MissedViolation, Note, NoteFinding, NothingMissedMark
from assistant.qa.review import MAX_COMMENT_CHARS


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class ReviewState:
    """Where a note's review stands, for its page."""

    reviewed: bool
    undecided: int  # current findings without a decision
    current_misses: int
    nothing_missed: list[NothingMissedMark]


def add_miss(db: Session, reviewer: User, note: Note, *, category: str,
             start: int | None = None, end: int | None = None, quote: str = "",
             comment: str = "") -> MissedViolation:
    """Record a violation of CATEGORY the checker did not flag in NOTE, and commit.

    The span is optional: give START and END (offsets into the original text), or QUOTE, the
    words as written, which are then looked up in the note; with both, they must agree.
    """
    if category not in CATEGORIES:
        raise InvalidInput(f"category: {category!r} is not a category id; use one of "
                           f"{', '.join(CATEGORIES)}")
    comment = _comment(comment)
    span = span_in(note.text, start, end, quote)
    miss = MissedViolation(note_id=note.id, category=category,
                           start=span.start if span else None, end=span.end if span else None,
                           text=note.text[span.start:span.end] if span else "",
                           comment=comment, reviewer_id=reviewer.id)
    db.add(miss)
    db.flush()
    audit.record(db, reviewer, "qa.miss_recorded", miss, note_id=note.id, category=category,
                 start=miss.start, end=miss.end, comment=comment)
    db.commit()
    db.refresh(miss)
    return miss


def withdraw_miss(db: Session, reviewer: User, note: Note, miss_id: int) -> MissedViolation:
    """Withdraw a recorded miss of NOTE (the row stays, marked withdrawn), and commit."""
    miss = db.get(MissedViolation, miss_id)
    if miss is None or miss.note_id != note.id:
        raise NotFound(f"missed violation {miss_id} not found on note {note.id}")
    if miss.withdrawn_at is not None:
        raise InvalidInput(f"miss: missed violation {miss_id} is already withdrawn")
    miss.withdrawn_at = utcnow()
    miss.withdrawn_by_id = reviewer.id
    db.add(miss)
    audit.record(db, reviewer, "qa.miss_withdrawn", miss, note_id=note.id,
                 category=miss.category)
    db.commit()
    db.refresh(miss)
    return miss


def mark_nothing_missed(db: Session, reviewer: User, note: Note,
                        comment: str = "") -> NothingMissedMark:
    """Record that REVIEWER found no violation the checker missed in NOTE, and commit."""
    mark = NothingMissedMark(note_id=note.id, reviewer_id=reviewer.id, comment=_comment(comment))
    db.add(mark)
    db.flush()
    audit.record(db, reviewer, "qa.nothing_missed", mark, note_id=note.id, comment=mark.comment)
    db.commit()
    db.refresh(mark)
    return mark


def misses_of(db: Session, note_id: int, *, current_only: bool = False
              ) -> list[MissedViolation]:
    """The misses recorded on a note, oldest first (withdrawn ones too unless CURRENT_ONLY)."""
    query = select(MissedViolation).where(MissedViolation.note_id == note_id)
    if current_only:
        query = query.where(MissedViolation.withdrawn_at.is_(None))
    return list(db.exec(query.order_by(MissedViolation.at, MissedViolation.id)))


def marks_of(db: Session, note_id: int) -> list[NothingMissedMark]:
    return list(db.exec(select(NothingMissedMark).where(NothingMissedMark.note_id == note_id)
                        .order_by(NothingMissedMark.at, NothingMissedMark.id)))


def reviewed_clause(note_id):
    """A SQL condition: the note whose id is NOTE_ID (a column) has been reviewed."""
    current = and_(NoteFinding.note_id == note_id, NoteFinding.current)
    all_decided = and_(exists().where(current),
                       ~exists().where(current, NoteFinding.decision.is_(None)))
    missed = exists().where(MissedViolation.note_id == note_id,
                            MissedViolation.withdrawn_at.is_(None))
    marked = exists().where(NothingMissedMark.note_id == note_id)
    return or_(all_decided, missed, marked)


def review_state(db: Session, note: Note) -> ReviewState:
    reviewed = db.exec(select(Note.id).where(Note.id == note.id,
                                             reviewed_clause(Note.id))).first() is not None
    undecided = db.exec(select(NoteFinding.id).where(
        NoteFinding.note_id == note.id, NoteFinding.current,
        NoteFinding.decision.is_(None))).all()
    return ReviewState(reviewed, len(undecided), len(misses_of(db, note.id, current_only=True)),
                       marks_of(db, note.id))


def span_in(text: str, start: int | None, end: int | None, quote: str = "") -> Span | None:
    """The span a reviewer pointed at in TEXT, checked to lie inside it; None for no span."""
    quote = (quote or "").strip()
    if start is None and end is None:
        return locate(text, quote) if quote else None
    if start is None or end is None:
        missing = "start" if start is None else "end"
        raise InvalidInput(f"{missing}: give both start and end, or neither")
    if start < 0:
        raise InvalidInput(f"start: {start} is before the beginning of the note")
    if end > len(text):
        raise InvalidInput(f"end: {end} is past the end of the note ({len(text)} characters)")
    if end <= start:
        raise InvalidInput(f"end: {end} must be after start ({start})")
    if quote and _squeezed(text[start:end]) != _squeezed(quote):
        # The words are what the reviewer saw; offsets counted by a browser can drift (a
        # page reads "\r\n" as one character). Take the occurrence nearest to START.
        return min(occurrences(text, quote), key=lambda span: abs(span.start - start))
    return Span(start, end)


def locate(text: str, quote: str) -> Span:
    """Where QUOTE is in TEXT, ignoring case and differences in spacing; it must occur once."""
    found = occurrences(text, quote)
    if len(found) > 1:
        raise InvalidInput(f"quote: {quote!r} occurs {len(found)} times in the note; quote "
                           "more of the sentence, or select the words in the note")
    return found[0]


def occurrences(text: str, quote: str) -> list[Span]:
    """Every place QUOTE is in TEXT (case and spacing aside); an error when there is none."""
    words = quote.split()
    if not words:
        raise InvalidInput("quote: empty; type the words as they are in the note")
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
    found = [Span(*m.span()) for m in pattern.finditer(text)]
    if not found:
        raise InvalidInput(f"quote: {quote!r} is not in the note; copy the words exactly as "
                           "written, or select them in the note")
    return found


def _squeezed(value: str) -> str:
    return " ".join(value.split()).casefold()


def _comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"comment: at most {MAX_COMMENT_CHARS} characters")
    return comment
