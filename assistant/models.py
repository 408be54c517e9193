"""Core tables: users, teams, cases (with the borrower's facts) and the audit trail.

Each capability keeps its own tables beside its code (assistant/guidance/models.py,
assistant/qa/models.py, assistant/roleplay/models.py); assistant.db imports them all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Column, Numeric
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Role(StrEnum):
    collector = "collector"
    trainer = "trainer"
    qa = "qa"
    admin = "admin"


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=120)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=64)
    display_name: str = Field(max_length=120)
    role: Role = Field(index=True)
    password_hash: str
    locale: str = Field(default="zh_CN", max_length=10)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Case(SQLModel, table=True):
    """A debt case with the borrower's facts, assigned to one collector."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(index=True, unique=True, max_length=40)
    borrower_name: str = Field(max_length=120)
    phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=300)
    region: str = Field(default="", max_length=120)
    jurisdiction: str = Field(default="cn", max_length=8, index=True)
    language: str = Field(default="zh", max_length=8)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    lender: str = Field(default="", max_length=120)
    product: str = Field(default="", max_length=80)
    currency: str = Field(default="CNY", max_length=3)
    principal: Decimal = Field(default=Decimal("0"), sa_column=Column(Numeric(14, 2), nullable=False))
    balance: Decimal = Field(default=Decimal("0"), sa_column=Column(Numeric(14, 2), nullable=False))
    days_past_due: int = Field(default=0)
    due_date: date | None = None
    assigned_collector_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    cease_contact: bool = Field(default=False)
    has_lawyer: bool = Field(default=False)
    prefers_written: bool = Field(default=False)
    facts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    """A bearer token an integration (dialer, CRM) uses instead of a browser session.

    Only a SHA-256 digest is stored: the token itself is shown once, when it is created.
    """

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    prefix: str = Field(max_length=16)  # the first characters, to tell tokens apart in lists
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(SQLModel, table=True):
    """A failed log-in, kept briefly so that every worker sees the same rate limit."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    username: str = Field(max_length=64, index=True)
    client_ip: str = Field(max_length=64, index=True)


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, and when."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    action: str = Field(max_length=80, index=True)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=64)
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
