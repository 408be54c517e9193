"""Turn a loaded rule set into the plain-data spec a pipeline component is built from.

The spec is JSON (so the spaCy component can save it with to_disk): named cue lists are
expanded, every phrase is normalised exactly as notes are, and citations are rendered.
"""

from __future__ import annotations

from typing import Any

from assistant.compliance.contact_recognizers import load_terms
from assistant.compliance.language import DEFAULT_JURISDICTION
from assistant.compliance.loader import LoadedRule, Problem, RuleSet
from assistant.compliance.normalise import normalise_phrase
from assistant.compliance.recognizers import RECOGNIZERS
from assistant.compliance.rules import Between, Citation, CueCheck, TermGroup


def citation_text(citation: Citation) -> str:
    """`15 U.S.C. 1692e` + `(4)` + V -> `15 U.S.C. 1692e(4) [V]`."""
    section = citation.section.strip()
    joiner = "" if section.startswith("(") or not section else " "
    return f"{citation.source.strip()}{joiner}{section} [{citation.verified}]"


def _phrases(values: list[str], lang: str) -> list[str]:
    return [p for p in (normalise_phrase(v, lang) for v in values) if p]


def _cue_terms(check: CueCheck | Between | TermGroup, named: dict[str, list[str]], lang: str) -> list[str]:
    """The check's own phrases and those of the cue lists it names, normalised."""
    terms = list(check.phrases)
    for name in check.cues:
        terms.extend(named.get(name, []))
    return sorted(set(_phrases(terms, lang)))


def _cue_check(check: CueCheck, named: dict[str, list[str]], lang: str) -> dict[str, Any]:
    return {"terms": _cue_terms(check, named, lang), "before": check.before,
            "after": check.after, "within": check.within}


def rule_spec(loaded: LoadedRule, named_cues: dict[str, list[str]], lang: str) -> dict[str, Any]:
    rule = loaded.rule
    return {
        "id": rule.id, "category": rule.category, "severity": rule.severity,
        "jurisdictions": list(loaded.jurisdictions),
        "message": getattr(rule.message, lang), "suggestion": getattr(rule.suggestion, lang),
        "citation": citation_text(rule.citation),
        "phrases": _phrases(rule.patterns.phrases, lang),
        "sequences": [{"all": [_phrases(group, lang) if isinstance(group, list)
                               else _cue_terms(group, named_cues, lang) for group in seq.all],
                       "max_gap": seq.max_gap,
                       "not_between": _cue_terms(seq.not_between, named_cues, lang)
                       if seq.not_between else []}
                      for seq in rule.patterns.sequences],
        "token_patterns": rule.patterns.token_patterns,
        "recognizers": list(rule.patterns.recognizers),
        "unless": [_cue_check(c, named_cues, lang) for c in rule.unless],
        "requires": [_cue_check(c, named_cues, lang) for c in rule.requires],
        "where": loaded.where,
    }


def build_spec(rule_set: RuleSet, lang: str) -> dict[str, Any]:
    """Everything the `compliance_rules` component of language `lang` needs."""
    named = rule_set.cues.get(lang, {})
    return {
        "lang": lang,
        "version": rule_set.version,
        "default_jurisdiction": DEFAULT_JURISDICTION[lang],
        "rules": [rule_spec(loaded, named, lang) for loaded in rule_set.rules_for(lang)],
        "not_cues": sorted(set(_phrases(rule_set.not_cues.get(lang, []), lang))),
        "policies": rule_set.policies,
        "terms": load_terms(rule_set.root),
        # The rules' own examples of this language, normalised: the component counts how
        # often each sequence term occurs in them to look up each sequence by its least
        # common group (words such as 本人 or "account" occur in most notes).
        "sample": sorted({normalise_phrase(text, lang) for loaded in rule_set.rules_for(lang)
                          for text in [*loaded.rule.examples.flag, *loaded.rule.examples.pass_]}),
    }


def reference_problems(rule_set: RuleSet) -> list[Problem]:
    """Names a rule uses that do not exist: cue lists, recognisers, empty phrases."""
    problems = []
    for loaded in rule_set.rules:
        rule = loaded.rule
        for lang in loaded.languages:
            named = rule_set.cues.get(lang, {})
            betweens = [s.not_between for s in rule.patterns.sequences if s.not_between]
            groups = [g for s in rule.patterns.sequences for g in s.all
                      if not isinstance(g, list)]
            for check in [*rule.unless, *rule.requires, *betweens, *groups]:
                for name in check.cues:
                    if name not in named:
                        known = ", ".join(sorted(named)) or "none"
                        problems.append(Problem(
                            loaded.path, f"unknown cue list {name!r} for {lang} (known: {known})",
                            loaded.line, rule.id))
            for phrase in rule.patterns.phrases:
                if not normalise_phrase(phrase, lang):
                    problems.append(Problem(loaded.path, f"phrase {phrase!r} is empty once "
                                            "normalised", loaded.line, rule.id))
        for name in rule.patterns.recognizers:
            if name not in RECOGNIZERS:
                problems.append(Problem(
                    loaded.path, f"unknown recogniser {name!r} (known: "
                    f"{', '.join(sorted(RECOGNIZERS))})", loaded.line, rule.id))
    return problems


def token_pattern_problems(rule_set: RuleSet) -> list[Problem]:
    """spaCy Matcher patterns that do not validate, named by rule and file."""
    import spacy
    from spacy.matcher import Matcher

    problems = []
    pipelines = {lang: spacy.blank(lang) for lang in ("zh", "en")}
    for loaded in rule_set.rules:
        if not loaded.rule.patterns.token_patterns:
            continue
        for lang in loaded.languages:
            matcher = Matcher(pipelines[lang].vocab, validate=True)
            try:
                matcher.add(loaded.rule.id, loaded.rule.patterns.token_patterns)
            except (ValueError, TypeError) as exc:
                detail = " ".join(str(exc).split())
                problems.append(Problem(loaded.path, f"invalid token pattern: {detail}",
                                        loaded.line, loaded.rule.id))
                break
            if lang != "zh":  # Chinese is split into characters: token patterns are rare
                problems.extend(_split_words(loaded, pipelines[lang]))
    return problems


_WORD_KEYS = ("ORTH", "TEXT", "LOWER", "NORM", "LEMMA")


def _split_words(loaded: LoadedRule, nlp: Any) -> list[Problem]:
    """Warnings for pattern words the tokenizer splits (`no-contact` -> `no - contact`,
    `we've` -> `we 've`): one token is never such a word, so the entry can never match."""
    words = set()
    for pattern in loaded.rule.patterns.token_patterns:
        for token in pattern:
            for key in _WORD_KEYS:
                value = token.get(key)
                if isinstance(value, str):
                    words.add(value)
                elif isinstance(value, dict):
                    for operator in ("IN", "NOT_IN"):
                        words.update(v for v in value.get(operator) or () if isinstance(v, str))
    split = {word: [t.text for t in nlp.make_doc(word)] for word in sorted(words)}
    split = {word: pieces for word, pieces in split.items() if len(pieces) > 1}
    if not split:
        return []
    listed = ", ".join(f"'{word}' ({' '.join(pieces)})" for word, pieces in split.items())
    problems = [Problem(loaded.path, f"token pattern words split by the tokenizer never match "
                        f"one token: {listed}; write them as phrases or as consecutive pattern "
                        "tokens", loaded.line, loaded.rule.id, warning=True)]
    return problems
