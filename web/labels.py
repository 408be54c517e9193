"""Display names of the checker's stored codes (categories, severities, languages,
jurisdictions) in the UI language.

Findings store stable ids (`threat.arrest`, `critical`, `cn`): exports and integrations rely
on them. People read names: a collector working in Chinese should see 以抓捕坐牢相威胁, not
`threat.arrest`. The ids stay visible where reviewers need them (as a small code or a tooltip).
"""

from __future__ import annotations

from web.i18n import N_, gettext_

# Marked with N_ so `assistant i18n extract base` puts them in the catalog; translated when
# shown. Keys are the category ids of ../shared/TAXONOMY.md.
CATEGORY_NAMES: dict[str, str] = {
    "threat.violence": N_("Threat of violence"),
    "threat.arrest": N_("Threat of arrest or jail"),
    "threat.unlawful_action": N_("Threat of unlawful action"),
    "threat.exposure": N_("Threat to expose the debt"),
    "threat.intimidation": N_("Intimidation"),
    "abuse.insult": N_("Insult"),
    "abuse.profanity": N_("Profanity"),
    "false_rep.impersonation": N_("Impersonating an authority"),
    "false_rep.misleading": N_("Misleading statement"),
    "harassment.time": N_("Contact outside allowed hours"),
    "harassment.frequency": N_("Too many contact attempts"),
    "harassment.cease_ignored": N_("Contact after a stop request"),
    "privacy.third_party_disclosure": N_("Debt disclosed to a third party"),
    "privacy.pii_in_notes": N_("Personal number in a note"),
    "unfair.personal_account": N_("Payment to a personal account"),
    "unfair.borrow_to_repay": N_("Urging to borrow to repay"),
    "unfair.fees": N_("Fee not allowed"),
    "visit.conduct": N_("Visit misconduct"),
    "vulnerability.indicator": N_("Sign of vulnerability"),
    "disclosure.missing": N_("Required disclosure missing"),
}

SEVERITY_NAMES: dict[str, str] = {
    "critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
    "info": N_("info"),
}

LANGUAGE_NAMES: dict[str, str] = {"zh": N_("Chinese"), "en": N_("English")}

JURISDICTION_NAMES: dict[str, str] = {
    "cn": N_("China rules"), "us": N_("US rules"), "uk": N_("UK rules"),
}


def _named(names: dict[str, str], code: str | None) -> str:
    if not code:
        return ""
    name = names.get(code)
    return gettext_(name) if name else code  # an unknown code is shown as it is


def category_label(category: str | None) -> str:
    """`threat.arrest` -> "Threat of arrest or jail" / "以抓捕、坐牢相威胁"."""
    return _named(CATEGORY_NAMES, category)


def severity_label(severity: str | None) -> str:
    return _named(SEVERITY_NAMES, severity)


def language_label(lang: str | None) -> str:
    return _named(LANGUAGE_NAMES, lang)


def jurisdiction_label(jurisdiction: str | None) -> str:
    return _named(JURISDICTION_NAMES, jurisdiction)


TEMPLATE_GLOBALS = {
    "category_label": category_label,
    "severity_label": severity_label,
    "language_label": language_label,
    "jurisdiction_label": jurisdiction_label,
}
