"""The script-library schema: what content editors write in scripts_library/**/*.yaml.

Layout:
  snippets/*.yaml   `snippets: [...]`  reusable lines, each with zh and en text (Jinja2)
  flows/*.yaml      one flow per file: a graph of steps built from snippet ids
  policies/*.yaml   one plan-offer policy per product

The JSON Schema published for editors (scripts_library/schema/) is generated from these
models by `assistant scripts schema`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Language = Literal["zh", "en"]
LANGUAGES: tuple[str, ...] = ("zh", "en")
Jurisdiction = Literal["cn", "us", "uk"]
Channel = Literal["call", "visit"]
OfferKind = Literal["instalments", "deferral", "settlement"]
SnippetKind = Literal[
    "opening", "identity_check", "disclosure", "purpose", "probe", "empathy", "reminder",
    "plan_offer", "commitment", "closing", "objection", "checklist", "visit_conduct",
]
ObjectionTopic = Literal[
    "wrong_person", "angry", "anxious", "refuses", "disputes", "hardship_job_loss",
    "hardship_illness", "hardship_bereavement", "hardship_harvest", "asks_to_stop",
    "has_lawyer", "promises_to_pay", "vulnerable",
]
Outcome = Literal[
    "promise_to_pay", "dispute", "refused", "no_contact", "wrong_party", "cease_requested",
    "lawyer_referral", "specialist_handoff", "callback", "visit_postponed",
]
OUTCOMES: tuple[str, ...] = Outcome.__args__  # type: ignore[attr-defined]
ID_PATTERN = r"^[a-z0-9_]+(\.[a-z0-9_]+)*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bilingual(Strict):
    """A text in both languages; content is bilingual from day one."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Snippet(Strict):
    """One reusable line a collector can say, with a stable id other areas may quote."""

    id: str = Field(pattern=ID_PATTERN, description="Stable id, e.g. open.call.standard")
    kind: SnippetKind
    topic: ObjectionTopic | None = Field(
        default=None, description="For kind objection: which objection it answers")
    offer: OfferKind | None = Field(
        default=None, description="For kind plan_offer: shown only when this offer was computed")
    jurisdictions: list[Jurisdiction] = Field(min_length=1)
    channels: list[Channel] = Field(default_factory=lambda: ["call", "visit"], min_length=1)
    text: Bilingual = Field(description="Jinja2 templates over the case context")
    tip: Bilingual | None = Field(
        default=None, description="Coaching note for the collector, never read aloud")

    @model_validator(mode="after")
    def _topic_matches_kind(self) -> Snippet:
        if (self.kind == "objection") != (self.topic is not None):
            raise ValueError("topic is required for kind objection and only allowed there")
        if self.offer is not None and self.kind != "plan_offer":
            raise ValueError("offer is only allowed for kind plan_offer")
        return self


class SnippetFile(Strict):
    snippets: list[Snippet] = Field(min_length=1)


class Response(Strict):
    """A borrower response the collector can pick, leading to the next step."""

    id: str = Field(pattern=ID_PATTERN)
    label: Bilingual
    next: str = Field(pattern=ID_PATTERN)
    requires_checklist: bool = Field(
        default=False, description="Only allowed once every checklist item of the step is ticked")
    takes_offer: bool = Field(
        default=False, description="The borrower accepts one of the computed offers")


class Step(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Bilingual
    snippets: list[str] = Field(default_factory=list, description="Snippet ids, in order")
    alternatives: list[str] = Field(
        default_factory=list, description="Other snippet ids the collector may use instead")
    checklist: bool = Field(default=False, description="The snippets are items to tick")
    show_offers: bool = Field(default=False, description="Show the computed plan offers")
    responses: list[Response] = Field(default_factory=list)
    end: Outcome | None = Field(default=None, description="An end step: the suggested outcome")

    @model_validator(mode="after")
    def _end_or_responses(self) -> Step:
        if self.end is None and not self.responses:
            raise ValueError("dead end: a step needs responses, or `end` with an outcome")
        if self.end is not None and self.responses:
            raise ValueError("an end step has no responses")
        return self


class Flow(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Bilingual
    channel: Channel
    language: Language
    jurisdictions: list[Jurisdiction] = Field(min_length=1)
    start: str
    steps: list[Step] = Field(min_length=1)


class FeeWaiver(Strict):
    allowed: bool = False
    max_share_of_fees: Decimal = Field(default=Decimal("0"), ge=0, le=1,
                                       description="Share of (balance - principal) that may go")


class Deferral(Strict):
    max_months: int = Field(default=0, ge=0, le=12)


class Settlement(Strict):
    max_discount: Decimal = Field(default=Decimal("0"), ge=0, lt=1,
                                  description="Largest discount on the balance, 0.2 = 20 %")
    approver_role: str = Field(min_length=1, description="Who must approve, e.g. team_lead")
    approver_title: Bilingual = Field(description="How the approver is named to the borrower")
    min_days_past_due: int = Field(default=90, ge=0)


class PlanPolicy(Strict):
    """What a collector may offer on one product."""

    id: str = Field(pattern=ID_PATTERN)
    products: list[str] = Field(min_length=1, description="Case.product values it applies to")
    max_instalments: int = Field(ge=1, le=60)
    min_first_payment_share: Decimal = Field(ge=0, le=1)
    min_first_payment: Decimal = Field(ge=0)
    min_instalment: Decimal = Field(gt=0)
    fee_waiver: FeeWaiver = Field(default_factory=FeeWaiver)
    deferral: Deferral = Field(default_factory=Deferral)
    settlement: Settlement | None = None
    default: bool = Field(default=False, description="Used for products no policy names")
