"""The compiled vocabulary of the contact_time and contact_count recognisers.

compliance_rules/common/recognizer_terms.yaml (schema: RecognizerTerms) becomes one
ContactGrammar per language, built once when the packs load: every pattern is compiled here,
with the quick substring tests that let contact_recognizers rule most notes out early.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.compliance.recognizer_types import RecognizerTerms
from assistant.errors import Problem, raise_for

TERMS_FILE = Path("common") / "recognizer_terms.yaml"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_NUMBER = "[零〇一二两三四五六七八九十]{1,3}"
_NEVER = r"(?!x)x"


def chinese_number(text: str) -> int | None:
    """Read 0-99 written in digits or Chinese numerals (十五, 二十一, 两, 零五)."""
    if text.isdigit():
        return int(text)
    if len(text) > 1 and text[0] in "零〇":
        text = text[1:]  # 两点零五: five minutes
    if "十" in text:
        tens, _, units = text.partition("十")
        tens_value = _CN_DIGITS.get(tens, -1) if tens else 1
        units_value = _CN_DIGITS.get(units, -1) if units else 0
        if tens_value < 0 or units_value < 0:
            return None
        return tens_value * 10 + units_value
    if len(text) == 1:
        return _CN_DIGITS.get(text)
    return None


def _alternation(phrases: Any, *, words: bool) -> str:
    """A regex alternation, longest first; English alternatives match whole words only."""
    ordered = sorted({p for p in phrases or [] if p}, key=len, reverse=True)
    body = "|".join(re.escape(p) for p in ordered) or _NEVER
    return rf"(?<![a-z])(?:{body})(?![a-z])" if words else f"(?:{body})"


@dataclass(frozen=True)
class ContactGrammar:
    """The compiled patterns of one language."""

    lang: str
    times: tuple[re.Pattern[str], ...]
    day_part_modes: dict[str, str]
    meridiem: dict[str, str]
    count: re.Pattern[str]
    contact_units: frozenset[str]
    day_period: re.Pattern[str]
    week_period: re.Pattern[str]
    contact_verb: re.Pattern[str]
    number_words: dict[str, int]
    # A day part (and a lead word such as 约 / at) that ends where a clock time starts.
    part_before: re.Pattern[str] | None = None
    part_window: int = 0
    part_words: tuple[str, ...] = ()  # a word of every day part, to skip part_before quickly
    ordinals: tuple[str, ...] = ()  # 第 (第五次致电)
    # English: a bare number is a time only with am/pm or a day part (10pm, 11 at night).
    clock_needs_mark: bool = False
    # English times in words (quarter to seven); tried only when every gate group has a word
    # in the note, since such a time needs a day part or am/pm to be read at all.
    spoken: re.Pattern[str] | None = None
    spoken_gates: tuple[tuple[str, ...], ...] = ()
    spoken_minutes: dict[str, int] | None = None
    relative: dict[str, int] | None = None
    not_time_after: re.Pattern[str] | None = None
    longer_period: re.Pattern[str] | None = None
    day_span: re.Pattern[str] | None = None
    span_units: dict[str, int] | None = None
    approximate: dict[str, int] | None = None
    undated_days: int | None = None
    # Cheap tests that rule a note out before the full patterns run (most notes).
    time_hint: re.Pattern[str] = re.compile(r"\d")
    count_hints: tuple[tuple[str, ...], re.Pattern[str]] = ((), re.compile(r"\d"))

    def number(self, text: str) -> int | None:
        if text in self.number_words:
            return self.number_words[text]
        if "-" in text or " " in text:  # forty-five, forty five
            parts = [self.number_words.get(p) for p in re.split(r"[\s-]+", text)]
            return None if None in parts else sum(p for p in parts if p is not None)
        return chinese_number(text)


def load_terms(rules_dir: Path) -> dict[str, Any]:
    """The terms file as plain data; a file that breaks its schema stops the load."""
    path = Path(rules_dir) / TERMS_FILE
    if not path.exists():
        return {}
    problems, terms = _read_terms(path)
    raise_for(problems)
    return terms


def terms_problems(rules_dir: Path) -> list[Problem]:
    """What is wrong in the terms file (for `assistant rules lint`)."""
    path = Path(rules_dir) / TERMS_FILE
    return _read_terms(path)[0] if path.exists() else []


def _read_terms(path: Path) -> tuple[list[Problem], dict[str, Any]]:
    where = TERMS_FILE.as_posix()
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        terms = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [Problem(where, f"not valid YAML: {exc}",
                        line=mark.line + 1 if mark else None)], {}
    try:
        RecognizerTerms.model_validate(terms)
    except ValidationError as exc:
        return [Problem(where, f"{'.'.join(map(str, error['loc']))}: {error['msg']}",
                        line=_line_of(node, error["loc"]))
                for error in exc.errors()], {}
    return [], terms


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest key of `loc` found in the YAML node tree."""
    line = None
    for key in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next(((k, v) for k, v in node.value if k.value == str(key)), None)
        if match is None:
            break
        line = match[0].start_mark.line + 1
        node = match[1]
    return line


