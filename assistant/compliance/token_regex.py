"""spaCy token patterns compiled to regular expressions over a note's word string.

Rule authors write token patterns in spaCy's Matcher syntax (compliance_rules/README.md), and
most are words from lists with bounded gaps of "any word but these" between them. spaCy's
Matcher evaluates such patterns with Python set predicates for every token and every open
state: a few hundred microseconds for a note with several candidate patterns, more than every
other stage of the checker together. The same patterns, compiled once into Python regular
expressions, run in C over one string per note:

    word string = for each token: SEP + lower (+ MID + norm if it differs)   then a final SEP

(SEP = U+001F, MID = U+001E; neither occurs in a token: `render` replaces them.) A pattern
token becomes `SEP` + a look-ahead per condition + `[^SEP]+`, so it consumes exactly one token,
and the operators `? * + {n,m}` become regex repetition of that group. Backtracking tries every
number of repetitions, so a pattern matches at a token exactly when the Matcher has a match
starting there; tests/compliance/test_token_regex.py checks starts and ends against the
Matcher on every example of the real packs.

The string is cheap to build without a Doc: each whitespace-separated chunk of a note is
tokenized once and its part of the string remembered (see gate.py). A pattern that uses
something the string does not carry (IS_PUNCT, LENGTH, a REGEX that could cross a word's
end, ...) is not compiled; `compile_pattern` returns None and the checker runs spaCy's Matcher
for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

SEP = "\x1f"
MID = "\x1e"
_TOKEN_BODY = f"[^{SEP}]+"
_WORD_ATTRS = {"LOWER": "lower", "NORM": "norm", "ORTH": "lower", "TEXT": "lower"}
_MANDATORY_OPS = {None, "1", "+"}
_REPEAT = re.compile(r"^\{(\d*)(,?)(\d*)\}$")
# A REGEX is compiled only when it cannot run past the end of the word it tests: no `.`
# outside a character class, no negated class, no \D \S \W \s, no inline flags.
_WIDE_ESCAPES = re.compile(r"\\[DSWs]")
_ESCAPED = re.compile(r"\\.")
_CLASS = re.compile(r"\[[^\]]*\]")
_CROSSES_WORD = re.compile(r"\.|\(\?[aiLmsux]")


def _clean(word: str) -> str:
    """The word with any separator character replaced, so it cannot break a string."""
    if SEP in word or MID in word:
        return word.replace(SEP, "\ufffd").replace(MID, "\ufffd")
    return word


def render(lower: str, norm: str) -> str:
    """One token's part of the word string: `SEP lower`, and `MID norm` when they differ."""
    lower = _clean(lower)
    norm = _clean(norm)
    return SEP + lower if norm == lower else SEP + lower + MID + norm


def orth_part(orth: str) -> str:
    """One token's part of the orth string (`SEP orth` per token), where the gate finds terms
    token by token as the PhraseMatcher does."""
    return SEP + _clean(orth)


def token_span(words: str, match: re.Match[str]) -> tuple[int, int]:
    """Token indices [start, end) of a match in a word string."""
    start = words.count(SEP, 0, match.start())
    return start, start + match.group().count(SEP)


def _alternatives(values: list[str]) -> str:
    # Longest first: with a shared prefix, `call|called` would stop short at `call`.
    return "|".join(re.escape(v) for v in sorted(set(values), key=len, reverse=True))


# From a token's start to its norm: past `lower MID` when the token has a norm of its own.
_TO_NORM = f"(?:[^{MID}{SEP}]*{MID}|(?![^{MID}{SEP}]*{MID}))"
_WORD_END = f"[{MID}{SEP}]"


def _word_test(kind: str, body: str) -> str:
    """A look-ahead body testing the lower or the norm part of the token that starts here."""
    if kind == "lower":
        return f"(?:{body}){_WORD_END}"
    return f"{_TO_NORM}(?:{body}){SEP}"


def _regex_test(kind: str, pattern: str) -> str | None:
    """A REGEX condition (re.search on the word) as a test body, or None."""
    plain = _ESCAPED.sub("", pattern)
    if _WIDE_ESCAPES.search(pattern) or "[^" in plain or _CROSSES_WORD.search(
            _CLASS.sub("", plain)):
        return None
    anchored_start = pattern.startswith("^")
    core = pattern[1:] if anchored_start else pattern
    anchored_end = core.endswith("$") and not core.endswith("\\$")
    core = core[:-1] if anchored_end else core
    body = f"(?:{core})"
    if anchored_end:
        body += _WORD_END if kind == "lower" else SEP
    if not anchored_start:
        body = f"[^{MID}{SEP}]*?" + body
    return body if kind == "lower" else _TO_NORM + body


