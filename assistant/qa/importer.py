"""Importing note files: keep the upload, preview it, store every good row, then check.

The life of a batch: `store_upload` keeps the file under var_dir and records an ImportBatch
("uploaded"); `preview` shows the first rows with the detected encoding and a guessed
mapping; `store_rows` writes each good row as a pending note and reports each bad row with
its number and reason ("importing"); `check_batch` checks the stored notes ("checking", then
"done"). Progress is committed on the batch as it goes, for the web page and the CLI.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, insert, update
from sqlmodel import Session, select

from assistant import audit
from assistant.errors import InvalidInput, NotFound
from assistant.models import Case, User, utcnow
from assistant.qa import checking
from assistant.qa.mapping import Mapping, guess_mapping, to_note_input
from assistant.qa.models import BatchStatus, CheckStatus, ImportBatch, Note, NoteSource
from assistant.qa.tabular import FORMATS, Row, guess_format, read_table

INSERT_CHUNK = 2000
CHECK_CHUNK = 200
MAX_REPORTED_FAILURES = 10_000  # beyond this only the count grows; the file itself is kept
NOTE_COLUMNS = ("text", "language", "jurisdiction", "author_id", "case_id", "channel",
                "contact_time", "source", "batch_id", "row_number", "external_id",
                "check_status", "check_error", "checked_with", "checked_at", "times_checked",
                "finding_count", "created_at")

Progress = Callable[[ImportBatch], None]


@dataclass
class Preview:
    columns: list[str]
    rows: list[Row]
    encoding_detected: str
    encoding_used: str
    mapping: Mapping


def check_size(size: int, limit: int, name: str) -> None:
    if size > limit:
        raise InvalidInput(f"{name}: the file is {_megabytes(size)}; the upload limit is "
                           f"{_megabytes(limit)}. Split it into smaller files.")


def store_upload(db: Session, var_dir: Path, file_name: str, data: bytes, *,
                 fmt: str | None = None, actor: User | None, max_bytes: int) -> ImportBatch:
    """Keep the uploaded bytes under var_dir/imports and record the batch (committed)."""
    check_size(len(data), max_bytes, file_name)
    fmt = fmt or guess_format(file_name)
    if fmt not in FORMATS:
        raise InvalidInput(f"{file_name}: format {fmt!r} is not one of {', '.join(FORMATS)}")
    if not data.strip():
        raise InvalidInput(f"{file_name}: the file is empty")
    batch = ImportBatch(file_name=file_name[:255], format=fmt, size_bytes=len(data),
                        created_by_id=actor.id if actor else None)
    db.add(batch)
    db.flush()
    relative = Path("imports") / f"{batch.id:06d}-{_safe_name(file_name)}"
    path = var_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    batch.stored_path = str(relative)
    audit.record(db, actor, "qa.import_uploaded", batch, file_name=file_name, bytes=len(data),
                 sha256=hashlib.sha256(data).hexdigest())
    db.commit()
    db.refresh(batch)
    return batch


def get_batch(db: Session, batch_id: int) -> ImportBatch:
    batch = db.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(f"import batch {batch_id} not found")
    return batch


def preview(var_dir: Path, batch: ImportBatch, *, encoding: str = "auto",
            limit: int = 5) -> Preview:
    """The columns, first LIMIT rows, detected/used encoding and a guessed mapping."""
    table = read_table(_stored_bytes(var_dir, batch), batch.format, encoding=encoding,
                       name=batch.file_name)
    rows = []
    for row in table.rows:
        rows.append(row)
        if len(rows) >= limit:
            break
    return Preview(table.columns, rows, table.encoding_detected, table.encoding_used,
                   guess_mapping(table.columns))


def store_rows(engine: Engine, var_dir: Path, batch_id: int, *, mapping: Mapping | None,
               encoding: str = "auto", defaults: dict[str, str] | None = None,
               timezone: str = "Asia/Shanghai", progress: Progress | None = None) -> ImportBatch:
    """Store every good row as a pending note; bad rows go to batch.failed_rows."""
    defaults = defaults or {}
    with Session(engine) as db:
        batch = get_batch(db, batch_id)
        try:
            table = read_table(_stored_bytes(var_dir, batch), batch.format, encoding=encoding,
                               name=batch.file_name)
            mapping = mapping or guess_mapping(table.columns)
            mapping.validate(table.columns, batch.file_name)
        except InvalidInput as exc:
            _fail(db, batch, str(exc))
            raise
        batch.status = BatchStatus.importing
        batch.mapping, batch.defaults = dict(mapping.columns), dict(defaults)
        batch.encoding_detected, batch.encoding_used = (table.encoding_detected,
                                                        table.encoding_used)
        batch.total_rows = table.estimated_rows
        db.commit()
        resolver = _PeopleResolver(db)
        known = _known_external_ids(db, mapping)
        try:
            for chunk in _chunks(table.rows, INSERT_CHUNK):
                good, bad = _convert(chunk, mapping, defaults, timezone, resolver, batch)
                good, duplicates = _drop_known_external_ids(good, known)
                bad.extend(duplicates)
                _insert_notes(db, good)
                batch.processed_rows += len(chunk)
                batch.total_rows = max(batch.total_rows, batch.processed_rows)
                batch.imported_count += len(good)
                _add_failures(batch, bad)
                db.commit()
                if progress:
                    progress(batch)
        except Exception as exc:
            # Chunks committed so far stay; the batch says where it stopped and why.
            db.rollback()
            _fail(db, batch, f"stopped after {batch.processed_rows} rows: "
                             f"{type(exc).__name__}: {exc}"[:2000])
            raise
        batch.total_rows = batch.processed_rows  # blank lines were skipped, not rows
        actor = db.get(User, batch.created_by_id) if batch.created_by_id else None
        audit.record(db, actor, "qa.import_stored", batch, imported=batch.imported_count,
                     failed=batch.failed_count)
        db.commit()
        db.refresh(batch)
        return batch


def check_batch(engine: Engine, batch_id: int, checker, *,
                progress: Progress | None = None) -> ImportBatch:
    """Check the batch's pending notes in chunks, committing findings and progress."""
    with Session(engine) as db:
        batch = get_batch(db, batch_id)
        batch.status = BatchStatus.checking
        db.commit()
        after_id = 0
        while True:
            with engine.connect() as conn:
                notes = checking.load_claimable(conn, after_id=after_id, limit=CHECK_CHUNK,
                                                batch_id=batch_id)
            if not notes:
                break
            after_id = notes[-1].id
            checking.check_notes(engine, checker, notes)
            _refresh_check_counts(db, batch)
            db.commit()
            if progress:
                progress(batch)
        _refresh_check_counts(db, batch)
        batch.status = BatchStatus.done
        batch.finished_at = utcnow()
        db.commit()
        db.refresh(batch)
        return batch