def _of_lang(terms: dict[str, Any], key: str, lang: str, default: Any = None) -> Any:
    value = (terms.get(key) or {}).get(lang)
    return default if value is None else value


def build_grammar(terms: dict[str, Any], lang: str) -> ContactGrammar:
    """Compile the recognisers' patterns for `lang` from the terms file."""
    words = lang == "en"
    parts = _of_lang(terms, "day_parts", lang, {})
    modes = {phrase: mode for mode, phrases in parts.items() for phrase in phrases or []}
    part = _alternation(modes, words=words)
    meridiem = {marker: half for half, markers in (terms.get("meridiem") or {}).items()
                for marker in markers or []}
    number_words = {k: int(v) for k, v in _of_lang(terms, "number_words", lang, {}).items()}
    units = _of_lang(terms, "count_units", lang, {})
    contact_units = frozenset(units.get("contact") or [])
    unit = _alternation(list(contact_units) + list(units.get("repeat") or []), words=words)
    ordinals = tuple(_of_lang(terms, "ordinal_prefix", lang, []))
    approximate = {k: int(v) for k, v in _of_lang(terms, "approximate", lang, {}).items()}
    approx = _alternation(approximate, words=False)
    periods = _of_lang(terms, "periods", lang, {})
    verbs = _of_lang(terms, "contact_verbs", lang, [])
    leads = _of_lang(terms, "time_leads", lang, [])
    spoken_numbers = _alternation(number_words, words=False)
    spoken_terms = _of_lang(terms, "spoken_times", lang, {})
    spoken_minutes = {k: int(v) for k, v in (spoken_terms.get("minute_words") or {}).items()}
    if lang == "zh":
        hour_mark = _alternation(spoken_terms.get("hour_marks"), words=False)
        minute_mark = _alternation(spoken_terms.get("minute_marks"), words=False)
        minute_word = f"{_alternation(spoken_minutes, words=False)}|" if spoken_minutes else ""
        # The part of the day is looked up just before the match (see _day_part_before): a
        # regex that starts with an alternation of day-part words is tried at every position.
        times: tuple[re.Pattern[str], ...] = (
            re.compile(rf"(?P<h>\d{{1,2}}|{_CN_NUMBER})\s*{hour_mark}"
                       rf"(?:\s*(?P<m>{minute_word}\d{{1,2}}|{_CN_NUMBER})\s*{minute_mark}?)?"),
            re.compile(r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])"),
        )
        count = re.compile(rf"(?P<n>\d{{1,3}}|{spoken_numbers}|{_CN_NUMBER})"
                           rf"(?P<approx>{approx})?\s*(?P<unit>{unit})")
        part_before = re.compile(rf"(?P<part>{part})\s*(?:{_alternation(leads, words=False)})?"
                                 r"\s*$")
        spoken = None
        time_hint = re.compile(f"{hour_mark}|:")
    else:
        marker = _alternation(meridiem, words=False)
        h24 = _alternation([m for m, half in meridiem.items() if half == "h24"], words=False)
        tail = rf"(?:\s*(?P<mer>{marker})(?![a-z]))?(?:\s+(?P<part>{part}))?"
        # Starts with the digit (no look-behind) so the regex engine skips to digits fast; what
        # may not stand before a time ($6 am, 5/22, 12.30) is tested in _clock_time.
        times = (re.compile(
            rf"(?P<h>\d{{1,2}})(?:(?P<sep>[:.])(?P<m>\d{{2}})"
            # a 24-hour time without a colon needs its marker: 0630hrs, 2115 hrs
            rf"|(?P<m4>[0-5]\d)(?=\s*{h24}(?![a-z])))?(?![\d:])(?!\.\d){tail}"),)
        count = re.compile(rf"(?P<n>\d{{1,3}}|{spoken_numbers})(?P<approx>{approx})?\s*"
                           rf"(?P<unit>{unit})")
        part_before = re.compile(rf"(?P<part>{part})\s*,?\s*{_alternation(leads, words=True)}"
                                 r"\s*$")
        spoken = _spoken_pattern(terms, number_words, tail)
        time_hint = re.compile(r"\d")
    span_terms = _of_lang(terms, "day_spans", lang, {})
    span_units = {k: int(v) for k, v in (span_terms.get("units") or {}).items()}
    gap = r"\s+" if words else r"\s*"
    day_span = re.compile(
        rf"(?:(?P<b>{_alternation(span_terms.get('before'), words=words)}){gap})?"
        rf"(?P<d>\d{{1,3}}|{spoken_numbers}|{_CN_NUMBER if not words else _NEVER})\s*"
        rf"(?P<u>{_alternation(span_units, words=words)})"
        rf"(?:\s*(?P<a>{_alternation(span_terms.get('after'), words=words)}))?")
    undated = _of_lang(terms, "undated_counts", lang, "none")
    not_after = _of_lang(terms, "not_time_after", lang, [])
    return ContactGrammar(
        lang=lang, times=times, day_part_modes=modes, meridiem=meridiem, count=count,
        contact_units=contact_units,
        day_period=re.compile(_alternation(periods.get("day"), words=words)),
        week_period=re.compile(_alternation(periods.get("week"), words=words)),
        longer_period=re.compile(_alternation(periods.get("longer"), words=words)),
        contact_verb=re.compile(_alternation(verbs, words=False)),
        number_words=number_words,
        part_before=part_before,
        part_window=max(map(len, modes), default=0) + max(map(len, leads), default=0) + 4,
        part_words=_without_contained(phrase.split()[-1] for phrase in modes),
        spoken=spoken,
        spoken_gates=_spoken_gates(spoken_terms, modes, meridiem, number_words),
        spoken_minutes=spoken_minutes,
        relative={k: int(v) for k, v in (spoken_terms.get("relative") or {}).items()},
        not_time_after=re.compile(_alternation(not_after, words=False)) if not_after else None,
        day_span=day_span, span_units=span_units, approximate=approximate,
        undated_days=1 if undated == "day" else None,
        ordinals=ordinals, clock_needs_mark=words,
        time_hint=time_hint,
        count_hints=_count_hint(list(contact_units) + list(units.get("repeat") or []), words))


