"""The contact policy: may a collector call or visit this borrower now?

Reads structured facts, not words: the case's flags (cease contact, represented by a lawyer,
prefers written contact), the borrower's local time (the case's IANA time zone, so daylight
saving is handled by zoneinfo), the attempt history and the channel. The answer is allow,
warn (the collector must acknowledge it) or block (nobody can bypass it), with reasons that
carry a code, a zh and an en message and the regulation cited.

Parameters live in compliance_rules/<jurisdiction>/contact_policy.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.content.yamlload import load_yaml, locate
from assistant.errors import ContentError, InvalidInput

POLICY_FILE = "contact_policy.yaml"
Level = Literal["block", "warn"]
Channel = Literal["call", "visit"]
ReasonCode = Literal[
    "cease_contact", "has_lawyer", "prefers_written", "outside_hours", "near_end_of_hours",
    "daily_cap_reached", "daily_cap_last", "weekly_cap_reached", "weekly_cap_last",
    "recent_conversation", "visit_staff",
]
REASON_CODES: tuple[str, ...] = ReasonCode.__args__  # type: ignore[attr-defined]
# Warn when less than this is left of the allowed window: a call may run past its end.
CLOSING_MARGIN = timedelta(minutes=30)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Hours(Strict):
    start: time
    end: time

    @field_validator("start", "end", mode="before")
    @classmethod
    def _parse_hhmm(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return time.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(f"{value!r} is not a time like 08:00") from exc
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Hours:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class VisitRules(Strict):
    min_staff: int = Field(ge=1)
    daytime_only: bool = True
    id_badge: bool = True


class Citation(Strict):
    source: str = Field(min_length=1)
    section: str = ""
    verified: Literal["V", "S", "U"] = "U"

    def __str__(self) -> str:
        text = f"{self.source} {self.section}".strip()
        return text if self.verified == "V" else f"{text} [{self.verified}]"


class Message(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class ContactPolicy(Strict):
    """One jurisdiction's contact-policy parameters."""

    jurisdiction: Literal["cn", "us", "uk"]
    allowed_hours: Hours
    widest_allowed_hours: Hours
    max_attempts_per_day: int | None = Field(default=None, ge=1)
    max_attempts_per_7_days: int | None = Field(default=None, ge=1)
    quiet_days_after_conversation: int = Field(default=0, ge=0, le=30)
    cease_contact: Level
    has_lawyer: Level
    prefers_written: Level
    visit: VisitRules
    citations: dict[Literal["hours", "frequency", "cease", "lawyer", "visit"], Citation]
    messages: dict[ReasonCode, Message]

    @model_validator(mode="after")
    def _consistent(self) -> ContactPolicy:
        wide, hours = self.widest_allowed_hours, self.allowed_hours
        if hours.start < wide.start or hours.end > wide.end:
            raise ValueError("allowed_hours is wider than widest_allowed_hours")
        missing = sorted(set(REASON_CODES) - set(self.messages))
        if missing:
            raise ValueError(f"messages: missing {', '.join(missing)}")
        for needed in ("hours", "frequency", "cease", "visit"):
            if needed not in self.citations:
                raise ValueError(f"citations: missing {needed}")
        return self

    def citation(self, topic: str) -> str:
        chosen = self.citations.get(topic) or self.citations["cease"]  # type: ignore[call-overload]
        return str(chosen)


@dataclass(frozen=True)
class Attempt:
    """A past contact attempt: when (aware), how, and whether we spoke to the borrower."""

    at: datetime
    channel: str = "call"
    conversation: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    level: Level
    message: dict[str, str]
    citation: str

    def to_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "message": self.message,
                "citation": self.citation}


@dataclass
class Decision:
    verdict: Literal["allow", "warn", "block"]
    local_time: datetime
    reasons: list[Reason] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.verdict == "block"

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "local_time": self.local_time.isoformat(),
                "reasons": [reason.to_dict() for reason in self.reasons]}


@lru_cache(maxsize=16)
def _load_cached(path: Path, mtime_ns: int) -> ContactPolicy:
    data = load_yaml(path)
    try:
        return ContactPolicy.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        line, _ = locate(data, loc)
        field_path = ".".join(str(part) for part in loc) or "(file)"
        raise ContentError(path, f"{field_path}: {error['msg']}", line=line) from exc


