"""Recording audit events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from assistant.models import AuditEvent, User


def record(db: Session, actor: User | None, action: str, obj: object | None = None,
           **detail) -> AuditEvent:
    """Add an audit event to the session (the caller commits)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or "") if obj is not None else "",
        detail=detail,
    )
    db.add(event)
    return event


@dataclass(frozen=True)
class AuditFilter:
    """What an auditor narrows the trail to; empty fields match everything."""

    actor_id: int | None = None
    action: str = ""  # a prefix: "user." matches every user action
    object_type: str = ""
    object_id: str = ""
    since: datetime | None = None
    until: datetime | None = None


def search(db: Session, filters: AuditFilter, *, limit: int = 100, offset: int = 0
           ) -> tuple[list[AuditEvent], int]:
    """Matching events, newest first, and how many match in all."""
    conditions = []
    if filters.actor_id is not None:
        conditions.append(AuditEvent.actor_id == filters.actor_id)
    if filters.action:
        conditions.append(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.object_type:
        conditions.append(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        conditions.append(AuditEvent.object_id == filters.object_id)
    if filters.since is not None:
        conditions.append(AuditEvent.at >= filters.since)
    if filters.until is not None:
        conditions.append(AuditEvent.at < filters.until)
    total = db.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    rows = db.exec(select(AuditEvent).where(*conditions)
                   .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                   .offset(offset).limit(limit))
    return list(rows), total


def action_names(db: Session) -> list[str]:
    """Every action recorded so far, for the filter's choices."""
    return list(db.exec(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
