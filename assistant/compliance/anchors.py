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


# A token pattern as a chain of word conditions with distance bounds (a necessary condition,
# checked in Python before spaCy's Matcher is called; see `chain_positions`).
_UNBOUNDED = 1 << 30
_REPEAT = re.compile(r"^\{(\d*)(,?)(\d*)\}$")


def _op_lengths(op: Any) -> tuple[int, int] | None:
    """How many tokens a pattern token with operator `op` consumes: (fewest, most)."""
    if op in (None, "1", "!"):
        return 1, 1
    if op == "?":
        return 0, 1
    if op == "*":
        return 0, _UNBOUNDED
    if op == "+":
        return 1, _UNBOUNDED
    match = _REPEAT.match(op) if isinstance(op, str) else None
    if match is None:
        return None
    low, comma, high = match.groups()
    if not comma:
        return (int(low), int(low)) if low else None
    return int(low or 0), int(high) if high else _UNBOUNDED


_CHAIN_ATTRS = {"ORTH": "orth", "TEXT": "orth", "LOWER": "lower", "NORM": "norm"}


def _condition(attr: str, value: Any, strings: StringStore) -> Any | None:
    """(kind, word ids) or (kind, regex) that a token's word must satisfy, or None.

    Values are compared exactly as spaCy's Matcher does (no case folding here)."""
    kind = _CHAIN_ATTRS[attr]
    if isinstance(value, str):
        return kind, frozenset([strings.add(value)])
    if isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list) \
            and all(isinstance(v, str) for v in value["IN"]):
        return kind, frozenset(strings.add(v) for v in value["IN"])
    if isinstance(value, dict) and set(value) == {"REGEX"} and isinstance(value["REGEX"], str):
        return kind, re.compile(value["REGEX"])
    return None


def pattern_chain(pattern: list[dict[str, Any]], strings: StringStore
                  ) -> list[tuple[list[Any], int, int]] | None:
    """The pattern's checkable tokens in order: (word conditions, least, most distance in
    tokens from the previous checkable token's position; (0, 0) for the first).

    A checkable token is one that must consume at least one token (op None, "1", "+",
    "{n,m}" with n >= 1) and has word conditions (a literal, an IN list or a REGEX on
    ORTH/LOWER/NORM). None when no token is checkable or an operator is not understood.
    """
    chain: list[tuple[list[Any], int, int]] = []
    low = high = 0  # distance from the previous checkable token's first position
    for token in pattern:
        lengths = _op_lengths(token.get("OP"))
        if lengths is None:
            return None
        fewest, most = lengths
        conditions = []
        if token.get("OP") != "!" and fewest >= 1:
            for attr, value in token.items():
                if attr in _CHAIN_ATTRS:
                    condition = _condition(attr, value, strings)
                    if condition is not None:
                        conditions.append(condition)
        if conditions:
            chain.append((conditions, low if chain else 0, min(high, _UNBOUNDED) if chain
                          else 0))
            low, high = fewest, most
        else:
            low, high = low + fewest, high + most
    return chain or None
