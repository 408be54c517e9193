"""What every recogniser takes and returns (see recognizers.py for the registry)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
