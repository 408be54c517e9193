"""Reviewed notes as labelled evaluation data, in the format `assistant eval` reads.

One JSON line per reviewed note: {"id": "qa-<note id>", "lang", "text" (the original text),
"labels" (sorted categories), "jurisdiction", "checker_version", "reviewed_at"}. The labels are
QA's judgement: categories of confirmed or escalated findings, plus those of the misses not
withdrawn. A dismissed finding's category is a label only when something else confirms it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from sqlalchemy import func
from sqlmodel import Session, select

from assistant.compliance.language import JURISDICTIONS, LANGUAGES, resolve
from assistant.errors import InvalidInput
from assistant.qa.misses import reviewed_clause
from assistant.qa.models import (
    CheckStatus,
    Decision,
    MissedViolation,
    Note,
    NoteFinding,
    NothingMissedMark,
    ReviewDecision,
)

CHUNK = 500
POSITIVE = (Decision.confirmed.value, Decision.escalated.value)

# Why a note is left out; the keys are stable (the web export sends them in a header).
NOT_REVIEWED = "not reviewed"
NOT_CHECKED = "check not finished (pending or failed)"
UNDECIDED = "reviewed, but some findings have no decision yet"
BEFORE_SINCE = "reviewed before the since date"


@dataclass
class ExportReport:
    exported: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> notes
    filtered_out: int = 0  # other language or jurisdiction than asked for

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> str:
        """`exported 3 notes; skipped 5: 4 not reviewed, 1 ...`, for people."""
        text = f"exported {self.exported} notes"
        if self.skipped:
            reasons = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common())
            text += f"; skipped {self.skipped_total}: {reasons}"
        if self.filtered_out:
            text += f"; {self.filtered_out} in another language or jurisdiction"
        return text


@dataclass(frozen=True)
class ExportFilters:
    since: datetime | None = None  # reviewed at or after this moment (timezone-aware)
    lang: str | None = None
    jurisdiction: str | None = None

    def __post_init__(self) -> None:
        if self.lang is not None and self.lang not in LANGUAGES:
            raise InvalidInput(f"lang: {self.lang!r} is not one of {', '.join(LANGUAGES)}")
        if self.jurisdiction is not None and self.jurisdiction not in JURISDICTIONS:
            raise InvalidInput(f"jurisdiction: {self.jurisdiction!r} is not one of "
                               f"{', '.join(JURISDICTIONS)}")
        if self.since is not None and self.since.tzinfo is None:
            raise InvalidInput("since: give a time zone")

    def wants(self, lang: str, jurisdiction: str) -> bool:
        """Whether a note in LANG checked under JURISDICTION is one asked for."""
        return (self.lang in (None, lang)) and (self.jurisdiction in (None, jurisdiction))


def write_labels(db: Session, out: IO[str], filters: ExportFilters = ExportFilters(),
                 progress: Callable[[int, int], None] | None = None) -> ExportReport:
    """Write every reviewed note matching FILTERS to OUT as a JSON line; say what was left out.

    PROGRESS, when given, is called with (notes looked at, notes in all) after each chunk.
    """
    report = ExportReport()
    total = db.exec(select(func.count()).select_from(Note)).one()
    seen, last_id = 0, 0
    if progress:
        progress(0, total)
    while True:
        notes = list(db.exec(select(Note).where(Note.id > last_id).order_by(Note.id)
                             .limit(CHUNK)))
        if not notes:
            break
        last_id = notes[-1].id
        for record in _chunk_records(db, notes, filters, report):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            report.exported += 1
        seen += len(notes)
        if progress:
            progress(seen, total)
    return report


def _chunk_records(db: Session, notes: list[Note], filters: ExportFilters,
                   report: ExportReport) -> list[dict]:
    ids = [n.id for n in notes]
    reviewed = set(db.exec(select(Note.id).where(Note.id.in_(ids), reviewed_clause(Note.id))))
    findings = _grouped(db, select(NoteFinding).where(NoteFinding.note_id.in_(reviewed)))
    misses = _grouped(db, select(MissedViolation).where(MissedViolation.note_id.in_(reviewed)))
    marks = _grouped(db, select(NothingMissedMark).where(NothingMissedMark.note_id.in_(reviewed)))
    decisions = _grouped(db, select(ReviewDecision).where(ReviewDecision.note_id.in_(reviewed)))
    records = []
    for note in notes:
        lang, jurisdiction = resolve(note.text, note.language or None, note.jurisdiction or None)
        if not filters.wants(lang, jurisdiction):
            report.filtered_out += 1
            continue
        reason = _skip_reason(note, reviewed, findings.get(note.id, []))
        if reason is None:
            reviewed_at = _reviewed_at(misses.get(note.id, []), marks.get(note.id, []),
                                       decisions.get(note.id, []))
            if filters.since and reviewed_at < filters.since:
                reason = BEFORE_SINCE
        if reason:
            report.skipped[reason] += 1
            continue
        records.append({
            "id": f"qa-{note.id}", "lang": lang, "text": note.text,
            "labels": labels_of(findings.get(note.id, []), misses.get(note.id, [])),
            "jurisdiction": jurisdiction, "checker_version": note.checked_with,
            "reviewed_at": reviewed_at.isoformat(),
        })
    return records


def labels_of(findings: list[NoteFinding], misses: list[MissedViolation]) -> list[str]:
    """QA's categories for a note: confirmed or escalated findings, and misses still standing."""
    labels = {f.category for f in findings if f.decision in POSITIVE}
    labels |= {m.category for m in misses if m.withdrawn_at is None}
    return sorted(labels)


def _skip_reason(note: Note, reviewed: set[int], findings: list[NoteFinding]) -> str | None:
    if note.id not in reviewed:
        return NOT_REVIEWED
    if note.check_status != CheckStatus.checked:
        return NOT_CHECKED
    # A finding nobody judged could be right or wrong: its category is neither a label nor
    # safely not one, so the note would teach the wrong thing either way.
    if any(f.current and f.decision is None for f in findings):
        return UNDECIDED
    return None


def _reviewed_at(misses: list[MissedViolation], marks: list[NothingMissedMark],
                 decisions: list[ReviewDecision]) -> datetime:
    """When the note's review last changed: a decision, a miss recorded or withdrawn, a mark."""
    moments = [d.at for d in decisions] + [m.at for m in marks] + [m.at for m in misses]
    moments += [m.withdrawn_at for m in misses if m.withdrawn_at is not None]
    return max(_aware(moment) for moment in moments)


def _grouped(db: Session, query) -> dict[int, list]:
    groups: dict[int, list] = {}
    for row in db.exec(query):
        groups.setdefault(row.note_id, []).append(row)
    return groups


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
