"""Cases as a user may see them: a collector only their own, other roles all."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import or_
from sqlmodel import Session, select

from assistant.errors import NotFound
from assistant.models import Case, Role, User, utcnow


class CaseSort(StrEnum):
    most_overdue = "most_overdue"
    least_overdue = "least_overdue"
    highest_balance = "highest_balance"
    name = "name"


class CaseFlag(StrEnum):
    """Contact flags a list can be narrowed to."""

    cease_contact = "cease_contact"
    has_lawyer = "has_lawyer"
    prefers_written = "prefers_written"
    none = "none"  # no restriction at all: free to contact


_ORDER = {
    CaseSort.most_overdue: (Case.days_past_due.desc(), Case.id),
    CaseSort.least_overdue: (Case.days_past_due.asc(), Case.id),
    CaseSort.highest_balance: (Case.balance.desc(), Case.id),
    CaseSort.name: (Case.borrower_name.asc(), Case.id),
}


def visible_to(user: User):
    """A select() of the cases this user may see."""
    query = select(Case).order_by(Case.days_past_due.desc(), Case.id)
    if user.role == Role.collector:
        query = query.where(Case.assigned_collector_id == user.id)
    return query


def list_for_user(db: Session, user: User, *, search: str = "",
                  sort: CaseSort | str = CaseSort.most_overdue,
                  flag: CaseFlag | str | None = None, limit: int | None = None,
                  offset: int = 0) -> list[Case]:
    """The user's visible cases, narrowed by name/reference text and a contact flag."""
    query = visible_to(user).order_by(None).order_by(*_ORDER[CaseSort(sort)])
    search = search.strip()
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(Case.borrower_name.ilike(pattern, escape="\\"),
                                Case.reference.ilike(pattern, escape="\\")))
    if flag:
        flag = CaseFlag(flag)
        if flag == CaseFlag.none:
            query = query.where(~Case.cease_contact, ~Case.has_lawyer, ~Case.prefers_written)
        else:
            query = query.where(getattr(Case, flag.value))
    if limit is not None:
        query = query.limit(limit)
    return list(db.exec(query.offset(offset)))


def get_for_user(db: Session, case_id: int, user: User) -> Case:
    """The case, if this user may see it; NotFound otherwise (not 403: don't reveal it exists)."""
    case = db.get(Case, case_id)
    if case is None or (user.role == Role.collector and case.assigned_collector_id != user.id):
        raise NotFound(f"case {case_id} not found")
    return case


def borrower_local_time(case: Case, now: datetime | None = None) -> datetime | None:
    """The time where the borrower lives, or None when the case's timezone is unknown."""
    try:
        zone = ZoneInfo(case.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return (now or utcnow()).astimezone(zone)
