"""Notes written during a guided session: checked live, confirmed when critical, sent to QA.

A note is always stored (QA's note store first, then our session event); a note with a
critical finding needs the collector's explicit confirmation and is flagged for QA review.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from assistant.errors import InvalidInput
from assistant.guidance.engine import _record, _require_active
from assistant.guidance.models import EventType, GuidedSession, SessionEvent
from assistant.models import Case, User

MAX_NOTE_CHARS = 5000


class NoteNeedsConfirmation(InvalidInput):
    """The note has a critical finding; save again with confirm=True to keep it as written."""

    def __init__(self, findings: list):
        self.findings = findings
        rules = ", ".join(sorted({f.rule_id for f in findings if f.severity == "critical"}))
        super().__init__(f"note: critical finding ({rules}); confirm to save it as written")


@dataclass
class Segment:
    """A piece of the note; `finding` is set when the piece is an offending span."""

    text: str
    finding: dict[str, Any] | None = None


def check_note(text: str, *, jurisdiction: str, rules_dir: Path) -> list:
    from assistant.compliance.checker import get_checker

    return get_checker(rules_dir).check(text, lang=None, jurisdiction=jurisdiction)


def warm_checker(rules_dir: Path) -> None:
    """Build (and cache) the checker for this rules folder."""
    from assistant.compliance.checker import get_checker

    get_checker(rules_dir)


def segments(text: str, findings: list) -> list[Segment]:
    """Split the text into plain and highlighted pieces (overlaps go to the earlier finding)."""
    pieces: list[Segment] = []
    cursor = 0
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if finding.start < cursor:
            continue
        if finding.start > cursor:
            pieces.append(Segment(text[cursor:finding.start]))
        pieces.append(Segment(text[finding.start:finding.end], finding.to_dict()))
        cursor = finding.end
    if cursor < len(text):
        pieces.append(Segment(text[cursor:]))
    return pieces


def _hand_to_qa(db: Session, text: str, user: User, case: Case, session: GuidedSession,
                rules_dir: Path) -> int | None:
    """Store the note in QA's note store, which checks it for the review queue."""
    try:
        from assistant.qa.intake import save_note
    except ImportError:
        return None  # QA is not installed in this build; the session event keeps the note
    note, _ = save_note(db, text=text, author=user, case=case, channel=session.channel,
                        source="console", jurisdiction=session.jurisdiction, rules_dir=rules_dir)
    return note.id


def add_note(db: Session, session: GuidedSession, user: User, text: str, *, rules_dir: Path,
             confirm: bool = False) -> tuple[SessionEvent, list]:
    """Check and save a note at the current step; returns the event and the findings."""
    _require_active(session, user)
    text = text.strip()
    if not text:
        raise InvalidInput("note: empty")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(f"note: longer than {MAX_NOTE_CHARS} characters")
    findings = check_note(text, jurisdiction=session.jurisdiction, rules_dir=rules_dir)
    critical = any(f.severity == "critical" for f in findings)
    if critical and not confirm:
        # Stored before the collector decides: a draft that is rewritten or abandoned still
        # shows on the timeline and in replay, so QA learns what was written.
        _record(db, session, user, EventType.note_blocked_draft, session.current_step, text=text,
                findings=[f.to_dict() for f in findings])
        db.commit()
        raise NoteNeedsConfirmation(findings)
    case = db.get(Case, session.case_id)
    qa_note_id = _hand_to_qa(db, text, user, case, session, rules_dir)
    event = _record(db, session, user, EventType.note_saved, session.current_step, text=text,
                    findings=[f.to_dict() for f in findings], critical=critical,
                    confirmed=bool(confirm and critical), flagged_for_qa=critical,
                    qa_note_id=qa_note_id)
    db.commit()
    return event, findings
