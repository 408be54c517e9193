"""Dependencies every route takes through Depends: settings, database, user, role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from assistant import tokens, users
from assistant.config import Settings
from assistant.models import Role, User


class LoginRequired(Exception):
    """No signed-in user; pages redirect to the login form, the API answers 401."""


class RoleForbidden(Exception):
    """Signed in, but the role may not use this route (403)."""


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbSession = Annotated[Session, Depends(get_session)]


class InvalidApiToken(Exception):
    """An Authorization header was sent but names no usable token (401)."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def _bearer_user(request: Request, db: Session, header: str) -> User:
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise InvalidApiToken("Authorization header must be 'Bearer <token>'")
    user = tokens.user_for_token(db, secret.strip())
    if user is None:
        raise InvalidApiToken("API token is unknown, revoked, or its user is deactivated")
    request.state.user = user
    request.state.auth = "token"
    return user


def optional_user(request: Request, db: DbSession) -> User | None:
    """The user of an API token (Authorization: Bearer) or of the signed session cookie."""
    header = request.headers.get("authorization")
    if header:
        # Never fall back to the cookie: CSRF checks are skipped for these requests.
        return _bearer_user(request, db, header)
    user_id = request.session.get("user_id")
    if user_id is None:
        return None
    user = db.get(User, user_id)
    # Deactivation and a password reset both end the user's existing sessions.
    if (user is None or not user.active
            or request.session.get("password_stamp") != users.password_stamp(user)):
        request.session.pop("user_id", None)
        return None
    # Detached, so that a rollback in the route cannot expire it: the error page drawn after
    # a failed request still needs the user's name and role for the layout.
    db.expunge(user)
    request.state.user = user
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise LoginRequired()
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role | str) -> Callable[..., User]:
    """A dependency that lets only these roles through (admin is not implied)."""
    allowed = {Role(r) for r in roles}

    def check(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise RoleForbidden()
        return user

    return check


CollectorUser = Annotated[User, Depends(require_roles(Role.collector))]
TrainerUser = Annotated[User, Depends(require_roles(Role.trainer, Role.admin))]
QaUser = Annotated[User, Depends(require_roles(Role.qa, Role.admin))]
AdminUser = Annotated[User, Depends(require_roles(Role.admin))]
