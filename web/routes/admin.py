"""Admin pages: users (create, role, team, activation, password, API tokens) and the audit
trail. Every change goes through assistant.users / assistant.tokens, which record audit
events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from assistant import audit, tokens, users
from assistant.errors import InvalidInput, NotFound
from assistant.models import Role, User
from web import i18n
from web.deps import AdminUser, DbSession
from web.templating import render

router = APIRouter(prefix="/admin")
AUDIT_PAGE_SIZE = 50


def _flash(request: Request, message: str, kind: str = "ok") -> None:
    request.session["flash"] = {"message": message, "kind": kind}


def _pop_flash(request: Request) -> dict | None:
    return request.session.pop("flash", None)


def _back_to(user: User) -> RedirectResponse:
    return RedirectResponse(f"/admin/users/{user.id}", status_code=303)


@router.get("/users")
def user_list(request: Request, db: DbSession, admin: AdminUser):
    return _user_list_page(request, db)


def _user_list_page(request: Request, db: DbSession, *, error: str | None = None,
                    form: dict | None = None, status_code: int = 200):
    return render(request, "admin/users.html", {
        "users": users.list_users(db), "teams": users.team_names(db), "roles": list(Role),
        "flash": _pop_flash(request), "error": error, "form": form or {},
        "locales": i18n.SUPPORTED_LOCALES}, status_code=status_code)


@router.post("/users")
def user_create(request: Request, db: DbSession, admin: AdminUser,
                username: Annotated[str, Form()], password: Annotated[str, Form()],
                role: Annotated[str, Form()], display_name: Annotated[str, Form()] = "",
                team: Annotated[str, Form()] = "", locale: Annotated[str, Form()] = "zh_CN"):
    try:
        user = users.create_user(db, username.strip(), password, role,
                                 display_name=display_name.strip(),
                                 locale=i18n.normalise_locale(locale),
                                 team=team.strip() or None, actor=admin)
    except InvalidInput as exc:
        db.rollback()
        form = {"username": username, "display_name": display_name, "team": team,
                "role": role, "locale": locale}
        return _user_list_page(request, db, error=str(exc), form=form, status_code=422)
    db.commit()
    _flash(request, i18n.gettext_("User %(name)s created.") % {"name": user.username})
    return _back_to(user)


@router.get("/users/{user_id}")
def user_detail(user_id: int, request: Request, db: DbSession, admin: AdminUser):
    return _user_page(request, db, users.get_by_id(db, user_id))


def _user_page(request: Request, db: DbSession, user: User, *, error: str | None = None,
               new_token: str | None = None, status_code: int = 200):
    events, _total = audit.search(db, audit.AuditFilter(object_type="user",
                                                        object_id=str(user.id)), limit=10)
    return render(request, "admin/user.html", {
        "subject": user, "teams": users.team_names(db), "roles": list(Role),
        "tokens": tokens.for_user(db, user), "new_token": new_token, "events": events,
        "flash": _pop_flash(request), "error": error}, status_code=status_code)


def _change(request: Request, db: DbSession, user_id: int, change, done: str):
    """Apply one change to a user: commit and go back with a notice, or show the error."""
    user = users.get_by_id(db, user_id)
    try:
        change(user)
    except InvalidInput as exc:
        db.rollback()
        return _user_page(request, db, users.get_by_id(db, user_id), error=str(exc),
                          status_code=422)
    db.commit()
    _flash(request, done)
    return _back_to(user)


@router.post("/users/{user_id}/role")
def user_set_role(user_id: int, request: Request, db: DbSession, admin: AdminUser,
                  role: Annotated[str, Form()]):
    return _change(request, db, user_id,
                   lambda u: users.set_role(db, u.username, role, actor=admin),
                   i18n.gettext_("Role changed."))


@router.post("/users/{user_id}/profile")
def user_set_profile(user_id: int, request: Request, db: DbSession, admin: AdminUser,
                     display_name: Annotated[str, Form()], team: Annotated[str, Form()] = ""):
    def change(user: User) -> None:
        if display_name.strip() != user.display_name:
            users.set_display_name(db, user.username, display_name, actor=admin)
        current_team = users.team_names(db).get(user.team_id, "")
        if team.strip() != current_team:
            users.set_team(db, user.username, team, actor=admin)

    return _change(request, db, user_id, change, i18n.gettext_("Saved."))


@router.post("/users/{user_id}/active")
def user_set_active(user_id: int, request: Request, db: DbSession, admin: AdminUser,
                    active: Annotated[bool, Form()]):
    done = i18n.gettext_("User reactivated.") if active else i18n.gettext_("User deactivated.")
    return _change(request, db, user_id,
                   lambda u: users.set_active(db, u.username, active, actor=admin), done)


@router.post("/users/{user_id}/password")
def user_reset_password(user_id: int, request: Request, db: DbSession, admin: AdminUser,
                        password: Annotated[str, Form()]):
    def change(user: User) -> None:
        users.reset_password(db, user.username, password, actor=admin)
        if user.id == admin.id:
            # A reset ends the user's sessions; keep the admin's own current one.
            request.session["password_stamp"] = users.password_stamp(user)

    return _change(request, db, user_id, change,
                   i18n.gettext_("Password changed. Give the new password to the user in person."))


@router.post("/users/{user_id}/tokens")
def token_create(user_id: int, request: Request, db: DbSession, admin: AdminUser,
                 name: Annotated[str, Form()]):
    user = users.get_by_id(db, user_id)
    try:
        _token, secret = tokens.create(db, user, name, actor=admin)
    except InvalidInput as exc:
        db.rollback()
        return _user_page(request, db, user, error=str(exc), status_code=422)
    db.commit()
    # Rendered, not redirected: the secret must never be stored, not even in the session.
    return _user_page(request, db, user, new_token=secret, status_code=201)


@router.post("/users/{user_id}/tokens/{token_id}/revoke")
def token_revoke(user_id: int, token_id: int, request: Request, db: DbSession,
                 admin: AdminUser):
    user = users.get_by_id(db, user_id)
    if token_id not in {token.id for token in tokens.for_user(db, user)}:
        raise NotFound(f"API token {token_id} does not belong to user {user.username!r}")
    return _change(request, db, user_id, lambda u: tokens.revoke(db, token_id, actor=admin),
                   i18n.gettext_("API token revoked."))


@router.get("/audit")
def audit_list(request: Request, db: DbSession, admin: AdminUser,
               actor: Annotated[str, Query(max_length=64)] = "",
               action: Annotated[str, Query(max_length=80)] = "",
               object_type: Annotated[str, Query(max_length=40)] = "",
               object_id: Annotated[str, Query(max_length=64)] = "",
               since: date | None = None, until: date | None = None,
               page: Annotated[int, Query(ge=1)] = 1):
    error, actor_id = None, None
    if actor.strip():
        try:
            actor_id = users.get_by_username(db, actor.strip()).id
        except NotFound as exc:
            error, actor_id = str(exc), -1  # no user: show nothing rather than everything
    filters = audit.AuditFilter(
        actor_id=actor_id, action=action.strip(), object_type=object_type.strip(),
        object_id=object_id.strip(),
        since=datetime.combine(since, time.min, UTC) if since else None,
        # `until` is inclusive for the reader: events on that day are shown.
        until=datetime.combine(until + timedelta(days=1), time.min, UTC) if until else None)
    events, total = audit.search(db, filters, limit=AUDIT_PAGE_SIZE,
                                 offset=(page - 1) * AUDIT_PAGE_SIZE)
    actor_ids = {event.actor_id for event in events if event.actor_id}
    return render(request, "admin/audit.html", {
        "events": events, "total": total, "page": page,
        "pages": max(1, -(-total // AUDIT_PAGE_SIZE)), "error": error,
        "actors": {uid: db.get(User, uid).username for uid in actor_ids},
        "actions": audit.action_names(db),
        "filters": {"actor": actor, "action": action, "object_type": object_type,
                    "object_id": object_id, "since": since.isoformat() if since else "",
                    "until": until.isoformat() if until else ""}})
