"""The act classifier: which conversational acts a trainee's turn contains.

Acts are recognised from data (scripts_library/roleplay/acts/<lang>.yaml: phrases for a
PhraseMatcher and token patterns for a Matcher) by a registered spaCy component; violations
come from the compliance checker, so the same rules judge role-play and real calls.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from opencc import OpenCC
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from assistant.compliance.findings import Finding
from assistant.errors import ContentError
from assistant.roleplay.content import RoleplayContent

CheckFn = Callable[[str, str], list[Finding]]
VIOLATION = "violation"
# Stored with a turn's acts so a replayed or re-scored turn knows its offer was a payment break.
DEFERRAL_MARK = "offer:deferral"
_T2S = OpenCC("t2s")


@dataclass(frozen=True)
class ActSpan:
    act: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TurnReading:
    """What the classifier read in one turn."""

    acts: tuple[str, ...]
    spans: tuple[ActSpan, ...] = ()
    findings: tuple[Finding, ...] = field(default=(), compare=False)
    deferral: bool = False  # the turn speaks of a payment break

    def has(self, act: str) -> bool:
        return act in self.acts

    def stored_acts(self) -> list[str]:
        return [*self.acts, DEFERRAL_MARK] if self.deferral else list(self.acts)

    @classmethod
    def from_stored(cls, acts: list[str], findings: tuple[Finding, ...]) -> TurnReading:
        plain = tuple(a for a in acts if a != DEFERRAL_MARK)
        if findings and VIOLATION not in plain:
            plain = (VIOLATION, *plain)
        return cls(plain, (), findings, deferral=DEFERRAL_MARK in acts)

    def to_dict(self) -> dict[str, Any]:
        return {"acts": list(self.acts),
                "spans": [{"act": s.act, "start": s.start, "end": s.end, "text": s.text}
                          for s in self.spans],
                "findings": [f.to_dict() for f in self.findings]}


def normalise(text: str, lang: str) -> str:
    """Full-width to half-width, and Traditional to Simplified for Chinese; same length."""
    text = unicodedata.normalize("NFKC", text)
    return _T2S.convert(text) if lang == "zh" else text


class ActMatcher:
    """spaCy component writing one span per recognised act cue to doc.spans[spans_key]."""

    def __init__(self, nlp: Language, name: str, spans_key: str = "acts"):
        self.nlp, self.name, self.spans_key = nlp, name, spans_key
        self.cues: dict[str, dict[str, Any]] = {}
        self._build()

    def _build(self) -> None:
        self.phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.patterns = Matcher(self.nlp.vocab, validate=True)
        for act, cues in self.cues.items():
            docs = [self.nlp.make_doc(phrase) for phrase in cues.get("phrases", [])]
            if docs:
                self.phrases.add(act, docs)
            for index, pattern in enumerate(cues.get("patterns", [])):
                try:
                    self.patterns.add(act, [pattern])
                except (ValueError, KeyError) as exc:
                    raise ContentError(f"acts/{self.nlp.lang}.yaml",
                                       f"pattern {index + 1}: {str(exc).splitlines()[0]}",
                                       item=act) from exc

    def initialize(self, get_examples=None, *, nlp: Language | None = None,
                   cues: dict[str, dict[str, Any]] | None = None) -> None:
        self.cues = dict(cues or {})
        self._build()

    def __call__(self, doc: Doc) -> Doc:
        lowered = doc.text.lower()
        spans = []
        matches = [*self.phrases(doc), *(self.patterns(doc) if len(self.patterns) else [])]
        for match_id, start, end in matches:
            act = self.nlp.vocab.strings[match_id]
            if any(cue.lower() in lowered for cue in self.cues.get(act, {}).get("unless", [])):
                continue
            spans.append(Span(doc, start, end, label=act))
        doc.spans[self.spans_key] = sorted(spans, key=lambda s: (s.start, s.end))
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cues.json").write_text(json.dumps(self.cues, ensure_ascii=False), "utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ActMatcher:
        self.cues = json.loads((Path(path) / "cues.json").read_text("utf-8"))
        self._build()
        return self


@Language.factory("roleplay_acts", default_config={"spans_key": "acts"})
def make_act_matcher(nlp: Language, name: str, spans_key: str) -> ActMatcher:
    return ActMatcher(nlp, name, spans_key=spans_key)


def build_pipeline(lang: str, cues: dict[str, dict[str, Any]]) -> Language:
    """A blank pipeline for the language with the act matcher initialised from the cues."""
    nlp = spacy.blank(lang)
    component = nlp.add_pipe("roleplay_acts")
    component.initialize(cues=cues)
    return nlp


class ActClassifier:
    """Labels the acts of a trainee turn; `check` is the compliance checker's check()."""

    def __init__(self, content: RoleplayContent, check: CheckFn | None):
        self.content = content
        self.check = check
        self.order = [act for act in content.acts if act not in content.checker_acts]
        self.pipelines = {lang: build_pipeline(lang, cues) for lang, cues in content.cues.items()}

    def classify(self, text: str, lang: str) -> TurnReading:
        if lang not in self.pipelines:
            raise ContentError(self.content.root / "acts", f"no act cues for language {lang!r}")
        normalised = normalise(text, lang)
        doc = self.pipelines[lang](normalised)
        spans = tuple(ActSpan(s.label_, s.start_char, s.end_char, text[s.start_char:s.end_char])
                      for s in doc.spans["acts"])
        found = {span.act for span in spans}
        findings = tuple(self._violations(text, lang))
        acts = [act for act in self.order if act in found]
        if findings:
            acts.insert(0, VIOLATION)
        lowered = normalised.lower()
        # Also set on a confirmation of a break, so the rubric sees what was agreed.
        deferral = any(
            cue.lower() in lowered
            for cue in self.content.cues[lang].get("plan_offer", {}).get("deferral", []))
        return TurnReading(tuple(acts), spans, findings, deferral)

    def _violations(self, text: str, lang: str) -> list[Finding]:
        if self.check is None:
            return []
        return [f for f in self.check(text, lang)
                if f.severity != "info" and f.category not in self.content.ignored_categories]


def checker_for(rules_dir: Path, jurisdiction: str | None = None) -> CheckFn:
    """The compliance checker's check() for role-play turns, in the persona's jurisdiction."""
    from assistant.compliance.checker import get_checker

    checker = get_checker(rules_dir)

    def check(text: str, lang: str) -> list[Finding]:
        return checker.check(text, lang=lang, jurisdiction=jurisdiction)

    return check


@lru_cache(maxsize=8)
def cached_classifier(scripts_dir: Path, rules_dir: Path | None,
                      jurisdiction: str | None = None) -> ActClassifier:
    from assistant.roleplay.content import cached_content

    check = checker_for(rules_dir, jurisdiction) if rules_dir is not None else None
    return ActClassifier(cached_content(scripts_dir), check)
