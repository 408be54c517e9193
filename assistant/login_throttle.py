"""Login rate limiting, kept in the database so that every worker process sees the same
counts: too many failed log-ins for one username, or from one client address, within a
window blocks further attempts until the window has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from assistant.models import LoginFailure, utcnow

WINDOW = timedelta(minutes=1)
# Failures are kept a little longer than the window so that admins can read recent ones;
# older rows are pruned on each failure.
KEEP_FOR = timedelta(hours=1)


@dataclass(frozen=True)
class Blocked:
    """Why a log-in attempt is refused and for how long."""

    reason: str  # "username" or "address"
    retry_after_seconds: int


def check(db: Session, username: str, client_ip: str, *, per_username: int, per_address: int,
          now: datetime | None = None) -> Blocked | None:
    """A Blocked if this username or address has used up its failures in the window."""
    now = now or utcnow()
    since = now - WINDOW
    for reason, column, value, limit in (("username", LoginFailure.username, username, per_username),
                                         ("address", LoginFailure.client_ip, client_ip, per_address)):
        count, oldest = db.exec(
            select(func.count(), func.min(LoginFailure.at))
            .where(column == value, LoginFailure.at > since)).one()
        if count >= limit:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
            wait = (oldest + WINDOW - now).total_seconds()
            return Blocked(reason, max(1, int(wait + 0.999)))
    return None


def record_failure(db: Session, username: str, client_ip: str, *,
                   now: datetime | None = None) -> None:
    """Note a failed log-in (the caller commits) and prune failures nobody needs any more."""
    now = now or utcnow()
    db.add(LoginFailure(at=now, username=username[:64], client_ip=client_ip[:64]))
    db.exec(delete(LoginFailure).where(LoginFailure.at < now - KEEP_FOR))


def clear_username(db: Session, username: str) -> None:
    """Forget a username's failures after a successful log-in (the caller commits)."""
    db.exec(delete(LoginFailure).where(LoginFailure.username == username[:64]))
