"""The FastAPI application factory."""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from assistant.config import Settings, get_settings
from assistant.db import make_engine
from web import errors, i18n, request_log
from web.csrf import csrf_protect

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Pages hold borrowers' personal data: never framed by other sites, never sniffed as another
# type, and the full URL (with search terms) never sent to other origins.
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

# Every area's routes live in their own module with a module-level `router`.
ROUTE_MODULES = [
    "web.routes.auth",
    "web.routes.home",
    "web.routes.cases",
    "web.routes.admin",
    "web.routes.check",
    "web.routes.sessions",
    "web.routes.qa",
    "web.routes.roleplay",
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    request_log.configure_logging(settings.log_level)
    app = FastAPI(title="Collection Script Assistant", version="0.1.0",
                  dependencies=[Depends(csrf_protect)], docs_url="/api/docs",
                  openapi_url="/api/openapi.json", redoc_url=None)
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url())

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        return response

    @app.middleware("http")
    async def ui_locale(request: Request, call_next):
        i18n.set_locale(request.session.get("locale") or _accept_language(request))
        return await call_next(request)

    # Added last so it runs first: the locale middleware reads the session.
    app.add_middleware(SessionMiddleware, secret_key=settings.resolved_secret_key(),
                       session_cookie="assistant_session", same_site="lax",
                       https_only=settings.https_only_cookies,
                       max_age=settings.session_max_age_seconds)
    # Outermost, so that its duration and status cover everything below it.
    request_log.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    for module_name in ROUTE_MODULES:
        app.include_router(importlib.import_module(module_name).router)
    return app


def _accept_language(request: Request) -> str:
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].strip() if header else ""
    return i18n.normalise_locale(first) if first else i18n.DEFAULT_LOCALE
