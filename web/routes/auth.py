"""Login (rate limited), logout, the UI language switch, and who am I (/api/me)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from assistant import audit, login_throttle, users
from assistant.models import Team
from web import csrf, i18n
from web.api_models import ErrorOut, UserOut, user_out
from web.deps import CurrentUser, DbSession, SettingsDep, optional_user
from web.templating import render

router = APIRouter()


def _safe_next(target: str | None, request: Request | None = None) -> str:
    # Only local paths, so the login form cannot be used to redirect elsewhere. A full URL is
    # accepted only when it points at this very site (a Referer header, say).
    if target and request is not None and target.startswith(str(request.base_url)):
        target = "/" + target[len(str(request.base_url)):]
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(request: Request, db: DbSession, settings: SettingsDep,
          username: Annotated[str, Form()], password: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/"):
    username, client_ip = username.strip(), _client_ip(request)
    blocked = login_throttle.check(
        db, username, client_ip, per_username=settings.login_attempts_per_minute,
        per_address=settings.login_failures_per_address_per_minute)
    if blocked is not None:
        message = i18n.gettext_(
            "Too many failed log-in attempts. Wait %(seconds)s seconds and try again."
        ) % {"seconds": blocked.retry_after_seconds}
        return render(request, "login.html", {"next": _safe_next(next), "error": message,
                                              "username": username},
                      status_code=429,
                      headers={"Retry-After": str(blocked.retry_after_seconds)})
    user = users.authenticate(db, username, password)
    if user is None:
        login_throttle.record_failure(db, username, client_ip)
        audit.record(db, None, "auth.login_failed", username=username[:64], client_ip=client_ip)
        db.commit()
        return render(request, "login.html",
                      {"next": _safe_next(next), "username": username,
                       "error": i18n.gettext_("Wrong username or password.")},
                      status_code=401)
    login_throttle.clear_username(db, username)
    # A fresh session (and so a fresh CSRF token) for the signed-in user.
    request.session.clear()
    csrf.ensure_token(request)
    request.session["user_id"] = user.id
    request.session["password_stamp"] = users.password_stamp(user)
    request.state.user = user
    # The language the user last chose follows them from device to device.
    request.session["locale"] = i18n.normalise_locale(user.locale)
    audit.record(db, user, "auth.login", user, client_ip=client_ip)
    db.commit()
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, db: DbSession):
    user = optional_user(request, db)
    if user is not None:
        audit.record(db, user, "auth.logout", user)
        db.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/locale")
def switch_locale(request: Request, db: DbSession, locale: Annotated[str, Form()],
                  next: Annotated[str, Form()] = "/"):
    locale = i18n.normalise_locale(locale)
    request.session["locale"] = locale
    user = optional_user(request, db)
    if user is not None:
        user.locale = locale
        db.add(user)
        db.commit()
    return RedirectResponse(_safe_next(next, request), status_code=303)


@router.get("/api/me", response_model=UserOut, tags=["users"],
            responses={401: {"model": ErrorOut, "description": "not signed in, or bad token"}})
def api_me(db: DbSession, user: CurrentUser) -> UserOut:
    """The user of this session or API token."""
    team = db.get(Team, user.team_id) if user.team_id else None
    return user_out(user, team.name if team else None)
