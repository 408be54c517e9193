"""The checker: normalise, pick language and jurisdiction, run the spaCy pipeline, report.

    checker = get_checker(settings.rules_dir)
    for finding in checker.check("再不还就报警抓你"):
        print(finding.rule_id, finding.start, finding.end, finding.citation)
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from assistant.compliance import components  # noqa: F401  (registers the factory)
from assistant.compliance.char_matching import CharMatcher
from assistant.compliance.components import HITS_KEY, JURISDICTION_KEY, TEXT_KEY, Hit
from assistant.compliance.findings import SEVERITY_ORDER, Finding
from assistant.compliance.gate import CandidateGate
from assistant.compliance.language import LANGUAGES, resolve
from assistant.compliance.lemmas import spec_needs_lemmatizer
from assistant.compliance.loader import RuleSet, load_rule_set
from assistant.compliance.normalise import Normalised, normalise
from assistant.compliance.spec import build_spec, reference_problems, token_pattern_problems
from assistant.compliance.spelling import SpellingFixer, pack_words
from assistant.compliance.tokenizer import CharTokenizer
from assistant.errors import RulePackError

PIPE_BATCH_SIZE = 256


def build_pipeline(lang: str, spec: dict[str, Any]) -> Language:
    """spacy.blank(lang) (+ lookup lemmas for en) and the rule component built from `spec`."""
    nlp = spacy.blank(lang)  # zh: character segmentation (see compliance_rules/README.md)
    if lang == "zh":
        nlp.tokenizer = CharTokenizer(nlp.tokenizer)
    if spec_needs_lemmatizer(spec):
        # Lookup lemmas (spacy-lookups-data) for LEMMA conditions that cannot be compiled into
        # word forms; plain {"LEMMA": "arrest"} is expanded instead (see lemmas.py).
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize()
    nlp.add_pipe("compliance_rules").load_spec(spec)
    return nlp


class Checker:
    """Checks notes against the rule packs of one rules folder."""

    def __init__(self, packs: RuleSet, *, gate: bool = True) -> None:
        """`gate=False` builds a Doc for every note (the reference the gate is tested on)."""
        rule_set = packs
        problems = [p for p in rule_set.problems + reference_problems(rule_set)
                    + token_pattern_problems(rule_set) if not p.warning]
        if problems:
            more = f" (and {len(problems) - 1} more; run `assistant rules lint`)" if len(
                problems) > 1 else ""
            first = problems[0]
            raise RulePackError(first.path, first.problem + more, line=first.line,
                                item=first.item)
        self.rule_set = rule_set
        self.version = rule_set.version
        self.pipelines = {lang: build_pipeline(lang, build_spec(rule_set, lang))
                          for lang in LANGUAGES}
        # Where every character is a token and the rules are the only pipe, notes are
        # matched on their text, with no Doc (char_matching.py).
        self.char_matchers: dict[str, CharMatcher] = {}
        for lang, nlp in self.pipelines.items():
            if gate and isinstance(nlp.tokenizer, CharTokenizer) and \
                    nlp.pipe_names == ["compliance_rules"]:
                matcher = CharMatcher(nlp.get_pipe("compliance_rules"))
                if matcher.supported:
                    self.char_matchers[lang] = matcher
        # Misspelt pack words in English notes are corrected before matching (spelling.py).
        self.spelling = {"en": SpellingFixer(pack_words(self.pipelines["en"].get_pipe(
            "compliance_rules")))} if "en" in self.pipelines else {}
        # Elsewhere, notes without any possible candidate get no Doc (gate.py).
        self.gates = {lang: CandidateGate(nlp.get_pipe("compliance_rules"))
                      for lang, nlp in self.pipelines.items()
                      if gate and lang not in self.char_matchers}
        # The pipelines, vocab and tables are millions of long-lived objects; without this a
        # full garbage collection walks them all and stalls a note for 5-20 ms (the p99).
        gc.collect()
        gc.freeze()

    @classmethod
    def from_dir(cls, path: str | Path) -> Checker:
        """Load and validate every pack under `path`; a broken pack raises RulePackError."""
        return cls(load_rule_set(Path(path)))

    def check(self, text: str, lang: str | None = None,
              jurisdiction: str | None = None) -> list[Finding]:
        """Findings in `text`, offsets into `text` itself, most severe first."""
        lang, jurisdiction = resolve(text, lang, jurisdiction)
        norm, doc, hits = self._prepared(text, lang, jurisdiction)
        if doc is not None:
            # The pipes are called directly: Language.__call__ adds ~10 µs of bookkeeping
            # per note, as much as the rule matching itself.
            for _, process in self.pipelines[lang].pipeline:
                doc = process(doc)
            hits = doc.user_data.get(HITS_KEY, [])
        return self._findings(norm, lang, hits)

    def check_many(self, items: Iterable[dict[str, Any]]) -> Iterator[list[Finding]]:
        """Findings for each `{"text", "lang"?, "jurisdiction"?}`, in order; the notes that
        need a Doc go through nlp.pipe."""
        for lang, batch in _batches_by_language(items):
            nlp = self.pipelines[lang]
            prepared = [self._prepared(text, lang, jurisdiction) for text, jurisdiction in batch]
            docs = nlp.pipe((doc for _, doc, _ in prepared if doc is not None),
                            batch_size=PIPE_BATCH_SIZE)
            for norm, doc, hits in prepared:
                if doc is not None:
                    hits = next(docs).user_data.get(HITS_KEY, [])
                yield self._findings(norm, lang, hits)

    def _prepared(self, text: str, lang: str, jurisdiction: str
                  ) -> tuple[Normalised, Doc | None, list[Hit]]:
        """The normalised note, and either its Doc for the pipes or, when no Doc is needed,
        its hits: none when the gate finds no possible candidate; found on the text itself
        when every character is a token (char_matching.py)."""
        norm = self.normalised(text, lang)
        chars = self.char_matchers.get(lang)
        if chars is not None:
            return norm, None, chars.hits(norm.text, jurisdiction)
        gate = self.gates.get(lang)
        if gate is None:
            return norm, self._doc(norm, lang, jurisdiction, {}), []
        needed, worked_out = gate.scan(norm.text, jurisdiction)
        if not needed:
            return norm, None, []
        return norm, self._doc(norm, lang, jurisdiction, worked_out), []

    def normalised(self, text: str, lang: str) -> Normalised:
        """The note as the rules read it: normalise.py, then (English) spelling.py."""
        norm = normalise(text, lang)
        fixer = self.spelling.get(lang)
        return norm if fixer is None else fixer.fix(norm)

    def _prepare(self, text: str, lang: str, jurisdiction: str) -> tuple[Normalised, Doc]:
        """The normalised note and its Doc, ready for the pipes (no gate)."""
        norm = self.normalised(text, lang)
        return norm, self._doc(norm, lang, jurisdiction, {})

    def _doc(self, norm: Normalised, lang: str, jurisdiction: str,
             worked_out: dict[str, Any]) -> Doc:
        """The note's Doc with what the pipes read besides the tokens (and what the gate
        already worked out for them)."""
        doc = self.pipelines[lang].make_doc(norm.text)
        doc.user_data.update(worked_out)
        doc.user_data[JURISDICTION_KEY] = jurisdiction
        doc.user_data[TEXT_KEY] = norm.text
        return doc

    def _findings(self, norm: Normalised, lang: str, hits: Iterable[Hit]) -> list[Finding]:
        component = self.pipelines[lang].get_pipe("compliance_rules")
        findings = [self._finding(norm, component.rules[hit.rule], hit) for hit in hits]
        findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.start, f.rule_id))
        return findings

    @staticmethod
    def _finding(norm: Normalised, rule: dict[str, Any], hit: Hit) -> Finding:
        start, end = norm.to_original(hit.start_char, hit.end_char)
        return Finding(rule_id=rule["id"], category=rule["category"], severity=rule["severity"],
                       start=start, end=end, text=norm.original[start:end],
                       message=rule["message"], citation=rule["citation"],
                       suggestion=rule["suggestion"])


def _batches_by_language(items: Iterable[dict[str, Any]]
                         ) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """Consecutive runs of one language (keeps output order, lets nlp.pipe batch)."""
    current: str | None = None
    batch: list[tuple[str, str]] = []
    for item in items:
        text = item["text"]
        lang, jurisdiction = resolve(text, item.get("lang"), item.get("jurisdiction"))
        if lang != current or len(batch) >= PIPE_BATCH_SIZE:
            if batch and current is not None:
                yield current, batch
            current, batch = lang, []
        batch.append((text, jurisdiction))
    if batch and current is not None:
        yield current, batch


@lru_cache(maxsize=8)
def _cached_checker(path: Path, stamp: tuple[int, int]) -> Checker:
    return Checker.from_dir(path)


def _folder_stamp(path: Path) -> tuple[int, int]:
    """Newest modification time and count of the YAML files: cheap to read on every call."""
    stamps = [p.stat().st_mtime_ns for p in path.rglob("*.yaml")] if path.is_dir() else []
    return max(stamps, default=0), len(stamps)


def get_checker(rules_dir: str | Path) -> Checker:
    """The checker of a rules folder, built once per folder and rebuilt when a file changes."""
    path = Path(rules_dir).resolve()
    return _cached_checker(path, _folder_stamp(path))
