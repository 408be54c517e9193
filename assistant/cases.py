"""Cases as a user may see them: a collector only their own, other roles all."""

from __future__ import annotations

from sqlmodel import Session, select

from assistant.errors import NotFound
from assistant.models import Case, Role, User


def visible_to(user: User):
    """A select() of the cases this user may see."""
    query = select(Case).order_by(Case.days_past_due.desc(), Case.id)
    if user.role == Role.collector:
        query = query.where(Case.assigned_collector_id == user.id)
    return query


def list_for_user(db: Session, user: User) -> list[Case]:
    return list(db.exec(visible_to(user)))


def get_for_user(db: Session, case_id: int, user: User) -> Case:
    """The case, if this user may see it; NotFound otherwise (not 403: don't reveal it exists)."""
    case = db.get(Case, case_id)
    if case is None or (user.role == Role.collector and case.assigned_collector_id != user.id):
        raise NotFound(f"case {case_id} not found")
    return case
