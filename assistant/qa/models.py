"""Tables of the qa capability: notes, their findings, reviewers' decisions, violations the
checker missed, import batches.

Status columns are plain strings holding the StrEnum values below (no database enum types,
so bulk COPY and PostgreSQL need nothing special). A note is stored before it is checked (check_status "pending"); a failed check keeps the
note with its error. Findings keep the checker version that produced them, and decisions are
an append-only history per finding (the latest one is copied onto the finding for queries).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.models import utcnow


class Channel(StrEnum):
    call = "call"
    visit = "visit"
    sms = "sms"
    other = "other"


class NoteSource(StrEnum):
    console = "console"
    api = "api"
    imported = "import"


class CheckStatus(StrEnum):
    pending = "pending"
    checked = "checked"
    failed = "failed"


class Decision(StrEnum):
    confirmed = "confirmed"
    dismissed = "dismissed"  # a false positive
    escalated = "escalated"


class BatchStatus(StrEnum):
    uploaded = "uploaded"  # file stored, waiting for the mapping to be confirmed
    importing = "importing"
    checking = "checking"
    done = "done"
    failed = "failed"


class ImportBatch(SQLModel, table=True):
    """One uploaded file: where it is kept, how it was read, and what became of each row."""

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=255)
    stored_path: str = Field(default="", max_length=500)  # relative to Settings.var_dir
    size_bytes: int = Field(default=0)
    format: str = Field(max_length=8)  # csv | xlsx | jsonl
    encoding_detected: str = Field(default="", max_length=32)
    encoding_used: str = Field(default="", max_length=32)
    mapping: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    defaults: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=BatchStatus.uploaded, max_length=12, index=True)
    total_rows: int = Field(default=0)
    processed_rows: int = Field(default=0)  # progress of the import step
    imported_count: int = Field(default=0)
    checked_count: int = Field(default=0)  # progress of the check step
    failed_count: int = Field(default=0)
    notes_with_findings: int = Field(default=0)
    failed_rows: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class Note(SQLModel, table=True):
    """A collector's note about a contact, from the console, the API or an import."""

    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_note_source_external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    language: str = Field(default="", max_length=8)  # "" = detected by the checker
    jurisdiction: str = Field(default="", max_length=8, index=True)
    author_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    channel: str = Field(default=Channel.other, max_length=8)
    contact_time: datetime | None = Field(default=None, index=True)
    source: str = Field(default=NoteSource.console, max_length=8, index=True)
    batch_id: int | None = Field(default=None, foreign_key="importbatch.id", index=True)
    row_number: int | None = None
    external_id: str | None = Field(default=None, max_length=120)
    check_status: str = Field(default=CheckStatus.pending, max_length=8, index=True)
    check_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    checked_with: str = Field(default="", max_length=80)
    checked_at: datetime | None = None
    times_checked: int = Field(default=0)
    finding_count: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class NoteFinding(SQLModel, table=True):
    """One offending span in a note; offsets index the note's original text."""

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="note.id", index=True)
    rule_id: str = Field(max_length=120, index=True)
    category: str = Field(max_length=60, index=True)
    severity: str = Field(max_length=12, index=True)
    start: int
    end: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    message: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    citation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    suggestion: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    checker_version: str = Field(default="", max_length=80)
    decision: str | None = Field(default=None, max_length=10, index=True)  # latest decision
    # A re-check replaces undecided findings; a decided one it no longer reports stays, not
    # current, so a reviewer's decision is never lost.
    current: bool = Field(default=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class ReviewDecision(SQLModel, table=True):
    """A reviewer's verdict on a finding; every decision is kept, newest wins."""

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="notefinding.id", index=True)
    note_id: int = Field(foreign_key="note.id", index=True)
    decision: str = Field(max_length=10)
    reviewer_id: int = Field(foreign_key="user.id", index=True)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    at: datetime = Field(default_factory=utcnow, index=True)


class MissedViolation(SQLModel, table=True):
    """A violation a reviewer found in a note that the checker did not flag (a false negative).

    Append-only: withdrawing sets withdrawn_at/withdrawn_by_id and keeps the row. The span is
    optional (`disclosure.missing` has no words to point at); when given it indexes the note's
    original text and `text` holds those characters.
    """

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="note.id", index=True)
    category: str = Field(max_length=60, index=True)
    start: int | None = None
    end: int | None = None
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reviewer_id: int = Field(foreign_key="user.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    withdrawn_at: datetime | None = Field(default=None, index=True)
    withdrawn_by_id: int | None = Field(default=None, foreign_key="user.id")


class NothingMissedMark(SQLModel, table=True):
    """A reviewer's statement that the checker missed nothing in a note: its review is done."""

    id: int | None = Field(default=None, primary_key=True)
    note_id: int = Field(foreign_key="note.id", index=True)
    reviewer_id: int = Field(foreign_key="user.id", index=True)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    at: datetime = Field(default_factory=utcnow, index=True)
