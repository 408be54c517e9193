"""CSRF protection: a per-session token, required on every state-changing request.

Forms send it as the `csrf_token` field, HTMX and fetch() as the `X-CSRF-Token` header (the
base layout sets it for HTMX). Requests authenticated by an API token header carry no
cookie and so need no CSRF token.
"""

from __future__ import annotations

import secrets

from fastapi import Request

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
HEADER = "x-csrf-token"
FIELD = "csrf_token"


class CsrfError(Exception):
    """The request's CSRF token is missing or wrong (403)."""


def ensure_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: check the token on unsafe methods."""
    expected = ensure_token(request)
    if request.method in SAFE_METHODS or request.headers.get("authorization"):
        return
    sent = request.headers.get(HEADER)
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette caches it for the route's own parsing
        sent = form.get(FIELD)
    if not sent or not secrets.compare_digest(str(sent), expected):
        raise CsrfError()
