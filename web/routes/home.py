"""The landing page (each role's starting point) and the health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy import text

from assistant.models import Role
from web.deps import CurrentUser, DbSession

router = APIRouter()

START_PAGE = {Role.collector: "/cases", Role.trainer: "/roleplay", Role.qa: "/qa",
              Role.admin: "/admin/users"}


@router.get("/")
def home(user: CurrentUser):
    return RedirectResponse(START_PAGE[user.role], status_code=303)


@router.get("/health")
def health(request: Request, db: DbSession):
    try:
        db.exec(text("SELECT 1"))
    except Exception as exc:  # any driver error means the database is not usable
        return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return {"status": "ok", "database": "ok"}
