"""The rule-pack schema: what officers write in compliance_rules/*/*.yaml.

A pack is a folder `compliance_rules/<pack>/` with `pack.yaml` (id, name, jurisdictions,
languages), cue files `cues_<lang>.yaml` (named cue lists shared by every rule of that language,
in any pack), an optional `contact_policy.yaml` (jurisdiction parameters, read by
assistant.compliance.contact_policy and the time/frequency recognisers), and any number of rule
files `*.yaml` holding `rules: [...]`.
The JSON Schema published for editors is generated from these models
(`assistant rules schema`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Category = Literal[
    "threat.violence", "threat.arrest", "threat.unlawful_action", "threat.exposure",
    "threat.intimidation", "abuse.insult", "abuse.profanity", "false_rep.impersonation",
    "false_rep.misleading", "harassment.time", "harassment.frequency",
    "harassment.cease_ignored", "privacy.third_party_disclosure", "privacy.pii_in_notes",
    "unfair.personal_account", "unfair.borrow_to_repay", "unfair.fees", "visit.conduct",
    "vulnerability.indicator", "disclosure.missing",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
Severity = Literal["critical", "high", "medium", "info"]
Language = Literal["zh", "en"]
Jurisdiction = Literal["cn", "us", "uk"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(Strict):
    """A text in both UI languages."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Citation(Strict):
    source: str = Field(min_length=1, description="Law, regulation or code, e.g. 15 U.S.C. 1692e")
    section: str = Field(default="", description="Article / section, e.g. (4) or 第六十八条")
    verified: Literal["V", "S", "U"] = Field(
        default="U", description="V official text seen, S secondary copies, U unverified")


class Sequence(Strict):
    """Term groups that must appear in this order, each within `max_gap` of the previous one.

    Each group is a list of alternatives. zh gaps count characters of the normalised text,
    en gaps count tokens. Example: [[告诉, 告知], [同事, 邻居], [欠款, 逾期]] within 12.
    """

    all: list[list[str] | TermGroup] = Field(
        min_length=2, description="Each group: a list of terms, or {cues: [names], phrases: "
                                  "[...]} to share a word class kept in cues_<lang>.yaml")
    max_gap: int = Field(default=10, ge=0, le=60)
    not_between: Between | None = Field(
        default=None, description="Cues that must not stand between the sequence's terms "
                                  "(`告诉他不会报警`: a negation between 告诉 and 报警)")


class TermGroup(Strict):
    """A sequence group written as named lists of cues_<lang>.yaml plus its own phrases:
    `{cues: [contact_verbs], phrases: [door-knocked]}`. A word class kept once serves every
    rule that names it, so adding a word there widens them all."""

    cues: list[str] = Field(min_length=1)
    phrases: list[str] = Field(default_factory=list)


class Between(Strict):
    """Cue lists (by name) and phrases that switch a sequence match off when they stand in a
    gap between two of its terms. `unless` windows ignore what lies inside a match."""

    cues: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)


Sequence.model_rebuild()


class Patterns(Strict):
    phrases: list[str] = Field(default_factory=list,
                               description="Exact phrases, matched on the normalised text")
    sequences: list[Sequence] = Field(default_factory=list)
    token_patterns: list[list[dict]] = Field(
        default_factory=list, description="spaCy Matcher token patterns (mostly for English)")
    recognizers: list[str] = Field(
        default_factory=list,
        description="Named validated recognisers, e.g. cn_resident_id, bank_card, us_ssn")

    @model_validator(mode="after")
    def _not_empty(self) -> Patterns:
        if not (self.phrases or self.sequences or self.token_patterns or self.recognizers):
            raise ValueError("patterns: give at least one of phrases, sequences, "
                             "token_patterns, recognizers")
        return self


class CueCheck(Strict):
    """Cues near a match that turn it off (`unless`) or that it needs (`requires`).

    `cues` names shared cue lists from pack.yaml (negation, attribution, reassurance, lawful,
    quoting, ...); `phrases` adds rule-specific ones. The window counts characters (zh) or
    tokens (en) and does not cross a sentence end.

    Added later (optional, backward compatible): `within: clause` also stops the window at a
    clause mark (`，` `；` `：` and their ASCII forms), for cues such as attribution where
    `客户称要报警，我说再不还就报警抓你` must still flag the second clause; `within: note` lets
    it cross sentence ends, for context such as a cease request in an earlier sentence.
    """

    cues: list[str] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    before: int = Field(default=12, ge=0, le=80)
    after: int = Field(default=0, ge=0, le=80)
    within: Literal["sentence", "clause", "note"] = Field(
        default="sentence", description="How far the window may reach: the sentence, only "
                                        "the clause (stops at ， ； ：), or the whole note "
                                        "(up to `before`/`after`; for context given in an "
                                        "earlier sentence, such as a cease request)")


class Examples(Strict):
    flag: list[str] = Field(min_length=3, description="Texts this rule must flag")
    # `pass` is a Python keyword, so the field is aliased.
    pass_: list[str] = Field(min_length=3, alias="pass",
                             description="Texts this rule must not flag (hard negatives)")


class Rule(Strict):
    id: str = Field(pattern=r"^[a-z]{2,6}(\.[a-z0-9_]+)+$")
    category: Category
    severity: Severity
    languages: list[Language] = Field(min_length=1)
    jurisdictions: list[Jurisdiction] = Field(default_factory=lambda: ["cn", "us", "uk"])
    message: Text
    suggestion: Text
    citation: Citation
    patterns: Patterns
    unless: list[CueCheck] = Field(default_factory=list)
    requires: list[CueCheck] = Field(default_factory=list)
    examples: Examples


class RuleFile(Strict):
    rules: list[Rule] = Field(min_length=1)


class PackManifest(Strict):
    """pack.yaml: the pack's identity; `common` applies to every jurisdiction."""

    id: str = Field(pattern=r"^[a-z]{2,10}$")
    name: Text
    jurisdictions: list[Jurisdiction] = Field(min_length=1)
    languages: list[Language] = Field(min_length=1)


class CueFile(Strict):
    """cues_<lang>.yaml: named cue lists (negation, attribution, reassurance, lawful, quoting...)."""

    language: Language
    cues: dict[str, list[str]] = Field(min_length=1)
    not_cues: list[str] = Field(
        default_factory=list,
        description="Phrases that begin a cue without being one: a cue that starts inside "
                    "one of these does not count (`对客户` makes `对客户称` the collector "
                    "speaking to the customer, not the customer speaking, although it "
                    "contains the cue `客户称`)")
