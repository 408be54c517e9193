"""The Jinja2 environment shared by every page."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import jinja2
from babel.dates import format_datetime
from babel.numbers import format_currency
from fastapi.templating import Jinja2Templates

from web import i18n
from web.labels import TEMPLATE_GLOBALS

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                          autoescape=True, extensions=["jinja2.ext.i18n"])
templates = Jinja2Templates(env=_env)
templates.env.install_gettext_callables(i18n.gettext_, i18n.ngettext_, newstyle=True)
templates.env.globals["supported_locales"] = i18n.SUPPORTED_LOCALES
templates.env.globals["current_locale"] = i18n.current_locale
templates.env.globals.update(TEMPLATE_GLOBALS)


def money(amount: Decimal | int | str, currency: str) -> str:
    """An amount in the UI's locale: ¥52,360.50 / US$4,675.20."""
    return format_currency(Decimal(str(amount)), currency, locale=i18n.current_locale())


def local_clock(moment: datetime | None, pattern: str = "EEE HH:mm") -> str:
    """A timezone-aware moment in its own zone, in the UI's locale ("周一 14:05")."""
    if moment is None:
        return ""
    return format_datetime(moment, pattern, tzinfo=moment.tzinfo, locale=i18n.current_locale())


def utc_time(moment: datetime | None) -> str:
    """Stored UTC moments (SQLite returns them naive) as 'YYYY-MM-DD HH:MM UTC'."""
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else ""


templates.env.filters["money"] = money
templates.env.filters["local_clock"] = local_clock
templates.env.filters["utc_time"] = utc_time


def render(request, name: str, context: dict | None = None, status_code: int = 200,
           headers: dict[str, str] | None = None):
    """Render a page; the user, CSRF token and locale are always in the context."""
    ctx = {
        "user": getattr(request.state, "user", None),
        "csrf_token": request.session.get("csrf", "") if "session" in request.scope else "",
        "locale": i18n.current_locale(),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code,
                                      headers=headers)