def _condition(attr: str, value: Any) -> str | None:
    """One attribute condition of a pattern token as a look-ahead, or None."""
    kind = _WORD_ATTRS.get(attr)
    if kind is None:
        return None
    if attr in ("ORTH", "TEXT"):
        # The string carries lower-case words: an ORTH value without letters is the same test.
        words = [value] if isinstance(value, str) else [
            w for operator in ("IN", "NOT_IN") for w in (value.get(operator) or [])
        ] if isinstance(value, dict) else []
        if not all(isinstance(w, str) and w == w.lower() == w.upper() for w in words):
            return None
    if isinstance(value, str):
        return f"(?={_word_test(kind, re.escape(value))})"
    if not isinstance(value, dict) or len(value) != 1:
        return None
    [(operator, argument)] = value.items()
    if operator in ("IN", "NOT_IN") and isinstance(argument, list) and argument and all(
            isinstance(v, str) for v in argument):
        test = _word_test(kind, _alternatives(argument))
        return f"(?={test})" if operator == "IN" else f"(?!{test})"
    if operator == "REGEX" and isinstance(argument, str):
        body = _regex_test(kind, argument)
        return None if body is None else f"(?={body})"
    return None


def _repetition(op: Any) -> str | None:
    if op in (None, "1"):
        return ""
    if op in ("?", "*", "+"):
        return op
    match = _REPEAT.match(op) if isinstance(op, str) else None
    if match is None:
        return None
    low, comma, high = match.groups()
    if not comma:
        return f"{{{low}}}" if low else None
    return f"{{{low or 0},{high}}}"


def pattern_source(pattern: list[dict[str, Any]]) -> str | None:
    """The regex source of a token pattern, or None when it cannot be compiled exactly."""
    parts = []
    for token in pattern:
        op = token.get("OP")
        conditions = []
        for attr, value in token.items():
            if attr == "OP":
                continue
            condition = _condition(attr, value)
            if condition is None:
                return None
            conditions.append(condition)
        tests = "".join(conditions)
        if op == "!":
            parts.append(f"{SEP}(?!{tests}){_TOKEN_BODY}" if tests else "(?!)")
            continue
        repetition = _repetition(op)
        if repetition is None:
            return None
        unit = f"{SEP}{tests}{_TOKEN_BODY}"
        parts.append(f"(?:{unit}){repetition}" if repetition else unit)
    return "".join(parts) or None


def compile_pattern(pattern: list[dict[str, Any]]) -> re.Pattern[str] | None:
    source = pattern_source(pattern)
    return None if source is None else re.compile(source)


# A word condition: (the part of the word it tests: "lower" | "norm", "in" | "regex", the
# words or the regex source).
Condition = tuple[str, str, Any]


def required_conditions(pattern: list[dict[str, Any]]) -> list[Condition]:
    """The word conditions a pattern cannot match without: those of tokens that must occur
    (no `?`, `*`, `{0,n}`) that test a word, an IN list or a REGEX."""
    required: list[Condition] = []
    for token in pattern:
        if token.get("OP") not in _MANDATORY_OPS:
            continue
        for attr, value in token.items():
            kind = _WORD_ATTRS.get(attr)
            if kind is None:
                continue
            if isinstance(value, str):
                words, regex = [value], None
            elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(
                    value["IN"], list) and all(isinstance(v, str) for v in value["IN"]):
                words, regex = value["IN"], None
            elif isinstance(value, dict) and set(value) == {"REGEX"} and isinstance(
                    value["REGEX"], str) and attr not in ("ORTH", "TEXT"):
                words, regex = [], value["REGEX"]
            else:
                continue
            if attr in ("ORTH", "TEXT") and any(w != w.lower() for w in words):
                continue  # the words' lower-case forms are what is known: no test from these
            required.append((kind, "regex", regex) if regex is not None
                            else (kind, "in", frozenset(words)))
    return required


# A REGEX condition's likelihood is unknown: count it as fairly common, so that a rare word
# list is preferred as the anchor.
_REGEX_PROBABILITY = 0.01


def condition_cost(condition: Condition, probability: Callable[[str], float]) -> float:
    """How often a condition is likely met by a token: the summed probability of its words."""
    _, test, argument = condition
    if test == "regex":
        return _REGEX_PROBABILITY
    return sum(probability(word) for word in argument)


# Single-word REGEX patterns are tested once per distinct word instead (components.py).
_WORD_REGEX_KINDS = {"ORTH": "orth", "TEXT": "orth", "LOWER": "orth", "NORM": "norm"}


def single_word_regex(pattern: list[dict[str, Any]]) -> tuple[str, re.Pattern[str]] | None:
    """(kind, compiled regex) when the pattern is one token with only a REGEX on a word
    attribute; such a pattern's answer depends on the word alone, so it can be memoised."""
    if len(pattern) != 1 or len(pattern[0]) != 1:
        return None
    [(attr, value)] = pattern[0].items()
    if attr not in _WORD_REGEX_KINDS or not isinstance(value, dict) or set(value) != {"REGEX"}:
        return None
    return _WORD_REGEX_KINDS[attr], re.compile(value["REGEX"])
