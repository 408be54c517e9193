"""contact_time and contact_count: the text side of harassment.time / harassment.frequency.

Both read their vocabulary from compliance_rules/common/recognizer_terms.yaml and their limits
from the jurisdiction's contact_policy.yaml, so an officer can change either without code.
A time without a part of the day that could be morning or evening (`7:30`, `6点50`) is left
alone: guessing would accuse collectors of calls they made at a lawful hour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.compliance.recognizer_types import RecognizerContext, Span

TERMS_FILE = Path("common") / "recognizer_terms.yaml"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_NUMBER = "[零〇一二两三四五六七八九十]{1,3}"
_SENTENCE_END = re.compile(r"[。!?;\n]|\.(?:\s|$)")
_MINUTES_IN_DAY = 24 * 60


def chinese_number(text: str) -> int | None:
    """Read 0-99 written in digits or Chinese numerals (十五, 二十一, 两)."""
    if text.isdigit():
        return int(text)
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


def _alternation(phrases: list[str], *, words: bool) -> str:
    """A regex alternation, longest first; English alternatives match whole words only."""
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    body = "|".join(re.escape(p) for p in ordered) or r"(?!x)x"
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
    longest_part: int = 0
    # Cheap tests that rule a note out before the full patterns run (most notes).
    time_hint: re.Pattern[str] = re.compile(r"\d")
    count_hint: re.Pattern[str] = re.compile(r"\d")

    def number(self, text: str) -> int | None:
        return self.number_words.get(text) if text in self.number_words else chinese_number(text)


def load_terms(rules_dir: Path) -> dict[str, Any]:
    path = Path(rules_dir) / TERMS_FILE
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def build_grammar(terms: dict[str, Any], lang: str) -> ContactGrammar:
    """Compile the recognisers' patterns for `lang` from the terms file."""
    words = lang == "en"
    parts = terms.get("day_parts", {}).get(lang, {})
    modes = {phrase: mode for mode, phrases in parts.items() for phrase in phrases or []}
    part = _alternation(list(modes), words=words)
    meridiem = {marker: half for half, markers in terms.get("meridiem", {}).items()
                for marker in markers}
    number_words = {k: int(v) for k, v in terms.get("number_words", {}).get(lang, {}).items()}
    units = terms.get("count_units", {}).get(lang, {})
    contact_units = frozenset(units.get("contact", []))
    unit = _alternation(list(contact_units) + list(units.get("repeat", [])), words=words)
    ordinal = _alternation(terms.get("ordinal_prefix", {}).get(lang, []), words=False)
    periods = terms.get("periods", {}).get(lang, {})
    verbs = terms.get("contact_verbs", {}).get(lang, [])
    if lang == "zh":
        # The part of the day is looked up just before the match (see _day_part): a regex
        # that starts with an alternation of day-part words is tried at every position.
        times = (
            re.compile(rf"(?P<h>\d{{1,2}}|{_CN_NUMBER})\s*(?:点钟?|时)"
                       rf"(?:\s*(?P<m>\d{{1,2}}|{_CN_NUMBER}|半|一刻|三刻)\s*分?)?"),
            re.compile(r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})(?![\d:])"),
        )
        number = rf"(?<!\d)(?P<n>\d{{1,3}}|{_CN_NUMBER})"
        count = re.compile(rf"(?P<ord>{ordinal})?{number}\s*(?P<unit>{unit})")
    else:
        marker = _alternation(list(meridiem), words=False)
        times = (re.compile(
            rf"(?<![\d:.$£€,])(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?(?![\d:])"
            rf"(?:\s*(?P<mer>{marker})(?![a-z]))?(?:\s+(?P<part>{part}))?"),)
        spoken = "|".join(sorted(number_words, key=len, reverse=True)) or r"(?!x)x"
        count = re.compile(rf"(?<![\w.])(?P<n>\d{{1,3}}|{spoken})\s+(?P<unit>{unit})")
    return ContactGrammar(
        lang=lang, times=times, day_part_modes=modes, meridiem=meridiem, count=count,
        contact_units=contact_units,
        day_period=re.compile(_alternation(periods.get("day", []), words=words)),
        week_period=re.compile(_alternation(periods.get("week", []), words=words)),
        contact_verb=re.compile(_alternation(verbs, words=False)),
        number_words=number_words,
        time_hint=re.compile(r"[点时:]" if lang == "zh" else r"\d"),
        count_hint=re.compile(unit),
        longest_part=max(map(len, modes), default=0))


