"""The `compliance_rules` spaCy component: every rule of one language in one pass.

All phrases of all rules, sequence terms and cue terms go into ONE PhraseMatcher (one key per
distinct term) and all token patterns into one Matcher, so a note costs two matcher calls
whatever the number of rules; Python only runs for the terms that actually matched. Context
cues are looked up among those same matches.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import ensure_path

from assistant.compliance.contact_recognizers import ContactGrammar, build_grammar
from assistant.compliance.recognizers import RECOGNIZERS, RecognizerContext

SPEC_FILE = "spec.json"
HITS_KEY = "compliance_hits"
JURISDICTION_ATTR = "compliance_jurisdiction"
# Marks that end a sentence (after NFKC: `。` stays, `！？；` become ASCII) and, for cue
# windows with `within: clause`, marks that end a clause.
SENTENCE_MARKS = frozenset("。.!?;\n…")
CLAUSE_MARKS = SENTENCE_MARKS | frozenset(",:、")

if not Doc.has_extension(JURISDICTION_ATTR):
    Doc.set_extension(JURISDICTION_ATTR, default=None)


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule match before context: token span and exact character span of doc.text."""

    rule: int
    start: int
    end: int
    start_char: int
    end_char: int


@dataclass(frozen=True, slots=True)
class CueWindow:
    terms: frozenset[int]
    before: int
    after: int
    clause: bool


@Language.factory("compliance_rules", default_config={"spans_key": "findings"})
def make_rule_component(nlp: Language, name: str, spans_key: str) -> RuleComponent:
    return RuleComponent(nlp, name, spans_key=spans_key)


class RuleComponent:
    """Finds rule matches, applies their context cues, writes doc.spans[spans_key]."""

    def __init__(self, nlp: Language, name: str, *, spans_key: str = "findings") -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.spec: dict[str, Any] = {"rules": [], "policies": {}, "terms": {}}
        self._compile()

    # -- building ---------------------------------------------------------------------------
    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None,
                   spec: dict[str, Any] | None = None) -> None:
        if spec is not None:
            self.load_spec(spec)

    def load_spec(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._compile()

    def _compile(self) -> None:
        rules = self.spec["rules"]
        lang = self.spec.get("lang", self.nlp.lang)
        self.rules = rules
        self.default_jurisdiction = self.spec.get("default_jurisdiction")
        self.term_ids: dict[str, int] = {}
        self.phrase_rules: dict[int, list[int]] = defaultdict(list)
        # term -> [(rule, sequence, group)]
        self.sequence_terms: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        self.unless: list[list[CueWindow]] = []
        self.requires: list[list[CueWindow]] = []
        for index, rule in enumerate(rules):
            for phrase in rule["phrases"]:
                self.phrase_rules[self._term(phrase)].append(index)
            for seq_index, sequence in enumerate(rule["sequences"]):
                for group_index, group in enumerate(sequence["all"]):
                    for term in group:
                        self.sequence_terms[self._term(term)].append(
                            (index, seq_index, group_index))
            self.unless.append([self._window(c) for c in rule["unless"]])
            self.requires.append([self._window(c) for c in rule["requires"]])
        self.phrase_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        terms = list(self.term_ids)
        for term, doc in zip(terms, self.nlp.tokenizer.pipe(terms), strict=True):
            self.phrase_matcher.add(term, [doc])
        self.match_terms = {self.nlp.vocab.strings[term]: i for term, i in self.term_ids.items()}
        self.token_matcher = Matcher(self.nlp.vocab, validate=True)
        self.pattern_rules: dict[int, int] = {}
        for index, rule in enumerate(rules):
            if rule["token_patterns"]:
                key = f"{rule['id']}#patterns"
                self.token_matcher.add(key, rule["token_patterns"])
                self.pattern_rules[self.nlp.vocab.strings[key]] = index
        self.recognizer_rules: dict[str, list[int]] = defaultdict(list)
        for index, rule in enumerate(rules):
            for name in rule["recognizers"]:
                self.recognizer_rules[name].append(index)
        self.grammar: ContactGrammar = build_grammar(self.spec.get("terms") or {}, lang)

    def _term(self, phrase: str) -> int:
        return self.term_ids.setdefault(phrase, len(self.term_ids))

    def _window(self, check: dict[str, Any]) -> CueWindow:
        return CueWindow(frozenset(self._term(t) for t in check["terms"]), check["before"],
                         check["after"], check["within"] == "clause")

    # -- running ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        jurisdiction = doc._.get(JURISDICTION_ATTR) or self.default_jurisdiction
        term_hits = [(self.match_terms[m], s, e) for m, s, e in self.phrase_matcher(doc)]
        hits = self._phrase_hits(doc, term_hits, jurisdiction)
        if self.pattern_rules:
            hits.extend(self._hit(doc, self.pattern_rules[m], s, e)
                        for m, s, e in self.token_matcher(doc)
                        if jurisdiction in self.rules[self.pattern_rules[m]]["jurisdictions"])
        hits.extend(self._recognizer_hits(doc, jurisdiction))
        if hits:
            hits = self._in_context(doc, hits, term_hits)
        doc.user_data[HITS_KEY] = hits
        spans = [doc.char_span(h.start_char, h.end_char, label=self.rules[h.rule]["id"],
                               alignment_mode="expand") for h in hits]
        doc.spans[self.spans_key] = [span for span in spans if span is not None]
        return doc

    def _hit(self, doc: Doc, rule: int, start: int, end: int) -> Hit:
        return Hit(rule, start, end, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))

    def _phrase_hits(self, doc: Doc, term_hits: list[tuple[int, int, int]],
                     jurisdiction: str) -> list[Hit]:
        hits: list[Hit] = []
        groups: dict[tuple[int, int], dict[int, list[tuple[int, int]]]] = defaultdict(
            lambda: defaultdict(list))
        for term, start, end in term_hits:
            for rule in self.phrase_rules.get(term, ()):
                if jurisdiction in self.rules[rule]["jurisdictions"]:
                    hits.append(self._hit(doc, rule, start, end))
            for rule, seq, group in self.sequence_terms.get(term, ()):
                if jurisdiction in self.rules[rule]["jurisdictions"]:
                    groups[(rule, seq)][group].append((start, end))
        for (rule, seq), found in groups.items():
            sequence = self.rules[rule]["sequences"][seq]
            if len(found) == len(sequence["all"]):
                hits.extend(self._hit(doc, rule, start, end) for start, end in
                            _chains(found, len(sequence["all"]), sequence["max_gap"],
                                    _boundaries(doc, clause=False)))
        return hits

    def _recognizer_hits(self, doc: Doc, jurisdiction: str) -> list[Hit]:
        if not self.recognizer_rules:
            return []
        text = doc.text
        has_digit = any(c.isdigit() for c in text)
        context = RecognizerContext(self.nlp.lang, jurisdiction,
                                    self.spec["policies"].get(jurisdiction, {}), self.grammar)
        hits = []
        for name, rules in self.recognizer_rules.items():
            recognizer = RECOGNIZERS[name]
            active = [r for r in rules if jurisdiction in self.rules[r]["jurisdictions"]]
            if not active or (recognizer.needs_digits and not has_digit):
                continue
            for start_char, end_char in recognizer.find(text, context):
                span = doc.char_span(start_char, end_char, alignment_mode="expand")
                if span is None:
                    continue
                hits.extend(Hit(r, span.start, span.end, start_char, end_char) for r in active)
        return hits

    def _in_context(self, doc: Doc, hits: list[Hit],
                    term_hits: list[tuple[int, int, int]]) -> list[Hit]:
        """Drop hits an `unless` cue turns off or a `requires` cue is missing for; dedupe."""
        kept: dict[tuple[int, int, int], Hit] = {}
        for hit in hits:
            if any(self._cue_near(doc, hit, w, term_hits) for w in self.unless[hit.rule]):
                continue
            if not all(self._cue_near(doc, hit, w, term_hits) for w in self.requires[hit.rule]):
                continue
            kept.setdefault((hit.rule, hit.start_char, hit.end_char), hit)
        return _drop_nested(list(kept.values()))

    def _cue_near(self, doc: Doc, hit: Hit, window: CueWindow,
                  term_hits: list[tuple[int, int, int]]) -> bool:
        bounds = _boundaries(doc, clause=window.clause)
        low = max(hit.start - window.before, _last_boundary_before(bounds, hit.start))
        high = min(hit.end + window.after, _first_boundary_after(bounds, hit.end, len(doc)))
        for term, start, end in term_hits:
            if term in window.terms and start >= low and end <= high and not (
                    start >= hit.start and end <= hit.end):
                return True
        return False

    # -- serialisation ----------------------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / SPEC_FILE).write_text(json.dumps(self.spec, ensure_ascii=False), "utf-8")

    def from_disk(self, path: str | Path, *, exclude: tuple[str, ...] = ()) -> RuleComponent:
        self.load_spec(json.loads((ensure_path(path) / SPEC_FILE).read_text("utf-8")))
        return self


