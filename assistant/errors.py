"""Errors the core raises on purpose; each message says what went wrong and where."""

from __future__ import annotations

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