def load_policy(rules_dir: Path, jurisdiction: str) -> ContactPolicy:
    """The validated policy of a jurisdiction (re-read when the file changes)."""
    path = Path(rules_dir) / jurisdiction / POLICY_FILE
    if not path.exists():
        raise ContentError(path, f"no contact policy for jurisdiction {jurisdiction!r}")
    return _load_cached(path, path.stat().st_mtime_ns)


def borrower_zone(timezone: str) -> ZoneInfo:
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"case timezone {timezone!r} is not an IANA time zone") from exc


def evaluate(policy: ContactPolicy, *, now: datetime, timezone: str, channel: Channel,
             attempts: Iterable[Attempt] = (), cease_contact: bool = False,
             has_lawyer: bool = False, prefers_written: bool = False,
             staff_count: int = 1) -> Decision:
    """Decide allow / warn / block for a contact attempt made at `now` (timezone-aware)."""
    if now.tzinfo is None:
        raise InvalidInput("now must be timezone-aware")
    local = now.astimezone(borrower_zone(timezone))
    reasons: list[Reason] = []

    def add(code: str, level: Level, topic: str, **values: object) -> None:
        message = policy.messages[code]  # type: ignore[index]
        reasons.append(Reason(code, level, {"zh": message.zh.format(**values),
                                            "en": message.en.format(**values)},
                              policy.citation(topic)))

    if cease_contact:
        add("cease_contact", policy.cease_contact, "cease")
    if has_lawyer:
        add("has_lawyer", policy.has_lawyer, "lawyer")
    if prefers_written:
        add("prefers_written", policy.prefers_written, "cease")
    _check_hours(policy, local, add)
    _check_frequency(policy, now, local, channel, list(attempts), add)
    if channel == "visit" and staff_count < policy.visit.min_staff:
        add("visit_staff", "block", "visit", staff=staff_count, min_staff=policy.visit.min_staff)
    verdict = ("block" if any(r.level == "block" for r in reasons)
               else "warn" if reasons else "allow")
    return Decision(verdict, local, reasons)


def _check_hours(policy: ContactPolicy, local: datetime, add) -> None:
    hours = policy.allowed_hours
    values = {"local_time": local.strftime("%H:%M"), "start": hours.start.strftime("%H:%M"),
              "end": hours.end.strftime("%H:%M")}
    now_t = local.timetz().replace(tzinfo=None)
    if now_t < hours.start or now_t >= hours.end:
        add("outside_hours", "block", "hours", **values)
        return
    # Compare on the local calendar day so the margin is right on DST change days too.
    end_today = datetime.combine(local.date(), hours.end, tzinfo=local.tzinfo)
    if end_today - local <= CLOSING_MARGIN:
        add("near_end_of_hours", "warn", "hours", **values)


def _check_frequency(policy: ContactPolicy, now: datetime, local: datetime, channel: str,
                     attempts: list[Attempt], add) -> None:
    zone = local.tzinfo
    today = [a for a in attempts if a.at.astimezone(zone).date() == local.date() and a.at <= now]
    if policy.max_attempts_per_day is not None:
        cap = policy.max_attempts_per_day
        if len(today) >= cap:
            add("daily_cap_reached", "block", "frequency", count=len(today), cap=cap)
        elif len(today) == cap - 1:
            add("daily_cap_last", "warn", "frequency", count=len(today), cap=cap)
    week = [a for a in attempts if now - timedelta(days=7) < a.at <= now]
    if policy.max_attempts_per_7_days is not None:
        cap = policy.max_attempts_per_7_days
        if len(week) >= cap:
            add("weekly_cap_reached", "block", "frequency", count=len(week), cap=cap)
        elif len(week) == cap - 1:
            add("weekly_cap_last", "warn", "frequency", count=len(week), cap=cap)
    if policy.quiet_days_after_conversation:
        days = policy.quiet_days_after_conversation
        talks = [a.at for a in attempts if a.conversation and now - timedelta(days=days) < a.at <= now]
        if talks:
            last = max(talks).astimezone(zone)
            # The rule is about calls; a visit soon after a conversation is flagged for review.
            level: Level = "block" if channel == "call" else "warn"
            add("recent_conversation", level, "frequency", days=days,
                last=last.strftime("%Y-%m-%d %H:%M"))


def utc(dt: datetime) -> datetime:
    """Attempts stored by SQLite come back naive; they are UTC."""
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
