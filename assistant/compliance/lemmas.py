"""LEMMA in English token patterns without a lemmatizer pass over every note.

Rule authors may write `{"LEMMA": "arrest"}`. A lookup lemmatizer in the pipeline annotates
every token of every note (~20-35 µs a note, more than all the rule matching). Instead, when
the packs load, every word form of spaCy's lookup table (spacy-lookups-data, the very table the
lookup lemmatizer reads) gets its lemma as the vocabulary's NORM, and LEMMA conditions are
renamed NORM conditions. NORM is a per-word attribute the Matcher compares in C, so this costs
nothing per note and matches exactly what the lookup lemmatizer would (notes are lowercased,
and the table is keyed by lower-case forms). If a pattern uses NORM itself, the meaning would
change, so the checker then falls back to spaCy's lookup lemmatizer (see `needs_lemmatizer`).
An earlier version listed the forms in `LOWER: {IN: [...]}`; set predicates run in Python and
made the English checker ~20x slower.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.vocab import Vocab

_INSTALLED_KEY = "compliance_lemma_norms"


@lru_cache(maxsize=2)
def forms_by_lemma(lang: str) -> dict[str, tuple[str, ...]]:
    """lemma -> every lower-case form the lookup table maps to it (the lemma included)."""
    data = resources.files("spacy_lookups_data").joinpath("data", f"{lang}_lemma_lookup.json.gz")
    table: dict[str, str] = json.loads(gzip.decompress(data.read_bytes()))
    forms: dict[str, set[str]] = defaultdict(set)
    for form, lemma in table.items():
        forms[lemma.lower()].add(form.lower())
    return {lemma: tuple(sorted(found | {lemma})) for lemma, found in forms.items()}


def uses(patterns: list[list[dict[str, Any]]], attribute: str) -> bool:
    return any(attribute in token for pattern in patterns for token in pattern)


def needs_lemmatizer(patterns: list[list[dict[str, Any]]]) -> bool:
    """True when LEMMA cannot be served through NORM: some pattern uses NORM itself."""
    return uses(patterns, "NORM")


def spec_needs_lemmatizer(spec: dict[str, Any]) -> bool:
    patterns = [p for rule in spec["rules"] for p in rule["token_patterns"]]
    return uses(patterns, "LEMMA") and needs_lemmatizer(patterns)


def install_lemma_norms(vocab: Vocab, lang: str) -> None:
    """Give every word form of the lookup table its lemma as NORM (once per vocabulary)."""
    if vocab.cfg.get(_INSTALLED_KEY):
        return
    for lemma, forms in forms_by_lemma(lang).items():
        for form in forms:
            if form != lemma:
                vocab[form].norm_ = lemma
    vocab.cfg[_INSTALLED_KEY] = True


def lemma_as_norm(patterns: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The patterns with every LEMMA condition renamed NORM (lower-cased values)."""
    def rename(token: dict[str, Any]) -> dict[str, Any]:
        if "LEMMA" not in token:
            return token
        renamed = {k: v for k, v in token.items() if k != "LEMMA"}
        value = token["LEMMA"]
        if isinstance(value, str):
            renamed["NORM"] = value.lower()
        elif isinstance(value, dict):
            renamed["NORM"] = {op: ([v.lower() for v in arg] if isinstance(arg, list)
                                    else arg) for op, arg in value.items()}
        else:
            renamed["NORM"] = value
        return renamed

    return [[rename(token) for token in pattern] for pattern in patterns]


_UNSEEN_LOG_PROBABILITY = -20.0  # a word the table does not list is rare


@lru_cache(maxsize=2)
def word_probability(lang: str) -> Callable[[str], float]:
    """How likely a token is to be `word`, from spaCy's lexeme probability table
    (spacy-lookups-data, log probabilities from a large web corpus); words of languages
    without a table all count alike."""
    name = f"{lang}_lexeme_prob.json.gz"
    data = resources.files("spacy_lookups_data").joinpath("data", name)
    table: dict[str, float] = json.loads(gzip.decompress(data.read_bytes())) if \
        data.is_file() else {}

    def probability(word: str) -> float:
        return math.exp(table.get(word, _UNSEEN_LOG_PROBABILITY))

    return probability