def _count_hint(units: list[str], words: bool) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """Quick tests for a count unit: substrings, and a pattern. An English unit of one or two
    letters (10x) is looked for only right after a digit, or it would be in every note."""
    if not words:
        return (), re.compile(_alternation(units, words=False))
    short = [u for u in units if len(u) <= 2]
    return (_without_contained([u for u in units if len(u) > 2]),
            re.compile(rf"\d\s?{_alternation(short, words=False)}(?![a-z])"))


def _without_contained(words: Any) -> tuple[str, ...]:
    """The words none of the others is a substring of: enough for an `in` test."""
    ordered = sorted(set(words), key=len)
    kept: list[str] = []
    for word in ordered:
        if not any(shorter in word for shorter in kept):
            kept.append(word)
    return tuple(kept)


def contains_any(text: str, words: tuple[str, ...]) -> bool:
    for word in words:  # noqa: SIM110 - a plain loop is faster than any() over a generator
        if word in text:
            return True
    return False


def _spoken_pattern(terms: dict[str, Any], numbers: dict[str, int],
                    tail: str) -> re.Pattern[str] | None:
    """English clock times in words: quarter to seven, half past 6, half six, seven o'clock,
    six forty-five."""
    spoken = _of_lang(terms, "spoken_times", "en", {})
    if not spoken:
        return None
    hour_words = _alternation([w for w, v in numbers.items() if 1 <= v <= 12], words=False)
    minute_words = _alternation(list(spoken.get("minute_words") or {})
                                + [w for w, v in numbers.items() if 1 <= v < 60], words=False)
    tens = _alternation([w for w, v in numbers.items() if v in (20, 30, 40, 50)], words=False)
    ones = _alternation([w for w, v in numbers.items() if 1 <= v <= 9], words=False)
    teens = _alternation([w for w, v in numbers.items() if 10 <= v <= 19], words=False)
    hour = rf"(?:{hour_words}|\d{{1,2}})"
    minute_unit = _alternation(spoken.get("minute_unit"), words=False)
    body = "|".join([
        rf"(?P<sm>{minute_words}|\d{{1,2}})(?:\s+{minute_unit})?\s+"
        rf"(?P<rel>{_alternation(spoken.get('relative'), words=False)})\s+(?P<sh>{hour})",
        rf"(?:{_alternation(spoken.get('half_hour'), words=False)})\s+(?P<hh>{hour_words})",
        rf"(?P<oh>{hour})\s*(?:{_alternation(spoken.get('oclock'), words=False)})",
        rf"(?P<ch>{hour_words})[\s-](?P<cm>{tens}(?:[\s-]{ones})?|{teens})",
    ])
    return re.compile(rf"(?<![a-z\d])(?:{body})(?![a-z\d']){tail}")


def _spoken_gates(spoken: dict[str, Any], modes: dict[str, str], meridiem: dict[str, str],
                  numbers: dict[str, int]) -> tuple[tuple[str, ...], ...]:
    """Substrings a note needs before the spoken-time pattern is worth trying: a day part or
    am/pm after a word (a time in words is never read without one), and a word of the time
    itself (quarter, half, o'clock, a number word). `5 to 7 in the morning` fails the second
    gate; the clock-time pattern then reads `7 in the morning`."""
    if not spoken:
        return ()
    day = ({phrase.split()[-1] for phrase in modes}
           | {" " + m.rstrip(".") for m, half in meridiem.items() if half != "h24"})
    clock = (set(spoken.get("minute_words") or ()) | set(spoken.get("half_hour") or ())
             | set(spoken.get("oclock") or ()) | {w for w, v in numbers.items() if 1 <= v < 60})
    return _without_contained(day), _without_contained(clock)


