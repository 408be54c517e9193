"""Tables of the role-play capability: sessions trainers build, assignments, runs and turns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from assistant.models import utcnow


class RoleplaySession(SQLModel, table=True):
    """A practice set-up a trainer builds: persona, flow, rubric, language, difficulty, mode."""

    __tablename__ = "roleplay_session"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    persona_id: str = Field(max_length=80)
    flow_id: str = Field(default="", max_length=80)
    rubric_id: str = Field(default="standard", max_length=80)
    language: str = Field(default="zh", max_length=8)
    difficulty: str = Field(default="normal", max_length=20)
    mode: str = Field(default="training", max_length=20)  # training: live hints; exam: none
    seed: int = Field(default=1)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    active: bool = Field(default=True)


class RoleplayAssignment(SQLModel, table=True):
    """A trainee who should do a session."""

    __tablename__ = "roleplay_assignment"
    __table_args__ = (UniqueConstraint("session_id", "trainee_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="roleplay_session.id", index=True)
    trainee_id: int = Field(foreign_key="user.id", index=True)
    assigned_at: datetime = Field(default_factory=utcnow)


class RoleplayRun(SQLModel, table=True):
    """One attempt by a trainee: the borrower's state, and the score once it is finished."""

    __tablename__ = "roleplay_run"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int | None = Field(default=None, foreign_key="roleplay_session.id", index=True)
    trainee_id: int = Field(foreign_key="user.id", index=True)
    persona_id: str = Field(max_length=80)
    rubric_id: str = Field(max_length=80)
    language: str = Field(max_length=8)
    difficulty: str = Field(max_length=20)
    mode: str = Field(max_length=20)
    seed: int
    status: str = Field(default="active", max_length=20, index=True)  # active | finished
    end_state: str = Field(default="", max_length=30)
    state: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    score: int | None = None
    result: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None


class RoleplayTurn(SQLModel, table=True):
    """One line of a run, with what the classifier and the checker read in it."""

    __tablename__ = "roleplay_turn"
    __table_args__ = (UniqueConstraint("run_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="roleplay_run.id", index=True)
    position: int
    speaker: str = Field(max_length=20)  # trainee | borrower
    text: str
    snippet_id: str = Field(default="", max_length=120)
    acts: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    findings: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    mood: str = Field(default="", max_length=40)
    at: datetime = Field(default_factory=utcnow)
