"""The script-library linter behind `assistant scripts lint`.

A library that teaches violations is the worst bug we could ship, so besides the schema and
the flow graph every snippet is rendered with a sample case and run through the compliance
checker in every language and jurisdiction it serves; the library must have zero findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from assistant.content.context import sample_context
from assistant.content.graph import graph_problems, reference_problems
from assistant.content.library import Library, Problem, read_library
from assistant.content.render import render_text, undeclared_variables
from assistant.content.schema import LANGUAGES


@dataclass
class LanguageCounts:
    flows: int = 0
    steps: int = 0
    snippets: int = 0


@dataclass
class LintReport:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, LanguageCounts] = field(default_factory=dict)
    snippets_total: int = 0
    checked_texts: int = 0
    checker_version: str = ""

    @property
    def clean(self) -> bool:
        return not self.problems


def count_by_language(library: Library) -> dict[str, LanguageCounts]:
    counts = {lang: LanguageCounts() for lang in LANGUAGES}
    used: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for flow in library.flows.values():
        entry = counts[flow.language]
        entry.flows += 1
        entry.steps += len(flow.steps)
        for step in flow.steps:
            used[flow.language].update(step.snippets + step.alternatives)
    for lang in LANGUAGES:
        counts[lang].snippets = len(used[lang] & set(library.snippets))
    return counts


def template_problems(library: Library) -> list[Problem]:
    """Syntax errors and variables outside the documented case context."""
    problems = []
    for snippet in library.snippets.values():
        path, line = library.place("snippet", snippet.id)
        for lang in LANGUAGES:
            for label, text in (("text", snippet.text), ("tip", snippet.tip)):
                if text is None:
                    continue
                try:
                    unknown = undeclared_variables(text.get(lang))
                except jinja2.TemplateSyntaxError as exc:
                    problems.append(Problem(path, f"{label}.{lang}: template syntax: {exc.message}"
                                            f" (template line {exc.lineno})", line, snippet.id))
                    continue
                for name in sorted(unknown):
                    problems.append(Problem(path, f"{label}.{lang}: undefined variable {name!r}",
                                            line, snippet.id))
    return problems


def policy_problems(library: Library) -> list[Problem]:
    """Exactly one default plan policy, and no product claimed by two policies."""
    problems = []
    defaults = [p.id for p in library.policies.values() if p.default]
    if len(defaults) != 1:
        problems.append(Problem("policies", f"need exactly one policy with default: true, "
                                f"found {len(defaults)} ({', '.join(defaults) or 'none'})"))
    owners: dict[str, str] = {}
    for policy in library.policies.values():
        path, line = library.place("policy", policy.id)
        for product in policy.products:
            key = product.casefold()
            if key in owners:
                problems.append(Problem(path, f"product {product!r} is already covered by "
                                        f"policy {owners[key]!r}", line, policy.id))
            owners[key] = policy.id
    return problems


def _rendered_texts(library: Library, problems: list[Problem]) -> Iterator[dict[str, Any]]:
    """Each snippet's text rendered with the sample case, once per language x jurisdiction."""
    contexts = {lang: sample_context(lang) for lang in LANGUAGES}
    for snippet in library.snippets.values():
        path, line = library.place("snippet", snippet.id)
        for lang in LANGUAGES:
            try:
                text = render_text(snippet.text.get(lang), contexts[lang])
            except jinja2.TemplateError as exc:
                problems.append(Problem(path, f"text.{lang}: does not render: {exc}", line,
                                        snippet.id))
                continue
            for jurisdiction in snippet.jurisdictions:
                yield {"text": text, "lang": lang, "jurisdiction": jurisdiction,
                       "snippet": snippet.id, "path": path, "line": line}


def compliance_problems(library: Library, rules_dir: Path,
                        progress: Callable[[int], None] | None = None) -> tuple[list[Problem],
                                                                                  int, str]:
    """Findings of the compliance checker on every rendered snippet."""
    problems: list[Problem] = []
    try:
        from assistant.compliance.checker import get_checker
    except ImportError as exc:
        return [Problem("compliance", f"the compliance checker is not available ({exc}); "
                        "snippets could not be checked")], 0, ""
    checker = get_checker(rules_dir)
    items = list(_rendered_texts(library, problems))
    requests = ({"text": i["text"], "lang": i["lang"], "jurisdiction": i["jurisdiction"]}
                for i in items)
    for done, (item, findings) in enumerate(zip(items, checker.check_many(requests), strict=True),
                                            start=1):
        for finding in findings:
            problems.append(Problem(
                item["path"], f"{item['lang']}/{item['jurisdiction']}: {finding.severity} "
                f"{finding.category} ({finding.rule_id}) on {finding.text!r}", item["line"],
                item["snippet"]))
        if progress:
            progress(done)
    return problems, len(items), str(getattr(checker, "version", ""))


def lint_library(scripts_dir: Path, rules_dir: Path,
                 progress: Callable[[int], None] | None = None) -> LintReport:
    library, problems = read_library(scripts_dir)
    problems += reference_problems(library)
    problems += graph_problems(library)
    problems += template_problems(library)
    problems += policy_problems(library)
    found, checked, version = compliance_problems(library, rules_dir, progress)
    problems += found
    return LintReport(problems=problems, counts=count_by_language(library),
                      snippets_total=len(library.snippets), checked_texts=checked,
                      checker_version=version)
