"""Recording audit events."""

from __future__ import annotations

from sqlmodel import Session

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
