"""Test helpers for the guidance area."""

from __future__ import annotations

from datetime import UTC, datetime


def midday_zone(now: datetime | None = None) -> str:
    """A real IANA zone (Etc/GMT±N) in which it is around noon right now.

    Route and browser tests run against the real clock; giving the case this time zone keeps
    the contact policy's allowed hours satisfied whenever the suite runs.
    """
    hour = (now or datetime.now(UTC)).hour
    offset = 12 - hour  # hours east of UTC
    offset = max(-12, min(14, offset))
    if offset == 0:
        return "Etc/GMT"
    # Etc/GMT names count the other way round: Etc/GMT-8 is UTC+8.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
