"""The Jinja2 environment shared by every page."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi.templating import Jinja2Templates

from web import i18n

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                          autoescape=True, extensions=["jinja2.ext.i18n"])
templates = Jinja2Templates(env=_env)
templates.env.install_gettext_callables(i18n.gettext_, i18n.ngettext_, newstyle=True)
templates.env.globals["supported_locales"] = i18n.SUPPORTED_LOCALES
templates.env.globals["current_locale"] = i18n.current_locale


def render(request, name: str, context: dict | None = None, status_code: int = 200):
    """Render a page; the user, CSRF token and locale are always in the context."""
    ctx = {
        "user": getattr(request.state, "user", None),
        "csrf_token": request.session.get("csrf", "") if "session" in request.scope else "",
        "locale": i18n.current_locale(),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
