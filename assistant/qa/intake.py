"""Taking notes in from the collector console and the API: store first, then check.

`save_note` is what the collector console (guided sessions) calls when a collector saves a
note; `save_api_notes` serves `POST /api/notes` (a dialer or CRM), idempotent by external id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assistant import audit, cases
from assistant.errors import InvalidInput, NotFound, PermissionDenied
from assistant.models import Case, Role, User
from assistant.qa import checking
from assistant.qa.models import Channel, CheckStatus, Note, NoteFinding, NoteSource

MAX_NOTE_CHARS = 20_000
LANGUAGES = ("", "zh", "en")
JURISDICTIONS = ("", "cn", "us", "uk")


@dataclass
class NoteInput:
    """One note as a client sends it; collector and case may be named by username/reference."""

    text: str
    external_id: str | None = None
    collector: str | None = None  # username; default: the sender (a collector) or the case's
    case_id: int | None = None
    case_reference: str | None = None
    channel: str = Channel.other
    contact_time: datetime | None = None
    language: str = ""
    jurisdiction: str = ""


@dataclass
class IntakeResult:
    index: int
    note: Note | None = None
    created: bool = False
    error: str = ""
    findings: list[NoteFinding] = field(default_factory=list)


def save_note(db: Session, *, text: str, author: User, case: Case | int | None = None,
              channel: str = Channel.other, source: str = NoteSource.console,
              contact_time: datetime | None = None, language: str = "", jurisdiction: str = "",
              external_id: str | None = None, checker=None,
              rules_dir: Path | None = None) -> tuple[Note, list[NoteFinding]]:
    """Store a note, commit it, then check it; returns the note and its findings.

    The note is committed before the checker runs, so a checker failure leaves it stored
    with check_status "failed" and the error, never lost.
    """
    case_obj = cases.get_for_user(db, case, author) if isinstance(case, int) else case
    note = _build_note(text=text, author=author, case=case_obj, channel=channel, source=source,
                       contact_time=contact_time, language=language, jurisdiction=jurisdiction,
                       external_id=external_id, where="note")
    db.add(note)
    db.flush()
    audit.record(db, author, "qa.note_saved", note, source=source, case_id=note.case_id)
    db.commit()
    check_stored(db, [note], checker=checker, rules_dir=rules_dir)
    db.refresh(note)
    return note, findings_of(db, note.id)


def save_api_notes(db: Session, sender: User, items: Sequence[NoteInput], *, checker=None,
                   rules_dir: Path | None = None) -> list[IntakeResult]:
    """Store API notes (idempotent by external id), commit, then check the new ones."""
    results: list[IntakeResult] = []
    for index, item in enumerate(items):
        results.append(_store_api_note(db, sender, index, item))
    new_notes = [r.note for r in results if r.created and r.note is not None]
    if new_notes:
        audit.record(db, sender, "qa.notes_received", None, count=len(new_notes),
                     note_ids=[n.id for n in new_notes][:1000])
    db.commit()
    check_stored(db, new_notes, checker=checker, rules_dir=rules_dir)
    for result in results:
        if result.note is not None:
            db.refresh(result.note)
            result.findings = findings_of(db, result.note.id)
    return results


def check_stored(db: Session, notes: Sequence[Note], *, checker=None,
                 rules_dir: Path | None = None) -> checking.StoredCounts:
    """Check stored pending notes now; if the checker cannot even load, mark them failed."""
    if not notes:
        return checking.StoredCounts()
    to_check = [checking.NoteToCheck(n.id, n.text, n.language, n.jurisdiction, n.times_checked)
                for n in notes]
    try:
        checker = checker or load_checker(rules_dir)
    except Exception as exc:  # noqa: BLE001 - the notes stay stored, failed with the reason
        results = [checking.CheckResult(n, error=f"checker unavailable: {exc}") for n in to_check]
        counts = checking.store_results(db.connection(), results, "")
    else:
        results = checking.run_checker(checker, to_check)
        counts = checking.store_results(db.connection(), results, checker.version)
    db.commit()
    return counts


def load_checker(rules_dir: Path | None = None):
    """The shared checker for RULES_DIR (default: the configured rules folder)."""
    from assistant.compliance.checker import get_checker
    from assistant.config import get_settings

    return get_checker(rules_dir or get_settings().rules_dir)


def findings_of(db: Session, note_id: int, *, current_only: bool = True) -> list[NoteFinding]:
    query = select(NoteFinding).where(NoteFinding.note_id == note_id)
    if current_only:
        query = query.where(NoteFinding.current)
    return list(db.exec(query.order_by(NoteFinding.start, NoteFinding.id)))


def _store_api_note(db: Session, sender: User, index: int, item: NoteInput) -> IntakeResult:
    where = f"notes[{index}]"
    if item.external_id:
        existing = _by_external_id(db, NoteSource.api, item.external_id)
        if existing is not None:
            return IntakeResult(index, existing, created=False)
    try:
        author, case = _resolve_people(db, sender, item, where)
        note = _build_note(text=item.text, author=author, case=case, channel=item.channel,
                           source=NoteSource.api, contact_time=item.contact_time,
                           language=item.language, jurisdiction=item.jurisdiction,
                           external_id=item.external_id, where=where)
    except (InvalidInput, NotFound, PermissionDenied) as exc:
        return IntakeResult(index, error=str(exc))
    try:
        with db.begin_nested():
            db.add(note)
    except IntegrityError:
        # Another request stored the same external id in between: that one is the note.
        return IntakeResult(index, _by_external_id(db, NoteSource.api, item.external_id or ""))
    audit.record(db, sender, "qa.note_saved", note, source=NoteSource.api,
                 external_id=item.external_id)
    return IntakeResult(index, note, created=True)


def _resolve_people(db: Session, sender: User, item: NoteInput,
                    where: str) -> tuple[User | None, Case | None]:
    """Who wrote the note and about which case; a collector may only send their own notes."""
    case = None
    if item.case_id is not None:
        case = cases.get_for_user(db, item.case_id, sender)
    elif item.case_reference:
        case = db.exec(select(Case).where(Case.reference == item.case_reference)).first()
        if case is None or (sender.role == Role.collector
                            and case.assigned_collector_id != sender.id):
            raise NotFound(f"{where}.case_reference: case {item.case_reference!r} not found")
    if sender.role == Role.collector:
        if item.collector and item.collector != sender.username:
            raise PermissionDenied(f"{where}.collector: a collector may only send their own notes")
        return sender, case
    if item.collector:
        author = db.exec(select(User).where(User.username == item.collector)).first()
        if author is None:
            raise InvalidInput(f"{where}.collector: no user {item.collector!r}")
        return author, case
    if case is not None and case.assigned_collector_id:
        return db.get(User, case.assigned_collector_id), case
    return None, case


def _build_note(*, text: str, author: User | None, case: Case | None, channel: str, source: str,
                contact_time: datetime | None, language: str, jurisdiction: str,
                external_id: str | None, where: str) -> Note:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"{where}.text: empty note")
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(f"{where}.text: {len(text)} characters; at most {MAX_NOTE_CHARS}")
    if channel not in set(Channel):
        raise InvalidInput(f"{where}.channel: {channel!r} is not one of "
                           f"{', '.join(c.value for c in Channel)}")
    if language not in LANGUAGES:
        raise InvalidInput(f"{where}.language: {language!r} is not zh or en")
    jurisdiction = jurisdiction or (case.jurisdiction if case else "")
    if jurisdiction not in JURISDICTIONS:
        raise InvalidInput(f"{where}.jurisdiction: {jurisdiction!r} is not cn, us or uk")
    if external_id is not None and len(external_id) > 120:
        raise InvalidInput(f"{where}.external_id: longer than 120 characters")
    if contact_time is not None and contact_time.tzinfo is None:
        raise InvalidInput(f"{where}.contact_time: give a time zone (e.g. +08:00 or Z)")
    return Note(text=text, language=language, jurisdiction=jurisdiction,
                author_id=author.id if author else None, case_id=case.id if case else None,
                channel=channel, source=source,
                contact_time=contact_time.astimezone(UTC) if contact_time else None,
                external_id=external_id or None, check_status=CheckStatus.pending)


def _by_external_id(db: Session, source: str, external_id: str) -> Note | None:
    return db.exec(select(Note).where(Note.source == source,
                                      Note.external_id == external_id)).first()
