"""Login, logout and the UI language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from assistant import audit, users
from web import i18n
from web.deps import DbSession, optional_user
from web.templating import render

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only local paths, so the login form cannot be used to redirect elsewhere.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login")
def login_form(request: Request, next: str = "/"):
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(request: Request, db: DbSession, username: Annotated[str, Form()],
          password: Annotated[str, Form()], next: Annotated[str, Form()] = "/"):
    user = users.authenticate(db, username.strip(), password)
    if user is None:
        audit.record(db, None, "auth.login_failed", username=username[:64])
        db.commit()
        return render(request, "login.html",
                      {"next": _safe_next(next), "error": i18n.gettext_("Wrong username or password.")},
                      status_code=401)
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["locale"] = i18n.normalise_locale(user.locale)
    audit.record(db, user, "auth.login", user)
    db.commit()
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request):
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
    return RedirectResponse(_safe_next(next), status_code=303)
