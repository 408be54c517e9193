"""What every recogniser takes and returns (see recognizers.py for the registry), and the
schema of the contact recognisers' vocabulary file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Span = tuple[int, int]  # half-open character span of the normalised text


@dataclass(frozen=True)
class RecognizerContext:
    """What a recogniser may read besides the text."""

    lang: str
    jurisdiction: str
    policy: dict[str, Any] = field(default_factory=dict)
    grammar: Any = None  # the contact grammar of `lang` (see contact_recognizers)


@dataclass(frozen=True)
class Recognizer:
    name: str
    finds: str  # one line for compliance_rules/README.md and `rules lint`
    find: Callable[[str, RecognizerContext], list[Span]]
    needs_digits: bool = True  # skip the text at once when it has no digit
    # A cheap search that any text with a candidate matches (a run of digits of the least
    # length a candidate has): most notes are ruled out without the full pattern.
    screen: re.Pattern[str] | None = None

    def spans(self, text: str, context: RecognizerContext) -> list[Span]:
        if self.screen is not None and self.screen.search(text) is None:
            return []
        return self.find(text, context)


# -- the vocabulary file (compliance_rules/common/recognizer_terms.yaml) ---------------------
# Published as schema/recognizer-terms.schema.json by `assistant rules schema`; checked by
# `assistant rules lint`. Every list is a list of phrases in normalised form.
class _Terms(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayParts(_Terms):
    """Day-part words by how they read the hour (see the comments in the terms file)."""

    keep: list[str] = []
    small_hours: list[str] = []
    afternoon: list[str] = []
    evening: list[str] = []
    noon: list[str] = []


class Meridiem(_Terms):
    am: list[str] = []
    pm: list[str] = []
    h24: list[str] = Field(default=[], description="markers of a 24-hour time (21:15hrs)")


class SpokenTimes(_Terms):
    relative: dict[str, Literal[1, -1]] = Field(
        default={}, description="past: 1 (minutes after the hour), to: -1 (before it)")
    minute_words: dict[str, int] = Field(default={}, description="quarter: 15, 半: 30")
    minute_unit: list[str] = []
    half_hour: list[str] = Field(default=[], description="`half six` is 06:30")
    oclock: list[str] = []
    hour_marks: list[str] = Field(default=[], description="点, 时")
    minute_marks: list[str] = Field(default=[], description="分")


class Periods(_Terms):
    day: list[str] = []
    week: list[str] = []
    longer: list[str] = []


class DaySpans(_Terms):
    before: list[str] = []
    after: list[str] = []
    units: dict[str, int] = Field(default={}, description="days per unit: 天: 1, weeks: 7")


class CountUnits(_Terms):
    contact: list[str] = []
    repeat: list[str] = []


Lang = Literal["zh", "en"]


class RecognizerTerms(_Terms):
    """Vocabulary of the contact_time and contact_count recognisers."""

    day_parts: dict[Lang, DayParts] = {}
    time_leads: dict[Lang, list[str]] = {}
    meridiem: Meridiem = Meridiem()
    spoken_times: dict[Lang, SpokenTimes] = {}
    not_time_after: dict[Lang, list[str]] = {}
    periods: dict[Lang, Periods] = {}
    day_spans: dict[Lang, DaySpans] = {}
    undated_counts: dict[Lang, Literal["day", "none"]] = {}
    count_units: dict[Lang, CountUnits] = {}
    approximate: dict[Lang, dict[str, int]] = {}
    contact_verbs: dict[Lang, list[str]] = {}
    ordinal_prefix: dict[Lang, list[str]] = {}
    number_words: dict[Lang, dict[str, int]] = {}
