"""Users and teams: creation, passwords, roles, deactivation."""

from __future__ import annotations

import hashlib

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from assistant import audit
from assistant.errors import InvalidInput, NotFound
from assistant.models import Role, Team, User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"password: must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_stamp(user: User) -> str:
    """A short digest of the password hash: sessions keep it, so a password reset ends them."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def get_by_username(db: Session, username: str) -> User:
    user = db.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"user {username!r} does not exist")
    return user


def authenticate(db: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active or not password_matches(user, password):
        return None
    return user


def get_or_create_team(db: Session, name: str) -> Team:
    team = db.exec(select(Team).where(Team.name == name)).first()
    if team is None:
        team = Team(name=name)
        db.add(team)
        db.flush()
    return team


def create_user(db: Session, username: str, password: str, role: Role | str, *,
                display_name: str = "", locale: str = "zh_CN", team: str | None = None,
                actor: User | None = None) -> User:
    if not username or len(username) > 64:
        raise InvalidInput("username: required, at most 64 characters")
    if db.exec(select(User).where(User.username == username)).first():
        raise InvalidInput(f"username: {username!r} is taken")
    try:
        role = Role(role)
    except ValueError as exc:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(Role)}") from exc
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password), locale=locale,
                team_id=get_or_create_team(db, team).id if team else None)
    db.add(user)
    db.flush()
    audit.record(db, actor, "user.create", user, role=role.value)
    return user


def set_role(db: Session, username: str, role: Role | str, *, actor: User | None = None) -> User:
    user = get_by_username(db, username)
    try:
        new_role = Role(role)
    except ValueError as exc:
        raise InvalidInput(f"role: {role!r} is not one of {', '.join(Role)}") from exc
    if actor is not None and actor.id == user.id and new_role != user.role:
        # Otherwise the last admin could lock everyone out of the admin pages.
        raise InvalidInput("role: you cannot change your own role")
    user.role = new_role
    db.add(user)
    audit.record(db, actor, "user.set_role", user, role=user.role.value)
    return user


def set_active(db: Session, username: str, active: bool, *, actor: User | None = None) -> User:
    user = get_by_username(db, username)
    if not active and actor is not None and actor.id == user.id:
        raise InvalidInput("active: you cannot deactivate your own account")
    user.active = active
    db.add(user)
    audit.record(db, actor, "user.activate" if active else "user.deactivate", user)
    return user


def list_users(db: Session) -> list[User]:
    return list(db.exec(select(User).order_by(User.username)))


def get_by_id(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist")
    return user


def list_teams(db: Session) -> list[Team]:
    return list(db.exec(select(Team).order_by(Team.name)))


def team_names(db: Session) -> dict[int, str]:
    return {team.id: team.name for team in list_teams(db)}


def set_team(db: Session, username: str, team: str | None, *, actor: User | None = None) -> User:
    """Put the user in the named team (created if new); empty or None removes them from it."""
    user = get_by_username(db, username)
    team = (team or "").strip()
    if len(team) > 120:
        raise InvalidInput("team: at most 120 characters")
    user.team_id = get_or_create_team(db, team).id if team else None
    db.add(user)
    audit.record(db, actor, "user.set_team", user, team=team or None)
    return user


def set_display_name(db: Session, username: str, display_name: str, *,
                     actor: User | None = None) -> User:
    user = get_by_username(db, username)
    display_name = display_name.strip()
    if not display_name or len(display_name) > 120:
        raise InvalidInput("display name: required, at most 120 characters")
    user.display_name = display_name
    db.add(user)
    audit.record(db, actor, "user.rename", user, display_name=display_name)
    return user


def reset_password(db: Session, username: str, password: str, *,
                   actor: User | None = None) -> User:
    """Set a new password; the audit event records that it changed, never the password."""
    user = get_by_username(db, username)
    user.password_hash = hash_password(password)
    db.add(user)
    audit.record(db, actor, "user.reset_password", user)
    return user
