"""Dependencies every route takes through Depends: settings, database, user, role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

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


def optional_user(request: Request, db: DbSession) -> User | None:
    user_id = request.session.get("user_id")
    if user_id is None:
        return None
    user = db.get(User, user_id)
    if user is None or not user.active:
        request.session.pop("user_id", None)
        return None
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
