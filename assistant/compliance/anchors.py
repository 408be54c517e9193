"""Which words a token pattern cannot match without: lets the checker skip most patterns.

Patterns such as `[{LOWER: {IN: [...]}}, {LOWER: {NOT_IN: [...]}, OP: "*"}, {...}]` make the
spaCy Matcher evaluate Python set predicates for every token and every open state: ~100-300 µs
a note each. A pattern can only match a note that contains one word of each of its required
(non-optional, non-negated) token conditions on ORTH/LOWER/NORM, so each rule's patterns get a
Matcher of their own and run only on notes containing an anchor word. Finding the anchors costs
one look-up per distinct word of the note, whatever the number of rules.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.strings import StringStore

_MANDATORY_OPS = {None, "1", "+"}
_WORD_ATTRS = {"ORTH": "orth", "TEXT": "orth", "LOWER": "orth", "NORM": "norm"}


def _words(value: Any) -> set[str] | None:
    if isinstance(value, str):
        return {value.lower()}
    if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
        return {str(v).lower() for v in value["IN"]}
    return None


def pattern_anchor(pattern: list[dict[str, Any]], common: frozenset[str] = frozenset()
                   ) -> tuple[str, set[str]] | None:
    """(attribute kind, words) of the most selective required condition, or None.

    Selective means few words and no common ones: `to` or `for` would wake the pattern up
    in nearly every note, so a condition with a stop word counts as very wide.
    """
    best: tuple[str, set[str]] | None = None
    best_cost = 0
    for token in pattern:
        if token.get("OP") not in _MANDATORY_OPS:
            continue
        for attr, kind in _WORD_ATTRS.items():
            words = _words(token.get(attr))
            if not words:
                continue
            cost = len(words) + 10_000 * len(words & common)
            if best is None or cost < best_cost:
                best, best_cost = (kind, words), cost
    return best


def rule_anchors(patterns: list[list[dict[str, Any]]], strings: StringStore,
                 common: frozenset[str] = frozenset()) -> dict[str, set[int]] | None:
    """Word ids by kind ("orth"/"norm") that gate a rule's patterns; None: always run it."""
    gates: dict[str, set[int]] = {"orth": set(), "norm": set()}
    for pattern in patterns:
        anchor = pattern_anchor(pattern, common)
        if anchor is None:
            return None
        kind, words = anchor
        gates[kind].update(strings.add(word) for word in words)
    return gates


def pattern_requirements(pattern: list[dict[str, Any]], strings: StringStore
                         ) -> list[tuple[str, frozenset[int]]]:
    """Every required word condition of a pattern as (kind, word ids): a note must contain
    one word of each, or the pattern cannot match it."""
    required = []
    for token in pattern:
        if token.get("OP") not in _MANDATORY_OPS:
            continue
        for attr, kind in _WORD_ATTRS.items():
            words = _words(token.get(attr))
            if words:
                required.append((kind, frozenset(strings.add(word) for word in words)))
    return required


def single_word_regex(pattern: list[dict[str, Any]]) -> tuple[str, re.Pattern[str]] | None:
    """(kind, compiled regex) when the pattern is one token with only a REGEX on a word
    attribute; such a pattern's answer depends on the word alone, so it can be memoised."""
    if len(pattern) != 1 or len(pattern[0]) != 1:
        return None
    [(attr, value)] = pattern[0].items()
    if attr not in _WORD_ATTRS or not isinstance(value, dict) or set(value) != {"REGEX"}:
        return None
    return _WORD_ATTRS[attr], re.compile(value["REGEX"])
