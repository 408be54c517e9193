"""Candidate gate: decide before building a Doc whether a note can match any rule.

Most notes match nothing, and for them building a spaCy Doc and running the matchers is most
of the cost. The gate answers "could any rule match?" with necessary conditions of the
pipeline's own tests, so a note it turns away is one the pipeline would not flag:

- Terms (rule phrases, sequence terms): one Aho-Corasick automaton (pyahocorasick) of every
  term, scanned once over the note. The PhraseMatcher compares tokens by ORTH, and consecutive
  tokens of a Doc are separated only by their trailing whitespace (one space or none), so a
  matched term with spaces deleted is a substring of the note with spaces deleted: both sides
  are scanned that way (`_squeeze`). `a p p` matches the term `app` in the pipeline, and here.
- Words (English): a substring is not a word (`ass` in `pass`, `on` in `phone`), so where a
  language has token patterns the gate also knows the note's words. spaCy tokenizes each
  whitespace-separated chunk on its own (that is what its cache relies on), so each distinct
  chunk is tokenized once and its words remembered: ORTH and NORM exactly as in the Doc,
  special cases (`can't` -> `ca` + `n't`, NORM `can`) and lemma NORMs included. A term then
  counts only when all its words are in the note; token patterns and single-word REGEX
  patterns go through the component's own tests before its Matcher (anchor word, a word of
  every required condition, words in order at allowed distances; see anchors.py), run on
  the remembered words instead of a Doc.
- A sequence needs a term of every group.
- Recognisers work on text already: the gate runs them on the notes nothing else made a
  candidate.
What the gate computed (recogniser spans, the token patterns to run, single-word REGEX hits) is
handed to the pipeline in doc.user_data, so nothing is computed twice.

A note with no candidate gets [] and no Doc; the others go through the full pipeline unchanged.
tests/compliance/test_gate.py compares findings with and without the gate.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

import ahocorasick

from assistant.compliance.recognizer_types import Span

# Where the pipeline finds what the gate worked out (doc.user_data keys).
RECOGNIZED_KEY = "compliance_recognized"  # (rules served, spans) per active recogniser
PATTERN_KEYS_KEY = "compliance_pattern_keys"  # token patterns worth a Matcher call
WORD_HITS_KEY = "compliance_word_hits"  # hits of single-word REGEX patterns

if TYPE_CHECKING:
    from assistant.compliance.components import RuleComponent

# Remembered per chunk: ORTH, NORM, LOWER ids of its tokens in order; distinct ORTH, NORM ids;
# the token patterns its words anchor and the required conditions they satisfy.
_ChunkWords = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], frozenset[int],
                    frozenset[int], frozenset[int], frozenset[int]]
# (rules served, spans) of each active recogniser, in the component's order.
Recognized = list[tuple[tuple[int, ...], list[Span]]]

_CHUNK_MEMO_LIMIT = 200_000
# Whitespace that becomes a token of its own: anything but one space between two chunks.
_SPACE_TOKENS = re.compile(r"[^\S ]|  |^ ")
_TOKEN_RUNS = re.compile(r"\S+|\s+")


def _squeeze(text: str) -> str:
    """The text without spaces (a token's trailing whitespace is always one space)."""
    return text.replace(" ", "")


@dataclass(frozen=True, slots=True)
class _Plan:
    """What can make a note a candidate in one jurisdiction."""

    phrase_keys: frozenset[int]  # automaton keys of terms that are phrases of a rule
    # key -> groups (as sets of keys) of each sequence the key can start the check of
    sequence_triggers: dict[int, tuple[tuple[frozenset[int], ...], ...]]


class CandidateGate:
    """Tells whether a normalised note can have any finding, without building a Doc."""

    def __init__(self, component: RuleComponent) -> None:
        self.component = component
        nlp = component.nlp
        # Terms by their text without spaces: one automaton key may stand for several terms.
        self.term_keys: dict[int, int] = {}
        keys: dict[str, int] = {}
        triggers = component.phrase_rules.keys() | component.sequence_terms.keys()
        for term, term_id in component.term_ids.items():
            if term_id in triggers:  # cue-only terms never make a candidate
                self.term_keys[term_id] = keys.setdefault(_squeeze(term), len(keys))
        self.automaton = ahocorasick.Automaton()
        for key_text, key in keys.items():
            self.automaton.add_word(key_text, key)
        if not keys:
            self.automaton.add_word("\0", -1)
        self.automaton.make_automaton()
        # Words are tracked only where token patterns need them (not for Chinese characters).
        self.words = bool(component.pattern_matchers or component.word_regexes)
        # Per key, the words of each of its terms: the key counts when all words of one of
        # them are in the note.
        self.key_words: dict[int, list[frozenset[int]]] = defaultdict(list)
        if self.words:
            terms = [t for t, i in component.term_ids.items() if i in self.term_keys]
            for term, doc in zip(terms, nlp.tokenizer.pipe(terms), strict=True):
                self.key_words[self.term_keys[component.term_ids[term]]].append(
                    frozenset(t.orth for t in doc))
        self._chunks: dict[str, _ChunkWords] = {}
        self._plans: dict[str, _Plan] = {}

    # -- per jurisdiction -------------------------------------------------------------------
    def _plan(self, jurisdiction: str) -> _Plan:
        plan = self._plans.get(jurisdiction)
        if plan is None:
            plan = self._plans[jurisdiction] = self._build_plan(jurisdiction)
        return plan

    def _build_plan(self, jurisdiction: str) -> _Plan:
        component = self.component

        def applies(rule: int) -> bool:
            return jurisdiction in component.rules[rule]["jurisdictions"]

        keys = self.term_keys
        phrase_keys = frozenset(keys[term] for term, rules in component.phrase_rules.items()
                                if any(applies(r) for r in rules))
        triggers: dict[int, list[tuple[frozenset[int], ...]]] = defaultdict(list)
        for index, (rule, _, _) in enumerate(component.sequences):
            trigger = component.sequence_trigger_group[index]
            if applies(rule) and trigger >= 0:
                groups = tuple(frozenset(keys[t] for t in group)
                               for group in component.sequence_groups[index])
                for key in groups[trigger]:
                    triggers[key].append(groups)
        return _Plan(phrase_keys, {key: tuple(groups) for key, groups in triggers.items()})

    # -- per note ---------------------------------------------------------------------------
    def scan(self, text: str, jurisdiction: str) -> tuple[bool, dict[str, Any]]:
        """Whether the note needs the pipeline, and what the gate worked out on the way for
        the pipeline to reuse (entries for doc.user_data)."""
        plan = self._plan(jurisdiction)
        found = {key for _, key in self.automaton.iter(_squeeze(text))}
        if not self.words:
            if self._terms_match(found, plan):
                return True, {}
            return self._recognized(text, jurisdiction)
        words = self._note_words(text)
        orths = set().union(*[w[3] for w in words])
        key_words = self.key_words
        found = {key for key in found if any(needed <= orths for needed in key_words[key])}
        # The token-pattern stage is worked out here in any case (from what each chunk
        # gates, remembered with its words) and handed on, so the pipeline skips it.
        columns = _Columns(words)
        component = self.component
        word_hits = component.word_regex_hits(
            columns, jurisdiction, {"orth": orths, "norm": set().union(*[w[4] for w in words])})
        gated = (set().union(*[w[5] for w in words]), set().union(*[w[6] for w in words]))
        patterns = list(component.patterns_to_run(columns, jurisdiction, gated))
        worked_out = {PATTERN_KEYS_KEY: patterns, WORD_HITS_KEY: word_hits}
        if word_hits or patterns or self._terms_match(found, plan):
            return True, worked_out
        needed, recognized = self._recognized(text, jurisdiction)
        return needed, worked_out | recognized

    def _recognized(self, text: str, jurisdiction: str) -> tuple[bool, dict[str, Any]]:
        recognized = self.component.recognizer_spans(text, jurisdiction)
        return any(spans for _, spans in recognized), {RECOGNIZED_KEY: recognized}

    def _note_words(self, text: str) -> list[_ChunkWords]:
        """What is remembered of each chunk of the note, in order: the Doc's words,
        whitespace tokens included."""
        memo = self._chunks
        if _SPACE_TOKENS.search(text) is None:  # only single spaces between chunks
            return [memo.get(chunk) or self._chunk_words(chunk) for chunk in text.split()]
        words = []
        for run in _TOKEN_RUNS.finditer(text):
            chunk = run.group()
            if not chunk.isspace():
                words.append(self._chunk_words(chunk))
                continue
            # A whitespace run is tokenized alike between any two chunks, so between
            # stand-ins (`x`); its first space belongs to the token before it.
            before = "x" if run.start() > 0 else ""
            after = "x" if run.end() < len(text) else ""
            words.append(self._chunk_words(before + chunk + after, spaces=True))
        return words

    @staticmethod
    def _terms_match(found: set[int], plan: _Plan) -> bool:
        if not plan.phrase_keys.isdisjoint(found):
            return True
        for key in found & plan.sequence_triggers.keys():
            for groups in plan.sequence_triggers[key]:
                if not any(map(found.isdisjoint, groups)):
                    return True
        return False

    def _chunk_words(self, chunk: str, *, spaces: bool = False) -> _ChunkWords:
        """What the gate remembers of a chunk's tokens (only its whitespace tokens when
        `spaces`; see _ChunkWords), tokenized once per distinct chunk."""
        memo_key = "\0" + chunk if spaces else chunk
        words = self._chunks.get(memo_key)
        if words is None:
            if len(self._chunks) >= _CHUNK_MEMO_LIMIT:
                self._chunks.clear()
            tokens = [t for t in self.component.nlp.tokenizer(chunk) if t.is_space or not spaces]
            orths = tuple(t.orth for t in tokens)
            norms = tuple(t.norm for t in tokens)
            keys, satisfied = self.component.word_gates(frozenset(orths), frozenset(norms))
            words = (orths, norms, tuple(t.lower for t in tokens), frozenset(orths),
                     frozenset(norms), frozenset(keys), frozenset(satisfied))
            self._chunks[memo_key] = words
        return words


class _Columns(dict[str, list[int]]):
    """The note's ORTH / NORM / LOWER ids, each joined from the chunks when first read."""

    _INDEX = {"orth": 0, "norm": 1, "lower": 2}

    def __init__(self, words: list[_ChunkWords]) -> None:
        super().__init__()
        self.words = words

    def __missing__(self, kind: str) -> list[int]:
        index = self._INDEX[kind]
        column = list(chain.from_iterable(w[index] for w in self.words))
        self[kind] = column
        return column
