"""Normalise a note for matching while keeping a map back to the original characters.

Steps, all character-for-character except the last:
1. full-width and compatibility forms -> their NFKC form (`Ｓ`->`S`, `１`->`1`, `，`->`,`),
2. Traditional -> Simplified Chinese with OpenCC's own character table (`報警`->`报警`),
3. lowercase (Latin letters in both languages: `ZUO牢` and `zuo牢` are one spelling),
4. drop obfuscation between two CJK characters (`坐 牢`, `坐*牢`, `报.警`), between a CJK
   character and a Latin letter (pinyin for one character: `zuo 牢`, `bao-警`) and
   zero-width characters anywhere; only this step changes the length, so only it needs an
   offset map.

Why a translation table and not `opencc.OpenCC("t2s").convert`: the pure-Python converter
spends ~60 µs on a 40-character note (it tries every phrase length at every position), while
`str.translate` over one precomputed table spends ~1 µs and keeps offsets 1:1. OpenCC's phrase
table (TSPhrases) only matters for words whose simplified form differs from the character-wise
one; for the collection vocabulary the character table gives the same result (see
compliance_rules/README.md, "Normalisation", for the measurement).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# CJK Unified Ideographs (+ extension A) and the compatibility block.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Characters writers put inside a Chinese word to dodge keyword filters. Enumeration marks
# (`、`), slashes and commas are real separators in CRM shorthand, so they are kept.
_OBFUSCATION = r"\s*\-._·•~|^+#=\u00b7\u30fb"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# Runs of separators, found first (the character class lets the regex engine skip to them);
# whether a run sits between characters that make it obfuscation is decided in _dropped_runs.
_SEPARATOR_RUN = re.compile(rf"[{_OBFUSCATION}{_ZERO_WIDTH}]+")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_ZERO_WIDTH_CHAR = re.compile(f"[{_ZERO_WIDTH}]")


def _is_cjk(char: str) -> bool:
    return ("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"
            or "\uf900" <= char <= "\ufaff")


def _is_latin(char: str) -> bool:
    return "a" <= char <= "z" or "A" <= char <= "Z"


def _dropped_runs(folded: str) -> list[tuple[int, int]]:
    """Spans to drop: separator runs between CJK characters or between a CJK character and a
    Latin letter, and zero-width characters anywhere."""
    if _HAS_CJK.search(folded) is None:  # English notes: only zero-width characters go
        return [m.span() for m in _ZERO_WIDTH_CHAR.finditer(folded)]
    spans = []
    for run in _SEPARATOR_RUN.finditer(folded):
        start, end = run.span()
        before = folded[start - 1] if start else ""
        after = folded[end] if end < len(folded) else ""
        if (_is_cjk(before) and (_is_cjk(after) or _is_latin(after))) or (
                _is_latin(before) and _is_cjk(after)):
            spans.append((start, end))
        else:
            spans.extend(m.span() for m in _ZERO_WIDTH_CHAR.finditer(folded, start, end))
    return spans


@dataclass(frozen=True, slots=True)
class Normalised:
    """The normalised text and, when characters were dropped, where each one came from."""

    text: str
    original: str
    # origin[i] is the index in `original` of normalised character i; None means identity.
    origin: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text back to the original text."""
        if self.origin is None:
            return start, end
        if end <= start:
            position = self.origin[start] if start < len(self.origin) else len(self.original)
            return position, position
        return self.origin[start], self.origin[end - 1] + 1


def _opencc_table(name: str) -> dict[str, str]:
    """One-to-one character pairs from an OpenCC dictionary file (first candidate wins)."""
    pairs: dict[str, str] = {}
    text = resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            pairs[source] = target
    return pairs


@lru_cache(maxsize=1)
def translation_table() -> dict[int, str]:
    """The per-character table: NFKC (when it stays one character), T->S, lowercase."""
    to_simplified = _opencc_table("TSCharacters.txt")
    # Taiwan / Hong Kong variant forms first become OpenCC's standard Traditional form.
    to_standard = _opencc_table("TWVariantsRev.txt") | _opencc_table("HKVariantsRev.txt")
    table: dict[int, str] = {}
    for code in range(0x20, 0x30000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) != 1:
            folded = char
        folded = to_standard.get(folded, folded)
        folded = to_simplified.get(folded, folded)
        lowered = folded.lower()
        folded = lowered if len(lowered) == 1 else folded
        if folded != char:
            table[code] = folded
    return table


def normalise(text: str, lang: str) -> Normalised:
    """Normalise `text` of language `lang` ("zh" or "en") for matching."""
    folded = text.translate(translation_table())
    dropped = _dropped_runs(folded)
    if not dropped:
        return Normalised(folded, text)
    kept: list[str] = []
    origin: list[int] = []
    position = 0
    for start, end in dropped:
        kept.append(folded[position:start])
        origin.extend(range(position, start))
        position = end
    kept.append(folded[position:])
    origin.extend(range(position, len(folded)))
    return Normalised("".join(kept), text, tuple(origin))


def normalise_phrase(phrase: str, lang: str) -> str:
    """Normalise a pattern or cue phrase exactly as notes are normalised."""
    return normalise(phrase.strip(), lang).text