def import_file(engine: Engine, var_dir: Path, batch_id: int, *, checker_factory: Callable,
                mapping: Mapping | None = None, encoding: str = "auto",
                defaults: dict[str, str] | None = None, timezone: str = "Asia/Shanghai",
                progress: Progress | None = None) -> ImportBatch:
    """Store then check; a checker that cannot load leaves the notes stored, marked failed."""
    store_rows(engine, var_dir, batch_id, mapping=mapping, encoding=encoding,
               defaults=defaults, timezone=timezone, progress=progress)
    try:
        checker = checker_factory()
    except Exception as exc:  # noqa: BLE001 - notes stay; each is marked failed with why
        _mark_batch_unchecked(engine, batch_id, f"checker unavailable: {exc}")
        raise
    return check_batch(engine, batch_id, checker, progress=progress)


def report(batch: ImportBatch) -> dict:
    """The CLI's JSON contract."""
    return {"imported": batch.imported_count, "failed_rows": batch.failed_rows,
            "notes_with_findings": batch.notes_with_findings, "batch_id": batch.id,
            "encoding": batch.encoding_used, "status": batch.status,
            "failed_count": batch.failed_count}


class _PeopleResolver:
    """Username -> user id and case reference -> case, looked up once each."""

    def __init__(self, db: Session):
        self.db = db
        self.users: dict[str, int | None] = {}
        self.cases: dict[str, Case | None] = {}

    def user_id(self, username: str) -> int | None:
        if username not in self.users:
            user = self.db.exec(select(User).where(User.username == username)).first()
            self.users[username] = user.id if user else None
        return self.users[username]

    def case(self, reference: str) -> Case | None:
        if reference not in self.cases:
            found = self.db.exec(select(Case).where(Case.reference == reference)).first()
            self.cases[reference] = found
        return self.cases[reference]


