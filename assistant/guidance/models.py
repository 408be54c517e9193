"""Tables of the guidance capability: contact attempts, guided sessions and their events.

Every step shown, branch taken, plan offered, note saved, policy warning acknowledged and the
end of a session is a SessionEvent, so QA and trainers can replay a session exactly.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.models import utcnow


class EventType(StrEnum):
    policy_warning_ack = "policy_warning_ack"
    step_shown = "step_shown"
    branch_taken = "branch_taken"
    plan_offered = "plan_offered"
    note_saved = "note_saved"
    note_blocked_draft = "note_blocked_draft"
    ended = "ended"


class SessionStatus(StrEnum):
    active = "active"
    ended = "ended"


class ContactAttempt(SQLModel, table=True):
    """One call or visit to a borrower; the contact policy counts these."""

    __tablename__ = "contact_attempt"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    channel: str = Field(max_length=8)
    at: datetime = Field(default_factory=utcnow, index=True)
    conversation: bool = Field(default=False)  # we spoke with the borrower
    outcome: str = Field(default="", max_length=32)
    session_id: int | None = Field(default=None, foreign_key="guided_session.id", index=True)


class GuidedSession(SQLModel, table=True):
    """A collector working through a flow for one case."""

    __tablename__ = "guided_session"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    collector_id: int = Field(foreign_key="user.id", index=True)
    flow_id: str = Field(max_length=64)
    library_version: str = Field(default="", max_length=16)
    channel: str = Field(max_length=8)
    language: str = Field(max_length=8)
    jurisdiction: str = Field(max_length=8)
    staff_count: int = Field(default=1)
    current_step: str = Field(max_length=64)
    status: str = Field(default=SessionStatus.active, max_length=8, index=True)
    outcome: str | None = Field(default=None, max_length=32)
    outcome_detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    policy: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime = Field(default_factory=utcnow, index=True)
    ended_at: datetime | None = None


class SessionEvent(SQLModel, table=True):
    """One thing that happened in a session, in order (seq)."""

    __tablename__ = "session_event"
    __table_args__ = (UniqueConstraint("session_id", "seq", name="uq_session_event_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="guided_session.id", index=True)
    seq: int
    type: str = Field(max_length=24, index=True)
    step_id: str = Field(default="", max_length=64)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(default_factory=utcnow)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
