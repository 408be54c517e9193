"""LEMMA in English token patterns, compiled away into word forms at load time.

Rule authors may write `{"LEMMA": "arrest"}`. A lookup lemmatizer in the pipeline would
annotate every token of every note (~20 µs a note, more than the rule matching); instead each
LEMMA condition becomes a LOWER condition listing every form that spaCy's lookup table
(spacy-lookups-data, the same table the lookup lemmatizer uses) maps to that lemma, plus the
lemma itself. Notes are lowercased before matching, so LOWER sees the same text. Conditions
this cannot express (REGEX, FUZZY, comparisons on LEMMA) are reported by `needs_lemmatizer`,
and the checker then adds spaCy's lookup lemmatizer to the pipeline instead.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from typing import Any

_EXPANDABLE = {"IN", "NOT_IN"}


@lru_cache(maxsize=2)
def forms_by_lemma(lang: str) -> dict[str, tuple[str, ...]]:
    """lemma -> every lower-case form the lookup table maps to it (the lemma included)."""
    data = resources.files("spacy_lookups_data").joinpath("data", f"{lang}_lemma_lookup.json.gz")
    table: dict[str, str] = json.loads(gzip.decompress(data.read_bytes()))
    forms: dict[str, set[str]] = defaultdict(set)
    for form, lemma in table.items():
        forms[lemma.lower()].add(form.lower())
    return {lemma: tuple(sorted(found | {lemma})) for lemma, found in forms.items()}


def _forms(lemma: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    lemma = lemma.lower()
    return list(table.get(lemma, (lemma,)))


def _expand_token(token: dict[str, Any], table: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    if "LEMMA" not in token:
        return token
    value = token["LEMMA"]
    expanded = {key: val for key, val in token.items() if key != "LEMMA"}
    if isinstance(value, str):
        expanded["LOWER"] = {"IN": _forms(value, table)}
    else:
        expanded["LOWER"] = {op: sorted({f for lemma in lemmas for f in _forms(lemma, table)})
                             for op, lemmas in value.items()}
    return expanded


def needs_lemmatizer(patterns: list[list[dict[str, Any]]]) -> bool:
    """True when a LEMMA condition cannot be rewritten as a list of forms."""
    for pattern in patterns:
        for token in pattern:
            value = token.get("LEMMA")
            if value is None:
                continue
            if "LOWER" in token or "ORTH" in token or (
                    not isinstance(value, str)
                    and (not isinstance(value, dict) or set(value) - _EXPANDABLE)):
                return True
    return False


def spec_needs_lemmatizer(spec: dict[str, Any]) -> bool:
    return any(needs_lemmatizer(rule["token_patterns"]) for rule in spec["rules"])


def expand_lemmas(patterns: list[list[dict[str, Any]]], lang: str) -> list[list[dict[str, Any]]]:
    """The patterns with every LEMMA condition replaced by the forms of that lemma."""
    if not any("LEMMA" in token for pattern in patterns for token in pattern):
        return patterns
    table = forms_by_lemma(lang)
    return [[_expand_token(token, table) for token in pattern] for pattern in patterns]
