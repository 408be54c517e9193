"""Language and jurisdiction of a note: a script ratio is enough to tell zh from en."""

from __future__ import annotations

import re

from assistant.errors import InvalidInput

LANGUAGES = ("zh", "en")
JURISDICTIONS = ("cn", "us", "uk")
DEFAULT_JURISDICTION = {"zh": "cn", "en": "us"}

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]+")
# A note is Chinese when Han characters make up at least this share of its "letters"
# (an English word counts once, as a reader would see it): `客户说OK` is Chinese.
_HAN_SHARE = 0.3


def detect_language(text: str) -> str:
    """Return "zh" or "en" from the share of Han characters among words."""
    han = len(_HAN.findall(text))
    if han == 0:
        return "en"
    latin_words = len(_LATIN.findall(text))
    return "zh" if han / (han + latin_words) >= _HAN_SHARE else "en"


def resolve(text: str, lang: str | None, jurisdiction: str | None) -> tuple[str, str]:
    """The language and jurisdiction to check `text` under, with the defaults filled in."""
    if lang is not None and lang not in LANGUAGES:
        raise InvalidInput(f"lang: {lang!r} is not one of {', '.join(LANGUAGES)}")
    if jurisdiction is not None and jurisdiction not in JURISDICTIONS:
        raise InvalidInput(
            f"jurisdiction: {jurisdiction!r} is not one of {', '.join(JURISDICTIONS)}")
    lang = lang or detect_language(text)
    return lang, jurisdiction or DEFAULT_JURISDICTION[lang]
