"""UI translations: gettext catalogs (Babel .po files) per area, merged per locale.

Each area keeps its own catalog, web/locale/<locale>/LC_MESSAGES/<area>.po, so that work on
one area never edits another's file. Catalogs are compiled in memory when first used.
"""

from __future__ import annotations

import gettext
from contextvars import ContextVar
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SUPPORTED_LOCALES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"



def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


# Templates show role names with _(user.role.value); listed here so extraction finds them.
ROLE_NAMES = [N_("collector"), N_("trainer"), N_("qa"), N_("admin")]

_current: ContextVar[str] = ContextVar("ui_locale", default=DEFAULT_LOCALE)


@lru_cache
def translations_for(locale: str) -> gettext.NullTranslations:
    """All area catalogs of a locale merged into one; English is the source language."""
    merged: gettext.NullTranslations | None = None
    for po_path in sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        loaded = Translations(buffer, domain=po_path.stem)
        merged = loaded if merged is None else merged.merge(loaded)
    return merged or gettext.NullTranslations()


def normalise_locale(value: str | None) -> str:
    if not value:
        return DEFAULT_LOCALE
    value = value.replace("-", "_")
    if value in SUPPORTED_LOCALES:
        return value
    return "zh_CN" if value.lower().startswith("zh") else "en"


def set_locale(locale: str) -> None:
    _current.set(normalise_locale(locale))


def current_locale() -> str:
    return _current.get()


def gettext_(message: str) -> str:
    return translations_for(_current.get()).gettext(message)


def ngettext_(singular: str, plural: str, n: int) -> str:
    return translations_for(_current.get()).ngettext(singular, plural, n)
