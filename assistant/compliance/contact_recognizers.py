"""contact_time and contact_count: the text side of harassment.time / harassment.frequency.

Both read their vocabulary from compliance_rules/common/recognizer_terms.yaml (compiled by
contact_grammar) and their limits from the jurisdiction's contact_policy.yaml, so an officer
can change either without code. A time without a part of the day that could be morning or
evening (`7:30`, `6点50`) is left alone: guessing would accuse collectors of calls they made
at a lawful hour.

Both run on nearly every note with a digit, on plain normalised text: every pattern is compiled
once per language (build_grammar) and cheap tests rule most notes out before the full patterns.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from assistant.compliance.contact_grammar import (
    TERMS_FILE,
    ContactGrammar,
    build_grammar,
    chinese_number,
    contains_any,
    load_terms,
    terms_problems,
)
from assistant.compliance.recognizer_types import RecognizerContext, Span

__all__ = ["TERMS_FILE", "ContactGrammar", "allowed_window", "attempt_cap", "build_grammar",
           "chinese_number", "clock_minutes", "find_contact_counts", "find_contact_times",
           "load_terms", "terms_problems"]

_SENTENCE_END = re.compile(r"[。!?;\n]|\.(?:\s|$)")
_CLAUSE_END = re.compile(r"[。!?;\n,，:、]|\.(?:\s|$)")
_MINUTES_IN_DAY = 24 * 60
# Characters that make a following number part of something else: 12:30, 5/22, $6, 2.50.
_NOT_BEFORE_TIME = frozenset("0123456789:.$£€,/")


def _minutes_value(grammar: ContactGrammar, text: str | None) -> int | None:
    if not text:
        return 0
    return (grammar.spoken_minutes or {}).get(text, chinese_number(text))


def clock_minutes(hour: int, minute: int, mode: str | None, half: str | None) -> int | None:
    """Minutes after midnight, or None when the text does not say morning or evening.

    `half` is "am", "pm" or "h24" (a 24-hour time: 07:30, 21:15hrs); `mode` is how the day
    part reads the hour (see recognizer_terms.yaml, day_parts).
    """
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    if half == "am":
        hour = 0 if hour == 12 else hour
    elif half == "pm":
        hour = hour if hour == 12 else hour + 12
    elif half == "h24":
        pass
    elif mode == "small_hours":
        hour = 0 if hour == 12 else hour
    elif mode == "afternoon" and 1 <= hour <= 11:
        hour += 12
    elif mode == "evening":
        hour = hour + 12 if 6 <= hour <= 11 else (0 if hour == 12 else hour)
    elif mode == "noon" and 1 <= hour <= 3:
        hour += 12
    elif mode is None and 1 <= hour <= 12:
        return None  # could be either half of the day
    if hour > 24 or hour < 0 or hour > 12 and half == "am":
        return None
    return (hour * 60 + minute) % _MINUTES_IN_DAY


@lru_cache(maxsize=64)
def _window(start: str, end: str) -> tuple[int, int]:
    def minutes(value: str) -> int:
        hours, _, mins = value.partition(":")
        return int(hours) * 60 + int(mins or 0)
    return minutes(start), minutes(end)


def allowed_window(policy: dict[str, Any]) -> tuple[int, int]:
    hours = policy.get("allowed_hours") or {}
    return _window(str(hours.get("start") or "08:00"), str(hours.get("end") or "21:00"))


def find_contact_times(text: str, context: RecognizerContext) -> list[Span]:
    grammar: ContactGrammar = context.grammar
    spoken = list(grammar.spoken.finditer(text)) if grammar.spoken is not None and all(
        contains_any(text, gate) for gate in grammar.spoken_gates) else []
    if not spoken and grammar.time_hint.search(text) is None:
        return []
    start, end = allowed_window(context.policy)
    spans = []
    for match in spoken:
        found = _spoken_time(grammar, text, match)
        if found is not None and (found[2] < start or found[2] > end):
            spans.append(found[:2])
    parts_present: bool | None = None
    for pattern in grammar.times:
        for match in pattern.finditer(text):
            begin, finish = match.span()
            if grammar.clock_needs_mark:
                # Most English candidates are dates, amounts and reference numbers: rule them
                # out before reading the match.
                if begin and text[begin - 1] in _NOT_BEFORE_TIME:
                    continue
                if finish - begin <= 2:  # a bare number: a time only after `tonight at`
                    if parts_present is None:
                        parts_present = contains_any(text, grammar.part_words)
                    if not parts_present:
                        continue
            if spoken and any(m.start() < finish and begin < m.end() for m in spoken):
                continue  # `half past 6 in the morning` is read once, in words
            found = _clock_time(grammar, text, match)
            if found is not None and (found[2] < start or found[2] > end):
                spans.append(found[:2])
    return spans


def _clock_time(grammar: ContactGrammar, text: str,
                match: re.Match[str]) -> tuple[int, int, int] | None:
    """(start, end, minutes after midnight) of a clock time in digits, or None."""
    groups = match.groupdict()
    hour = grammar.number(groups["h"])
    minute = _minutes_value(grammar, groups.get("m") or groups.get("m4"))
    if hour is None or minute is None:
        return None
    if grammar.not_time_after is not None and grammar.not_time_after.match(text, match.end()):
        return None  # 两点五万 is an amount
    half = grammar.meridiem.get(groups.get("mer") or "")
    if "sep" in groups and groups["sep"] != ":" and not groups["m4"]:
        if half == "h24":
            return None  # `for 5 hours` is a duration; 21:15hrs and 2115hrs are times
        # English: `at 22` or `5/22` is no time, and `23.50` is an amount, unless the text
        # says am/pm or which part of the day (10 at night, 6.30am, tonight at 10).
        if half is None and not groups["part"] and (
                not any(word in text for word in grammar.part_words)
                or _day_part_before(grammar, text, match.start()) is None):
            return None
    if half is None and len(groups["h"]) == 2 and groups["h"].startswith("0"):
        half = "h24"  # 07:30 is written on a 24-hour clock
    return _reading(grammar, text, match, hour, minute, half)


def _spoken_time(grammar: ContactGrammar, text: str,
                 match: re.Match[str]) -> tuple[int, int, int] | None:
    """(start, end, minutes after midnight) of a clock time in words, or None."""
    groups = match.groupdict()
    minute = 0
    if groups["rel"]:
        hour = grammar.number(groups["sh"])
        minute = (grammar.spoken_minutes or {}).get(groups["sm"]) or grammar.number(
            groups["sm"]) or 0
        if hour is not None and (grammar.relative or {}).get(groups["rel"], 1) < 0:
            hour, minute = (hour - 1) or 12, 60 - minute
    elif groups["hh"]:
        hour, minute = grammar.number(groups["hh"]), 30
    elif groups["oh"]:
        hour = grammar.number(groups["oh"])
    else:
        hour, minute = grammar.number(groups["ch"]), grammar.number(groups["cm"]) or 0
    if hour is None or not (1 <= hour <= 12 and 0 <= minute < 60):
        return None
    half = grammar.meridiem.get(groups.get("mer") or "")
    return _reading(grammar, text, match, hour, minute, half)


def _reading(grammar: ContactGrammar, text: str, match: re.Match[str], hour: int, minute: int,
             half: str | None) -> tuple[int, int, int] | None:
    """Apply the day part (after the time, or before it) and am/pm; the span includes the
    day part, since it is what makes the time late (晚上十一点半, not only 十一点半)."""
    begin = match.start()
    part = match.groupdict().get("part") or ""
    if not part and half is None:
        found = _day_part_before(grammar, text, begin)
        if found is not None:
            part, begin = found
    value = clock_minutes(hour, minute, grammar.day_part_modes.get(part), half)
    return None if value is None else (begin, match.end(), value)


def _day_part_before(grammar: ContactGrammar, text: str, start: int) -> tuple[str, int] | None:
    """The day-part word written just before a clock time, and where it starts."""
    if grammar.part_before is None:
        return None
    offset = max(0, start - grammar.part_window)
    found = grammar.part_before.search(text, offset, start)
    if found is None:
        return None
    return found.group("part"), found.start("part")


def _bounds(pattern: re.Pattern[str], text: str, start: int, end: int) -> tuple[int, int]:
    left = max((m.end() for m in pattern.finditer(text, 0, start)), default=0)
    right_match = pattern.search(text, end)
    return left, right_match.start() if right_match else len(text)


def attempt_cap(policy: dict[str, Any], days: int) -> int | None:
    """The most contacts allowed in `days` days under `policy`: the daily cap for each day and
    the 7-day cap for each 7 days begun, whichever is lower."""
    per_day, per_week = policy.get("max_attempts_per_day"), policy.get("max_attempts_per_7_days")
    caps = []
    if per_day is not None:
        caps.append(per_day * days)
    if per_week is not None:
        caps.append(per_week * -(-days // 7))
    return min(caps) if caps else None


def _period_days(grammar: ContactGrammar, text: str, left: int, right: int) -> int | None:
    """How many days the count in text[left:right] (a sentence) is measured over, or None."""
    if grammar.day_period.search(text, left, right):
        return 1
    if grammar.day_span is not None and grammar.span_units:
        for span in grammar.day_span.finditer(text, left, right):
            if span.group("b") or span.group("a"):
                days = grammar.number(span.group("d"))
                if days:
                    return days * grammar.span_units.get(span.group("u"), 1)
    if grammar.week_period.search(text, left, right):
        return 7
    return None


def _continues_word(grammar: ContactGrammar, char: str) -> bool:
    """A count cannot start right after a digit, `:` or `.` (or a letter, in English)."""
    return char.isdigit() or char in ":." or (grammar.clock_needs_mark and char.isalpha())


def find_contact_counts(text: str, context: RecognizerContext) -> list[Span]:
    grammar: ContactGrammar = context.grammar
    words, pattern = grammar.count_hints
    if not contains_any(text, words) and pattern.search(text) is None:
        return []
    spans = []
    for match in grammar.count.finditer(text):
        begin = match.start()
        if begin and _continues_word(grammar, text[begin - 1]):
            continue  # 19:30回拨, a12 calls: part of something else
        count = grammar.number(match.group("n"))
        if count is None:
            continue
        count += (grammar.approximate or {}).get(match.group("approx") or "", 0)
        left, right = _bounds(_SENTENCE_END, text, match.start(), match.end())
        days = _period_days(grammar, text, left, right)
        if days is None:
            # No period: a day's count in languages whose notes record one day's work, when a
            # contact verb is in the same clause; never an ordinal (第5次跟进) or a longer period.
            if (grammar.undated_days is None
                    or any(text.endswith(o, 0, begin) for o in grammar.ordinals)
                    or (grammar.longer_period is not None
                        and grammar.longer_period.search(text, left, right))):
                continue
            clause_left, clause_right = _bounds(_CLAUSE_END, text, match.start(), match.end())
            if not grammar.contact_verb.search(text, clause_left, clause_right):
                continue
            days = grammar.undated_days
        elif (match.group("unit") not in grammar.contact_units
              and not grammar.contact_verb.search(text, left, right)):
            continue
        cap = attempt_cap(context.policy, days)
        if cap is not None and count > cap:
            spans.append(match.span())
    return spans
