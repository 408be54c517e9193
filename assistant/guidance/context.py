"""The case facts a step is rendered with, and rendering a step into what the collector sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import jinja2

from assistant.content.library import Library
from assistant.content.render import render_text
from assistant.content.schema import Flow, Step
from assistant.errors import ContentError
from assistant.guidance.plans import money
from assistant.models import Case, User


def case_context(case: Case, collector: User, today: date,
                 offer_values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Only the documented variables (assistant.content.context), from this case's facts."""
    facts = case.facts or {}
    context: dict[str, Any] = {
        "borrower_name": case.borrower_name,
        "lender": case.lender,
        "product": case.product,
        "balance": money(Decimal(case.balance)),
        "principal": money(Decimal(case.principal)),
        "currency": case.currency,
        "days_past_due": case.days_past_due,
        "due_date": case.due_date.isoformat() if case.due_date else "",
        "collector_name": collector.display_name,
        "reference": case.reference,
        "reason_for_arrears": str(facts.get("reason_for_arrears", "")),
        "today": today.isoformat(),
        "has_offers": False,
    }
    context.update(offer_values or {})
    return context


@dataclass
class RenderedSnippet:
    id: str
    kind: str
    text: str
    tip: dict[str, str] | None = None


@dataclass
class StepView:
    """A step as the collector sees it: rendered lines, choices and (maybe) offers."""

    id: str
    title: dict[str, str]
    lines: list[RenderedSnippet]
    alternatives: list[RenderedSnippet]
    responses: list[dict[str, Any]]
    checklist: bool = False
    show_offers: bool = False
    end: str | None = None
    offers: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "checklist": self.checklist,
            "show_offers": self.show_offers, "end": self.end, "offers": self.offers,
            "lines": [vars(line) for line in self.lines],
            "alternatives": [vars(line) for line in self.alternatives],
            "responses": self.responses,
        }


def _render_snippets(library: Library, ids: list[str], lang: str, jurisdiction: str,
                     context: dict[str, Any], offered_kinds: set[str]) -> list[RenderedSnippet]:
    rendered = []
    for snippet_id in ids:
        snippet = library.snippets[snippet_id]
        if jurisdiction not in snippet.jurisdictions:
            continue  # e.g. the US debt-collector notice on a UK case
        if snippet.offer is not None and snippet.offer not in offered_kinds:
            continue  # an offer the calculator did not produce for this case
        try:
            text = render_text(snippet.text.get(lang), context)
        except jinja2.TemplateError as exc:
            path, line = library.place("snippet", snippet_id)
            raise ContentError(path, f"text.{lang} does not render: {exc}", line=line,
                               item=snippet_id) from exc
        tip = snippet.tip.model_dump() if snippet.tip else None
        rendered.append(RenderedSnippet(snippet.id, snippet.kind, text, tip))
    return rendered


def render_step(library: Library, flow: Flow, step: Step, jurisdiction: str,
                context: dict[str, Any], offers: list[dict[str, Any]]) -> StepView:
    offered_kinds = {offer["kind"] for offer in offers}
    return StepView(
        id=step.id,
        title=step.title.model_dump(),
        lines=_render_snippets(library, step.snippets, flow.language, jurisdiction, context,
                               offered_kinds),
        alternatives=_render_snippets(library, step.alternatives, flow.language, jurisdiction,
                                      context, offered_kinds),
        responses=[{"id": r.id, "label": r.label.model_dump(), "next": r.next,
                    "requires_checklist": r.requires_checklist, "takes_offer": r.takes_offer}
                   for r in step.responses],
        checklist=step.checklist,
        show_offers=step.show_offers,
        end=step.end,
        offers=offers if step.show_offers else [],
    )
