"""Errors the core raises on purpose; each message says what went wrong and where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class AssistantError(Exception):
    """Base for errors the core raises on purpose."""


class NotFound(AssistantError):
    """The object does not exist, or the user may not see it."""


class PermissionDenied(AssistantError):
    """The user is known but their role does not allow this."""


class InvalidInput(AssistantError):
    """Input failed validation; the message names the field or place."""


class ContentError(AssistantError):
    """A data file (rule pack, script library) is invalid."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None,
                 item: str | None = None):
        where = f"{path}:{line}" if line else str(path)
        if item:
            where += f" {item}"
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.item, self.problem = str(path), line, item, problem


class RulePackError(ContentError):
    """A compliance rule pack is invalid."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, printed as `cn/threats.yaml:12 cn.x.y: problem`."""

    path: str
    problem: str
    line: int | None = None
    item: str | None = None
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where} {self.item}: {self.problem}" if self.item else f"{where}: {self.problem}"


def raise_for(problems: Sequence[Problem]) -> None:
    """Raise a ContentError naming the first problem (and how many more), if there are any."""
    if not problems:
        return
    first = problems[0]
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    raise ContentError(first.path, first.problem + more, line=first.line, item=first.item)
