"""UI message catalogs: extract the strings each area's templates and routes mark with _(),
merge them into that area's zh_CN catalog, and list what is still untranslated.

Each area owns web/locale/<locale>/LC_MESSAGES/<area>.po (see CONTRIBUTING.md), so extraction
works per area and never rewrites another area's file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from assistant.config import PROJECT_ROOT
from assistant.errors import InvalidInput

WEB_DIR = PROJECT_ROOT / "web"
LOCALES = ["zh_CN"]
KEYWORDS = {"_": None, "gettext": None, "gettext_": None, "N_": None,
            "ngettext": (1, 2), "ngettext_": (1, 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n"}

# Which files each area's catalog covers: glob patterns relative to web/.
AREA_SOURCES: dict[str, list[str]] = {
    "base": ["templates/base.html", "templates/login.html", "templates/error.html",
             "templates/cases/**/*.html", "templates/admin/**/*.html", "*.py",
             "routes/auth.py", "routes/home.py", "routes/cases.py", "routes/admin.py"],
    "check": ["templates/check/**/*.html", "routes/check.py"],
    "sessions": ["templates/sessions/**/*.html", "routes/sessions.py"],
    "qa": ["templates/qa/**/*.html", "routes/qa.py"],
    "roleplay": ["templates/roleplay/**/*.html", "routes/roleplay.py"],
}


@dataclass(frozen=True)
class Message:
    msgid: str
    plural: str | None
    locations: tuple[tuple[str, int], ...]


def area_files(area: str, web_dir: Path = WEB_DIR) -> list[Path]:
    if area not in AREA_SOURCES:
        raise InvalidInput(f"area: {area!r} is not one of {', '.join(AREA_SOURCES)}")
    found: set[Path] = set()
    for pattern in AREA_SOURCES[area]:
        found.update(p for p in web_dir.glob(pattern) if p.is_file())
    return sorted(found)


def extract(files: Iterable[Path], root: Path = PROJECT_ROOT) -> list[Message]:
    """Every marked message in these files, in first-seen order, with where it appears."""
    seen: dict[tuple[str, str | None], list[tuple[str, int]]] = {}
    for path in files:
        for lineno, msgid, plural in _messages_in(path):
            seen.setdefault((msgid, plural), []).append((_relative(path, root), lineno))
    return [Message(msgid, plural, tuple(locations))
            for (msgid, plural), locations in seen.items()]


def _messages_in(path: Path) -> Iterator[tuple[int, str, str | None]]:
    method = babel_extract if path.suffix == ".html" else "python"
    options = JINJA_OPTIONS if path.suffix == ".html" else {}
    for lineno, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS, options=options):
        if isinstance(message, tuple):
            yield lineno, message[0], message[1]
        else:
            yield lineno, message, None


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def catalog_path(area: str, locale: str, web_dir: Path = WEB_DIR) -> Path:
    return web_dir / "locale" / locale / "LC_MESSAGES" / f"{area}.po"


def update_catalog(area: str, locale: str, web_dir: Path = WEB_DIR) -> tuple[Path, int, int]:
    """Merge the area's current messages into its catalog, keeping existing translations.

    Returns the catalog path, how many messages it holds and how many lack a translation.
    """
    template = Catalog(locale=None, project="collection-assistant", domain=area)
    for message in extract(area_files(area, web_dir)):
        msgid = (message.msgid, message.plural) if message.plural else message.msgid
        template.add(msgid, locations=message.locations)
    path = catalog_path(area, locale, web_dir)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=area)
    else:
        catalog = Catalog(locale=locale, project="collection-assistant", domain=area)
    catalog.update(template, no_fuzzy_matching=True)
    # A fuzzy header would be left out of the compiled catalog, and with it the charset.
    catalog.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, ignore_obsolete=True)  # git keeps old ones
    untranslated = sum(1 for message in catalog if message.id and not _translated(message))
    return path, sum(1 for message in catalog if message.id), untranslated


def untranslated(area: str, locale: str, web_dir: Path = WEB_DIR) -> list[Message]:
    """Messages the area's files use that its catalog does not translate (or marks fuzzy)."""
    path = catalog_path(area, locale, web_dir)
    translated: set[str] = set()
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale, domain=area)
        translated = {_key(message.id) for message in catalog
                      if message.id and _translated(message)}
    return [message for message in extract(area_files(area, web_dir))
            if message.msgid not in translated]


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _translated(message) -> bool:
    if message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)
