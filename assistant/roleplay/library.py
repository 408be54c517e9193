"""What role-play takes from the script library: snippets to suggest, flows, plan limits."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from assistant.content.library import Library, read_library
from assistant.content.schema import Snippet
from assistant.roleplay.content import Persona
from assistant.roleplay.offers import PlanLimits

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


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
    if not library.policies:
        return None
    from assistant.errors import ContentError

    try:
        policy = library.policy_for(product)
    except ContentError:
        return None
    return PlanLimits(policy.max_instalments, policy.min_instalment, source=policy.id)


def snippet_context(persona: Persona, lang: str, collector_name: str,
                    limits: PlanLimits | None, today: date | None = None) -> dict[str, Any]:
    """The case variables a snippet may use, filled from the persona's facts.

    The offer variables describe the plan this persona could really keep: the instalment is
    what they can afford, over as many months as that takes (within policy).
    """
    facts = persona.facts_for(lang)
    today = today or date.today()
    balance = Decimal(str(facts["balance"]))
    monthly = persona.affordable_monthly(lang)
    count = max(1, math.ceil(balance / monthly)) if monthly > 0 else 1
    if limits is not None:
        count = min(count, limits.max_instalments)
    first_date = today + timedelta(days=14)
    return {
        "borrower_name": facts["borrower_name"], "lender": facts["lender"],
        "product": facts["product"], "balance": f"{balance:,.2f}",
        "principal": f"{Decimal(str(facts.get('principal', balance))):,.2f}",
        "currency": facts["currency"], "days_past_due": facts["days_past_due"],
        "due_date": "", "collector_name": collector_name, "reference": f"RP-{persona.id}",
        "reason_for_arrears": facts.get("situation", ""), "today": today.isoformat(),
        "has_offers": True, "instalment_count": count, "instalment_amount": f"{monthly:,.2f}",
        "first_payment": f"{monthly:,.2f}", "first_payment_date": first_date.isoformat(),
        "last_payment_date": (first_date + timedelta(days=30 * (count - 1))).isoformat(),
        "fee_waived": "0.00", "plan_total": f"{balance:,.2f}", "deferral_months": 0,
        "deferral_until": "", "settlement_amount": "", "settlement_discount_percent": 0,
        "settlement_approver": "", "settlement_pay_by": "",
    }


def render_snippet(snippet: Snippet, lang: str, context: dict[str, Any]) -> str | None:
    """The snippet's text for this case, or None when it needs a value we do not have."""
    try:
        return _ENV.from_string(snippet.text.get(lang)).render(context).strip()
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
                    or "call" not in snippet.channels or snippet.offer in ("deferral", "settlement")):
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