def _convert(rows: list[Row], mapping: Mapping, defaults: dict[str, str], timezone: str,
             resolver: _PeopleResolver, batch: ImportBatch) -> tuple[list[dict], list[dict]]:
    good: list[dict] = []
    bad: list[dict] = []
    now = utcnow()
    for row in rows:
        if row.problem:
            bad.append({"row": row.number, "reason": row.problem})
            continue
        try:
            item = to_note_input(row.cells, mapping, defaults=defaults, timezone=timezone)
            author_id, case = _people(item.collector, item.case_reference, resolver)
        except InvalidInput as exc:
            bad.append({"row": row.number, "reason": str(exc)})
            continue
        good.append({
            "text": item.text, "language": item.language,
            "jurisdiction": item.jurisdiction or (case.jurisdiction if case else ""),
            "author_id": author_id, "case_id": case.id if case else None,
            "channel": item.channel, "contact_time": item.contact_time,
            "source": NoteSource.imported.value, "batch_id": batch.id, "row_number": row.number,
            "external_id": item.external_id, "check_status": CheckStatus.pending.value,
            "check_error": "", "checked_with": "", "checked_at": None, "times_checked": 0,
            "finding_count": 0, "created_at": now})
    return good, bad


def _people(collector: str | None, reference: str | None,
            resolver: _PeopleResolver) -> tuple[int | None, Case | None]:
    case = None
    if reference:
        case = resolver.case(reference)
        if case is None:
            raise InvalidInput(f"case {reference!r} not found")
    if collector:
        author_id = resolver.user_id(collector)
        if author_id is None:
            raise InvalidInput(f"collector {collector!r} is not a user")
        return author_id, case
    return (case.assigned_collector_id if case else None), case


def _known_external_ids(db: Session, mapping: Mapping) -> dict[str, int]:
    """External id -> note id of every imported note, read once per import.

    One read up front instead of an `IN (...)` lookup per chunk: PostgreSQL, without fresh
    statistics on a growing table, plans such a lookup as a sequential scan, which made a
    million-row import quadratic.
    """
    if "external_id" not in mapping.columns:
        return {}
    return dict(db.exec(select(Note.external_id, Note.id).where(
        Note.source == NoteSource.imported.value, Note.external_id.is_not(None))).all())


def _drop_known_external_ids(rows: list[dict], known: dict[str, int]
                             ) -> tuple[list[dict], list[dict]]:
    """Rows whose external id is already stored (or repeated in the file) are reported."""
    kept, duplicates = [], []
    for r in rows:
        key = r["external_id"]
        if not key:
            kept.append(r)
        elif key in known:
            earlier = known[key]
            reason = (f"external id {key!r} is already note {earlier}" if earlier
                      else f"external id {key!r} repeats an earlier row")
            duplicates.append({"row": r["row_number"], "reason": reason})
        else:
            known[key] = 0  # stored by this import; its note id is not needed
            kept.append(r)
    return kept, duplicates


def _insert_notes(db: Session, rows: list[dict]) -> None:
    if not rows:
        return
    conn = db.connection()
    if conn.dialect.name == "postgresql":
        checking.copy_rows(conn, Note.__tablename__, NOTE_COLUMNS, rows)
    else:
        conn.execute(insert(Note), rows)


def _add_failures(batch: ImportBatch, bad: list[dict]) -> None:
    if not bad:
        return
    batch.failed_count += len(bad)
    room = MAX_REPORTED_FAILURES - len(batch.failed_rows)
    if room > 0:
        batch.failed_rows = [*batch.failed_rows, *bad[:room]]  # a new list: JSON change tracking


def _refresh_check_counts(db: Session, batch: ImportBatch) -> None:
    in_batch = Note.batch_id == batch.id
    batch.checked_count = db.exec(select(func.count()).select_from(Note).where(
        in_batch, Note.check_status != CheckStatus.pending.value)).one()
    batch.notes_with_findings = db.exec(select(func.count()).select_from(Note).where(
        in_batch, Note.finding_count > 0)).one()


def _mark_batch_unchecked(engine: Engine, batch_id: int, error: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(Note).where(Note.batch_id == batch_id,
                                        Note.check_status == CheckStatus.pending.value)
                     .values(check_status=CheckStatus.failed.value, check_error=error))
        conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                     .values(status=BatchStatus.failed.value, error=error,
                             finished_at=utcnow()))


def _fail(db: Session, batch: ImportBatch, error: str) -> None:
    batch.status = BatchStatus.failed
    batch.error = error
    batch.finished_at = utcnow()
    db.commit()


def _stored_bytes(var_dir: Path, batch: ImportBatch) -> bytes:
    path = var_dir / batch.stored_path
    if not batch.stored_path or not path.is_file():
        raise NotFound(f"import batch {batch.id}: the uploaded file {batch.file_name!r} is "
                       f"missing from {batch.stored_path or 'storage'}")
    return path.read_bytes()


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _safe_name(file_name: str) -> str:
    base = Path(file_name).name or "upload"
    return re.sub(r"[^\w.\-]+", "_", base)[-120:]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
