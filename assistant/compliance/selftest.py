"""Run every rule's own examples through the full checker (`assistant rules test`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assistant.compliance.checker import Checker
from assistant.compliance.language import detect_language
from assistant.compliance.loader import LoadedRule


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    where: str  # file:line of the example
    kind: str  # "flag" (was not flagged) or "pass" (was flagged)
    text: str
    jurisdiction: str
    found: tuple[str, ...]  # rule ids the checker did report

    def __str__(self) -> str:
        what = ("should flag but did not" if self.kind == "flag"
                else "should pass but was flagged")
        others = f" (found: {', '.join(self.found)})" if self.found else ""
        return (f"{self.where} {self.rule_id}: [{self.jurisdiction}] {what}: "
                f"{self.text!r}{others}")


def example_failures(checker: Checker, loaded: LoadedRule) -> Iterator[ExampleFailure]:
    """Examples of one rule that the checker gets wrong, in every jurisdiction of the rule."""
    rule = loaded.rule
    for kind, examples in (("flag", rule.examples.flag), ("pass", rule.examples.pass_)):
        for index, text in enumerate(examples):
            lang = detect_language(text)
            if lang not in loaded.languages:
                lang = loaded.languages[0]
            line = loaded.example_lines.get((kind, index), loaded.line)
            for jurisdiction in loaded.jurisdictions:
                found = tuple(f.rule_id for f in checker.check(text, lang, jurisdiction))
                if (rule.id in found) != (kind == "flag"):
                    yield ExampleFailure(rule.id, f"{loaded.path}:{line}", kind, text,
                                         jurisdiction, found)
