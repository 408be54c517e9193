"""Checking stored notes and storing their findings, in batches, exactly once per claim.

The same code serves a single console note, an import and a Ray worker of `qa check`.
A batch is written in one transaction that claims its notes with
`UPDATE ... WHERE check_status IN (<claimable>) RETURNING id`: a note another run has
already stored is not claimed again, and a run killed mid-batch leaves its notes claimable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from assistant.compliance.findings import Finding
from assistant.models import utcnow
from assistant.qa.models import CheckStatus, Note, NoteFinding

FINDING_COLUMNS = ("note_id", "rule_id", "category", "severity", "start", "end", "text",
                   "message", "citation", "suggestion", "checker_version", "decision",
                   "current", "created_at")
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class NoteToCheck:
    id: int
    text: str
    language: str
    jurisdiction: str
    times_checked: int = 0


@dataclass
class CheckResult:
    note: NoteToCheck
    findings: list[Finding] = field(default_factory=list)
    error: str = ""


@dataclass
class StoredCounts:
    checked: int = 0
    failed: int = 0
    with_findings: int = 0
    findings: int = 0
    skipped: int = 0  # already stored by another run

    def add(self, other: StoredCounts) -> None:
        for name in ("checked", "failed", "with_findings", "findings", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def run_checker(checker, notes: Sequence[NoteToCheck]) -> list[CheckResult]:
    """Check NOTES with the checker; a note the checker fails on gets its error, not a crash."""
    inputs = [{"text": n.text, "lang": n.language or None,
               "jurisdiction": n.jurisdiction or None} for n in notes]
    try:
        return [CheckResult(note, list(found))
                for note, found in zip(notes, checker.check_many(inputs), strict=True)]
    except Exception:  # noqa: BLE001 - isolate the note that broke the batch, below
        pass
    results = []
    for note, item in zip(notes, inputs, strict=True):
        try:
            results.append(CheckResult(note, list(checker.check(
                item["text"], lang=item["lang"], jurisdiction=item["jurisdiction"]))))
        except Exception as exc:  # noqa: BLE001 - the note is kept, marked failed with why
            results.append(CheckResult(note, error=_describe(exc)))
    return results


def store_results(conn: Connection, results: Sequence[CheckResult], version: str,
                  claimable: Iterable[str] = (CheckStatus.pending,)) -> StoredCounts:
    """Write RESULTS in the caller's transaction; only notes still claimable are written."""
    now = utcnow()
    claimable = [str(s) for s in claimable]
    claimed = _claim(conn, results, version, now, claimable)
    counts = StoredCounts(skipped=len(results) - len(claimed))
    new_rows: list[dict] = []
    for result in results:
        if result.note.id not in claimed:
            continue
        if result.error:
            counts.failed += 1
            continue
        counts.checked += 1
        counts.with_findings += bool(result.findings)
        rows = [_finding_row(result.note.id, f, version, now) for f in result.findings]
        if result.note.times_checked:
            rows = _reconcile_with_earlier(conn, result.note.id, rows)
        new_rows.extend(rows)
    counts.findings = len(new_rows)
    insert_findings(conn, new_rows)
    return counts


def check_notes(engine: Engine, checker, notes: Sequence[NoteToCheck],
                claimable: Iterable[str] = (CheckStatus.pending,)) -> StoredCounts:
    """Check NOTES and store the outcome in one transaction."""
    results = run_checker(checker, notes)
    with engine.begin() as conn:
        return store_results(conn, results, checker.version, claimable)


def load_claimable(conn: Connection, *, after_id: int = 0, limit: int = 500,
                   statuses: Iterable[str] = (CheckStatus.pending,),
                   since: datetime | None = None, batch_id: int | None = None
                   ) -> list[NoteToCheck]:
    """The next LIMIT claimable notes after AFTER_ID, oldest id first (keyset paging)."""
    query = (select(Note.id, Note.text, Note.language, Note.jurisdiction, Note.times_checked)
             .where(Note.check_status.in_([str(s) for s in statuses]), Note.id > after_id)
             .order_by(Note.id).limit(limit))
    if since is not None:
        query = query.where(Note.created_at >= since)
    if batch_id is not None:
        query = query.where(Note.batch_id == batch_id)
    return [NoteToCheck(*row) for row in conn.execute(query)]


def insert_findings(conn: Connection, rows: list[dict]) -> None:
    """Bulk insert finding rows: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        copy_rows(conn, NoteFinding.__tablename__, FINDING_COLUMNS, rows)
    else:
        conn.execute(insert(NoteFinding), rows)


def copy_rows(conn: Connection, table: str, columns: Sequence[str], rows: list[dict]) -> None:
    cursor = conn.connection.driver_connection.cursor()
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _claim(conn: Connection, results: Sequence[CheckResult], version: str, now: datetime,
           claimable: list[str]) -> set[int]:
    """Mark the notes checked/failed if still claimable; the ids this transaction won."""
    # Group by outcome so a batch of mostly clean notes costs a handful of statements.
    groups: dict[tuple[str, int, str], list[int]] = {}
    for r in results:
        key = ((CheckStatus.failed, 0, r.error) if r.error
               else (CheckStatus.checked, len(r.findings), ""))
        groups.setdefault(key, []).append(r.note.id)
    claimed: set[int] = set()
    for (status, count, error), ids in groups.items():
        statement = (update(Note)
                     .where(Note.id.in_(bindparam("ids", expanding=True)),
                            Note.check_status.in_(claimable))
                     .values(check_status=str(status), check_error=error, checked_with=version,
                             checked_at=now, times_checked=Note.times_checked + 1,
                             finding_count=count)
                     .returning(Note.id))
        claimed.update(conn.execute(statement, {"ids": ids}).scalars())
    return claimed


def _reconcile_with_earlier(conn: Connection, note_id: int, rows: list[dict]) -> list[dict]:
    """On a re-check, drop undecided old findings and keep decided ones (current if re-found)."""
    old = conn.execute(select(NoteFinding.id, NoteFinding.rule_id, NoteFinding.start,
                              NoteFinding.end, NoteFinding.decision)
                       .where(NoteFinding.note_id == note_id, NoteFinding.current)).all()
    conn.execute(delete(NoteFinding).where(NoteFinding.note_id == note_id,
                                           NoteFinding.current, NoteFinding.decision.is_(None)))
    decided = {(o.rule_id, o.start, o.end): o.id for o in old if o.decision is not None}
    fresh_keys = {(r["rule_id"], r["start"], r["end"]) for r in rows}
    stale = [fid for key, fid in decided.items() if key not in fresh_keys]
    if stale:
        conn.execute(update(NoteFinding).where(NoteFinding.id.in_(stale)).values(current=False))
    return [r for r in rows if (r["rule_id"], r["start"], r["end"]) not in decided]


def _finding_row(note_id: int, finding: Finding, version: str, now: datetime) -> dict:
    return {"note_id": note_id, "rule_id": finding.rule_id, "category": finding.category,
            "severity": finding.severity, "start": finding.start, "end": finding.end,
            "text": finding.text, "message": finding.message or "",
            "citation": finding.citation or "", "suggestion": finding.suggestion or "",
            "checker_version": version, "decision": None, "current": True, "created_at": now}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
