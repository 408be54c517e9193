"""API tokens for integrations: created once (the secret is shown only then), checked by
digest, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from assistant import audit
from assistant.errors import InvalidInput, NotFound
from assistant.models import ApiToken, User, utcnow

TOKEN_PREFIX = "csa_"
# Recording every use would write to the database on every API call; once a minute is
# enough to tell an admin whether a token is still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(db: Session, user: User, name: str, *, actor: User | None = None
           ) -> tuple[ApiToken, str]:
    """A new token for USER; returns the row and the secret, which is never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput("token name: required, at most 80 characters")
    if not user.active:
        raise InvalidInput(f"user {user.username!r} is deactivated; reactivate them first")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=digest(secret),
                     prefix=secret[:len(TOKEN_PREFIX) + 6])
    db.add(token)
    db.flush()
    audit.record(db, actor, "token.create", token, user=user.username, name=name)
    return token, secret


def revoke(db: Session, token_id: int, *, actor: User | None = None) -> ApiToken:
    token = db.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"API token {token_id} does not exist")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.add(token)
        audit.record(db, actor, "token.revoke", token, name=token.name)
    return token


def for_user(db: Session, user: User) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
    return list(db.exec(query))


def user_for_token(db: Session, secret: str, *, now: datetime | None = None) -> User | None:
    """The active user owning this unrevoked token, or None; notes when it was last used."""
    token = db.exec(select(ApiToken).where(ApiToken.token_hash == digest(secret))).first()
    if token is None or token.revoked_at is not None:
        return None
    user = db.get(User, token.user_id)
    if user is None or not user.active:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - _aware(token.last_used_at) >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.add(token)
        db.commit()
        db.refresh(user)
    return user


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