def _boundaries(doc: Doc, *, clause: bool) -> list[int]:
    """Token indices of sentence (or clause) marks; cached on the doc for its other hits."""
    key = "compliance_clause_marks" if clause else "compliance_sentence_marks"
    cached = doc.user_data.get(key)
    if cached is None:
        marks = CLAUSE_MARKS if clause else SENTENCE_MARKS
        cached = [t.i for t in doc if t.text in marks]
        doc.user_data[key] = cached
    return cached


def _last_boundary_before(bounds: list[int], position: int) -> int:
    previous = [b for b in bounds if b < position]
    return previous[-1] + 1 if previous else 0


def _first_boundary_after(bounds: list[int], position: int, length: int) -> int:
    return next((b for b in bounds if b >= position), length)


def _chains(found: dict[int, list[tuple[int, int]]], groups: int, max_gap: int,
            bounds: list[int]) -> list[tuple[int, int]]:
    """Spans where group 0, 1, ... appear in order, each within max_gap of the previous."""
    spans = []
    for start, end in sorted(found[0]):
        limit = _first_boundary_after(bounds, end, 10**9)
        last_end = end
        for group in range(1, groups):
            nxt = min(((s, e) for s, e in found[group]
                       if last_end <= s <= last_end + max_gap and e <= limit), default=None)
            if nxt is None:
                break
            last_end = nxt[1]
        else:
            spans.append((start, last_end))
    return spans


def _drop_nested(hits: list[Hit]) -> list[Hit]:
    """Of several hits of one rule that overlap, keep the longest."""
    hits.sort(key=lambda h: (h.rule, h.start_char, -(h.end_char - h.start_char)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and kept[-1].rule == hit.rule and hit.start_char < kept[-1].end_char:
            continue
        kept.append(hit)
    return kept
