"""What role-play takes from the script library: snippets to suggest, flows, plan limits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from assistant.content.library import Library, read_library
from assistant.content.render import render_text
from assistant.content.schema import PlanPolicy, Snippet
from assistant.guidance.plans import compute_offers, money, offer_context
from assistant.roleplay.content import Persona
from assistant.roleplay.offers import PlanLimits


@dataclass(frozen=True)
class Suggestion:
    snippet_id: str
    kind: str
    text: str


@lru_cache(maxsize=4)
def script_library(scripts_dir: Path) -> Library:
    """The valid part of the library; its own linter reports its problems."""
    library, _problems = read_library(scripts_dir)
    return library


def plan_limits(library: Library, product: str) -> PlanLimits | None:
    """The product's plan policy as limits on an offer, or None when no policy applies."""
    policy = _policy(library, product)
    if policy is None:
        return None
    return PlanLimits(policy.max_instalments, policy.min_instalment,
                      deferral_months=policy.deferral.max_months, source=policy.id)


def snippet_context(persona: Persona, lang: str, collector_name: str, library: Library,
                    today: date | None = None) -> dict[str, Any]:
    """The case variables a snippet may use, filled from the persona's facts.

    Plan offers come from the guidance plan calculator with the product's policy and what
    this persona can really afford, so a suggested offer is one the persona could accept.
    """
    facts = persona.facts_for(lang)
    today = today or date.today()
    balance = Decimal(str(facts["balance"]))
    principal = Decimal(str(facts.get("principal", balance)))
    context: dict[str, Any] = {
        "borrower_name": facts["borrower_name"], "lender": facts["lender"],
        "product": facts["product"], "balance": money(balance), "principal": money(principal),
        "currency": facts["currency"], "days_past_due": facts["days_past_due"],
        "due_date": (today - timedelta(days=int(facts["days_past_due"]))).isoformat(),
        "collector_name": collector_name, "reference": f"RP-{persona.id}",
        "reason_for_arrears": facts.get("situation", ""), "today": today.isoformat(),
        "has_offers": False,
    }
    policy = _policy(library, facts["product"])
    if policy is not None:
        offers = compute_offers(balance=balance, principal=principal, policy=policy,
                                days_past_due=int(facts["days_past_due"]), today=today,
                                affordable_monthly=persona.affordable_monthly(lang))
        context.update(offer_context(offers))
        context["offer_kinds"] = [offer.kind for offer in offers]
    return context


def _policy(library: Library, product: str) -> PlanPolicy | None:
    from assistant.errors import ContentError

    if not library.policies:
        return None
    try:
        return library.policy_for(product)
    except ContentError:
        return None


def render_snippet(snippet: Snippet, lang: str, context: dict[str, Any]) -> str | None:
    """The snippet's text for this case, or None when it needs a value we do not have."""
    try:
        return render_text(snippet.text.get(lang), context)
    except TemplateError:
        return None


def suggestions(library: Library, *, kinds: list[str], lang: str, jurisdiction: str,
                context: dict[str, Any], flow_id: str | None = None,
                limit_per_kind: int = 2) -> list[Suggestion]:
    """Snippets of these kinds, preferring the ones the session's flow uses, rendered."""
    flow = library.flows.get(flow_id) if flow_id else None
    in_flow = [sid for step in flow.steps for sid in [*step.snippets, *step.alternatives]] \
        if flow else []
    result: list[Suggestion] = []
    for kind in dict.fromkeys(kinds):
        pool = [library.snippets[sid] for sid in in_flow if sid in library.snippets]
        pool += [s for s in library.snippets.values() if s not in pool]
        count = 0
        for snippet in pool:
            if (snippet.kind != kind or jurisdiction not in snippet.jurisdictions
                    or "call" not in snippet.channels
                    or (snippet.offer and snippet.offer not in context.get("offer_kinds", []))):
                continue
            text = render_snippet(snippet, lang, context)
            if text:
                result.append(Suggestion(snippet.id, kind, text))
                count += 1
            if count >= limit_per_kind:
                break
    return result


def flows_for(library: Library, lang: str | None = None) -> list[tuple[str, str]]:
    """(id, title) of the call flows, for the trainer's session builder."""
    return [(f.id, f.title.get(lang or "en")) for f in library.flows.values()
            if f.channel == "call" and (lang is None or f.language == lang)]
