"""The only place that maps errors to HTTP: pages get friendly pages, /api gets JSON."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import AssistantError, InvalidInput, NotFound, PermissionDenied
from web.csrf import CsrfError
from web.deps import InvalidApiToken, LoginRequired, RoleForbidden
from web.templating import render

log = logging.getLogger("web.errors")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", "") and "text/html" not in request.headers.get("accept", "")


def _error(request: Request, status: int, detail: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status)
    _identify_user(request)
    return render(request, "error.html", {"status": status, "detail": detail}, status_code=status)


def _identify_user(request: Request) -> None:
    """Find the signed-in user for the layout when no route ran (an unknown URL, say)."""
    if getattr(request.state, "user", None) is not None or "session" not in request.scope:
        return
    if request.session.get("user_id") is None:
        return
    from sqlmodel import Session

    from web.deps import optional_user

    with Session(request.app.state.engine) as db:
        optional_user(request, db)


def install(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "login required"}, status_code=401)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(InvalidApiToken)
    async def invalid_api_token(_request: Request, exc: InvalidApiToken) -> Response:
        return JSONResponse({"detail": exc.problem}, status_code=401,
                            headers={"WWW-Authenticate": 'Bearer realm="assistant"'})

    @app.exception_handler(RoleForbidden)
    async def role_forbidden(request: Request, _exc: RoleForbidden) -> Response:
        return _error(request, 403, "forbidden")

    @app.exception_handler(PermissionDenied)
    async def permission_denied(request: Request, exc: PermissionDenied) -> Response:
        return _error(request, 403, str(exc) or "forbidden")

    @app.exception_handler(CsrfError)
    async def csrf_failed(request: Request, _exc: CsrfError) -> Response:
        return _error(request, 403, "CSRF token missing or invalid; reload the page and retry")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(InvalidInput)
    async def invalid_input(request: Request, exc: InvalidInput) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(AssistantError)
    async def assistant_error(request: Request, exc: AssistantError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors())
        return _error(request, 422, problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(request, 500, "internal error; it has been logged")