def _minutes_value(text: str | None) -> int | None:
    if not text:
        return 0
    return {"半": 30, "一刻": 15, "三刻": 45}.get(text, chinese_number(text))


def clock_minutes(hour: int, minute: int, mode: str | None, half: str | None) -> int | None:
    """Minutes after midnight, or None when the text does not say morning or evening."""
    if not (0 <= hour <= 24 and 0 <= minute < 60):
        return None
    if half == "am":
        hour = 0 if hour == 12 else hour
    elif half == "pm":
        hour = hour if hour == 12 else hour + 12
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


def _hhmm(value: Any, default: str) -> int:
    hours, _, minutes = str(value or default).partition(":")
    return int(hours) * 60 + int(minutes or 0)


def allowed_window(policy: dict[str, Any]) -> tuple[int, int]:
    hours = policy.get("allowed_hours") or {}
    return _hhmm(hours.get("start"), "08:00"), _hhmm(hours.get("end"), "21:00")


def find_contact_times(text: str, context: RecognizerContext) -> list[Span]:
    grammar: ContactGrammar = context.grammar
    if grammar.time_hint.search(text) is None:
        return []
    start, end = allowed_window(context.policy)
    spans = []
    for pattern in grammar.times:
        for match in pattern.finditer(text):
            hour = grammar.number(match.group("h"))
            minute = _minutes_value(match.groupdict().get("m"))
            if hour is None or minute is None:
                continue
            part = _day_part(grammar, text, match)
            mode = grammar.day_part_modes.get(part)
            half = grammar.meridiem.get(match.groupdict().get("mer") or "")
            value = clock_minutes(hour, minute, mode, half)
            if value is not None and (value < start or value > end):
                # Highlight 晚上十一点半, not only 十一点半: the day part is what makes it late.
                begin = match.start()
                if part and "part" not in match.re.groupindex:
                    begin = text.rfind(part, max(0, begin - grammar.longest_part - 1), begin)
                spans.append((begin, match.end()))
    return spans


def _day_part(grammar: ContactGrammar, text: str, match: re.Match[str]) -> str:
    """The day-part word written right before (zh) or after (en) a clock time, or ""."""
    if "part" in match.re.groupindex:
        return match.group("part") or ""
    before = text[max(0, match.start() - grammar.longest_part - 1):match.start()].rstrip()
    modes = grammar.day_part_modes
    for length in range(min(grammar.longest_part, len(before)), 0, -1):
        if before[-length:] in modes:
            return before[-length:]
    return ""


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right_match = _SENTENCE_END.search(text, end)
    return text[left:right_match.start() if right_match else len(text)]


def attempt_cap(policy: dict[str, Any], period: str) -> int | None:
    """The most contacts allowed in a day or a week under `policy`."""
    per_day, per_week = policy.get("max_attempts_per_day"), policy.get("max_attempts_per_7_days")
    if period == "day":
        return per_day if per_day is not None else per_week
    if per_week is not None:
        return per_week
    return per_day * 7 if per_day is not None else None


def find_contact_counts(text: str, context: RecognizerContext) -> list[Span]:
    grammar: ContactGrammar = context.grammar
    if grammar.count_hint.search(text) is None:
        return []
    spans = []
    for match in grammar.count.finditer(text):
        count = grammar.number(match.group("n"))
        if count is None:
            continue
        sentence = _sentence_around(text, match.start(), match.end())
        if grammar.day_period.search(sentence):
            period = "day"
        elif grammar.week_period.search(sentence):
            period = "week"
        else:
            continue
        if match.group("unit") not in grammar.contact_units and not grammar.contact_verb.search(
                sentence):
            continue
        cap = attempt_cap(context.policy, period)
        if cap is not None and count > cap:
            spans.append(match.span())
    return spans
