"""Contact policy: hours in the borrower's local time (across DST), caps, flags, visits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.compliance.contact_policy import Attempt, evaluate, load_policy
from assistant.config import PROJECT_ROOT
from assistant.errors import ContentError, InvalidInput

RULES = PROJECT_ROOT / "compliance_rules"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def codes(decision) -> set[str]:
    return {reason.code for reason in decision.reasons}


@pytest.mark.parametrize("jurisdiction", ["cn", "us", "uk"])
def test_shipped_policies_are_valid(jurisdiction):
    policy = load_policy(RULES, jurisdiction)
    assert policy.jurisdiction == jurisdiction
    assert policy.visit.min_staff == 2


@pytest.mark.parametrize(
    "jurisdiction, timezone, now_utc, verdict, local",
    [
        # China has no DST: 08:00 local is 00:00 UTC all year.
        ("cn", "Asia/Shanghai", "2026-11-23T23:59", "block", "07:59"),
        ("cn", "Asia/Shanghai", "2026-11-24T00:00", "allow", "08:00"),
        ("cn", "Asia/Shanghai", "2026-11-23T12:29", "allow", "20:29"),
        ("cn", "Asia/Shanghai", "2026-11-23T12:59", "warn", "20:59"),
        ("cn", "Asia/Shanghai", "2026-11-23T13:00", "block", "21:00"),
        ("cn", "Asia/Urumqi", "2026-11-24T01:30", "block", "07:30"),  # UTC+6 in Xinjiang
        # New York: the same UTC instant is 07:30 before and 08:30 after spring-forward (8 Mar).
        ("us", "America/New_York", "2026-03-07T12:30", "block", "07:30"),
        ("us", "America/New_York", "2026-03-09T12:30", "allow", "08:30"),
        # ...and 21:30 EDT before fall-back (1 Nov), 20:30 EST after.
        ("us", "America/New_York", "2026-10-31T01:30", "block", "21:30"),
        ("us", "America/New_York", "2026-11-03T01:30", "warn", "20:30"),
        ("us", "America/Los_Angeles", "2026-11-23T16:30", "allow", "08:30"),
        ("us", "America/Phoenix", "2026-07-01T15:30", "allow", "08:30"),  # Arizona: no DST
        # London: GMT in winter, BST from 29 Mar 2026.
        ("uk", "Europe/London", "2026-03-28T07:30", "block", "07:30"),
        ("uk", "Europe/London", "2026-03-30T07:30", "allow", "08:30"),
        ("uk", "Europe/London", "2026-10-24T20:15", "block", "21:15"),
        ("uk", "Europe/London", "2026-10-26T20:45", "warn", "20:45"),
    ],
)
def test_allowed_hours_follow_the_borrowers_local_time(jurisdiction, timezone, now_utc,
                                                       verdict, local):
    decision = evaluate(load_policy(RULES, jurisdiction), now=at(now_utc), timezone=timezone,
                        channel="call")
    assert decision.local_time.strftime("%H:%M") == local
    assert decision.verdict == verdict
    if verdict == "block":
        assert codes(decision) == {"outside_hours"}
    if verdict == "warn":
        assert codes(decision) == {"near_end_of_hours"}


def test_outside_hours_reason_has_both_languages_and_a_citation():
    decision = evaluate(load_policy(RULES, "us"), now=at("2026-11-24T05:00"),
                        timezone="America/Chicago", channel="call")
    (reason,) = decision.reasons
    assert "23:00" in reason.message["en"] and "23:00" in reason.message["zh"]
    assert "1692c(a)(1)" in reason.citation


@pytest.mark.parametrize(
    "flag, code",
    [("cease_contact", "cease_contact"), ("has_lawyer", "has_lawyer")],
)
@pytest.mark.parametrize("jurisdiction", ["cn", "us", "uk"])
def test_cease_and_lawyer_flags_block_every_channel(jurisdiction, flag, code):
    for channel in ("call", "visit"):
        decision = evaluate(load_policy(RULES, jurisdiction), now=at("2026-11-23T15:00"),
                            timezone="Europe/London", channel=channel, staff_count=2,
                            **{flag: True})
        assert decision.verdict == "block"
        assert code in codes(decision)


def test_written_preference_warns_but_does_not_block():
    decision = evaluate(load_policy(RULES, "cn"), now=at("2026-11-23T03:00"),
                        timezone="Asia/Shanghai", channel="call", prefers_written=True)
    assert decision.verdict == "warn"
    assert codes(decision) == {"prefers_written"}


@pytest.mark.parametrize(
    "earlier_today, verdict, code",
    [(0, "allow", None), (1, "allow", None), (2, "warn", "daily_cap_last"),
     (3, "block", "daily_cap_reached"), (5, "block", "daily_cap_reached")],
)
def test_daily_cap_counts_attempts_of_the_local_day(earlier_today, verdict, code):
    now = at("2026-11-23T06:00")  # 14:00 in Shanghai
    attempts = [Attempt(now - timedelta(hours=n + 1)) for n in range(earlier_today)]
    decision = evaluate(load_policy(RULES, "cn"), now=now, timezone="Asia/Shanghai",
                        channel="call", attempts=attempts)
    assert decision.verdict == verdict
    assert (code in codes(decision)) if code else not decision.reasons


def test_daily_cap_day_boundary_is_local_midnight_not_utc():
    # 10:00 in Los Angeles; attempts at 23:00-23:50 the previous LOCAL evening are the same
    # UTC date but do not count for today.
    now = at("2026-11-23T18:00")
    yesterday_evening = [Attempt(at("2026-11-23T07:00") + timedelta(minutes=10 * n))
                         for n in range(5)]
    policy = load_policy(RULES, "uk")  # uk caps attempts per day
    decision = evaluate(policy, now=now, timezone="America/Los_Angeles", channel="call",
                        attempts=yesterday_evening)
    assert decision.verdict == "allow"
    same_zone_morning = evaluate(policy, now=now, timezone="UTC", channel="call",
                                 attempts=yesterday_evening)
    assert "daily_cap_reached" in codes(same_zone_morning)


@pytest.mark.parametrize(
    "calls_in_window, verdict, code",
    [(5, "allow", None), (6, "warn", "weekly_cap_last"), (7, "block", "weekly_cap_reached")],
)
def test_us_seven_calls_in_seven_days(calls_in_window, verdict, code):
    now = at("2026-11-23T17:00")  # 12:00 in New York
    attempts = [Attempt(now - timedelta(days=n % 6, hours=1 + n)) for n in range(calls_in_window)]
    attempts.append(Attempt(now - timedelta(days=7, minutes=1)))  # just outside the window
    decision = evaluate(load_policy(RULES, "us"), now=now, timezone="America/New_York",
                        channel="call", attempts=attempts)
    assert decision.verdict == verdict
    assert (code in codes(decision)) if code else not decision.reasons


@pytest.mark.parametrize(
    "days_ago, channel, verdict",
    [(6.9, "call", "block"), (7.1, "call", "allow"), (2, "visit", "warn")],
)
def test_us_no_call_within_seven_days_after_a_conversation(days_ago, channel, verdict):
    now = at("2026-11-23T17:00")
    attempts = [Attempt(now - timedelta(days=days_ago), conversation=True)]
    decision = evaluate(load_policy(RULES, "us"), now=now, timezone="America/New_York",
                        channel=channel, attempts=attempts, staff_count=2)
    assert decision.verdict == verdict


@pytest.mark.parametrize("staff, verdict", [(1, "block"), (2, "allow"), (3, "allow")])
@pytest.mark.parametrize("jurisdiction", ["cn", "us", "uk"])
def test_visits_need_two_staff(jurisdiction, staff, verdict):
    decision = evaluate(load_policy(RULES, jurisdiction), now=at("2026-06-10T14:00"),
                        timezone="Europe/London", channel="visit", staff_count=staff)
    assert decision.verdict == verdict


def test_night_visit_is_blocked():
    decision = evaluate(load_policy(RULES, "cn"), now=at("2026-06-10T14:00"),
                        timezone="Asia/Shanghai", channel="visit", staff_count=2)
    assert decision.verdict == "block" and codes(decision) == {"outside_hours"}


def test_unknown_timezone_is_a_clear_input_error():
    with pytest.raises(InvalidInput, match="Mars/Olympus"):
        evaluate(load_policy(RULES, "cn"), now=at("2026-06-10T04:00"), timezone="Mars/Olympus",
                 channel="call")


def test_invalid_policy_file_names_file_line_and_field(tmp_path: Path):
    folder = tmp_path / "cn"
    folder.mkdir()
    text = (RULES / "cn" / "contact_policy.yaml").read_text(encoding="utf-8")
    (folder / "contact_policy.yaml").write_text(
        text.replace('allowed_hours: {start: "08:00", end: "21:00"}',
                     'allowed_hours: {start: "08:00", end: "23:30"}'), encoding="utf-8")
    with pytest.raises(ContentError, match=r"contact_policy.yaml:\d+.*wider than widest"):
        load_policy(tmp_path, "cn")
