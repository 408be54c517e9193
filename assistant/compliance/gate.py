"""Candidate gate: decide before building a Doc whether a note can match any rule.

Most notes match nothing, and for them building a spaCy Doc and running the matchers is most
of the cost. The gate answers "could any rule match?" with necessary conditions of the
pipeline's own tests, so a note it turns away is one the pipeline would not flag:

- (Chinese notes do not come here: their tokens are characters, so char_matching.py finds
  their hits on the text itself.)
- The gate knows the note's tokens. spaCy tokenizes each whitespace-separated chunk on its
  own (that is what its cache relies on), so each distinct chunk is tokenized once and
  remembered: its part of the orth string (`SEP orth` per token) and of the word string
  (token_regex.py), the token-pattern conditions its words meet and the patterns they wake
  up, and its words' single-word REGEX hits. Terms are found by the automaton in the joined
  orth string, token by token as the PhraseMatcher finds them (a substring is not a word:
  `ass` in `pass`); token patterns run as compiled regexes on the joined word string. Notes
  whose whitespace makes tokens of its own (line breaks, runs of spaces) go to the pipeline.
- A sequence needs a term of every group.
- Recognisers work on text already: the gate runs them on the notes nothing else made a
  candidate.
What the gate computed (recogniser spans, token-pattern hits, the spaCy Matchers still to run)
is handed to the pipeline in doc.user_data, so nothing is computed twice.

A note with no candidate gets [] and no Doc; the others go through the full pipeline unchanged.
tests/compliance/test_gate.py compares findings with and without the gate.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ahocorasick

from assistant.compliance.recognizer_types import Span
from assistant.compliance.token_regex import SEP, orth_part, render

# Where the pipeline finds what the gate worked out (doc.user_data keys).
RECOGNIZED_KEY = "compliance_recognized"  # (rules served, spans) per active recogniser
# (hits of token patterns and single-word REGEX patterns, spaCy Matchers worth running, the
# number of tokens they were worked out on)
TOKEN_PATTERNS_KEY = "compliance_token_patterns"

if TYPE_CHECKING:
    from assistant.compliance.components import RuleComponent

# Remembered per chunk: its part of the word string (token_regex.py), its number of tokens,
# its part of the orth string (`SEP orth` per token), (token offset, index) of the
# single-word REGEX patterns its words match, the token-pattern conditions its words meet
# and the token patterns they wake up (anchors).
_ChunkWords = tuple[str, int, str, tuple[tuple[int, int], ...], frozenset[int],
                    frozenset[int]]
# (rules served, spans) of each active recogniser, in the component's order.
Recognized = list[tuple[tuple[int, ...], list[Span]]]

_CHUNK_MEMO_LIMIT = 200_000
# Whitespace that becomes a token of its own: anything but one space between two chunks.
_SPACE_TOKENS = re.compile(r"[^\S ]|  |^ ")


@dataclass(frozen=True, slots=True)
class _Plan:
    """What can make a note a candidate in one jurisdiction."""

    # automaton key -> rules that have the key's term as a phrase
    phrase_keys: dict[int, tuple[int, ...]]
    # key -> (groups as sets of keys, max_gap, rule) of each sequence the key can start the
    # check of
    sequence_triggers: dict[int, tuple[tuple[tuple[frozenset[int], ...], int, int], ...]]


class CandidateGate:
    """Tells whether a normalised note can have any finding, without building a Doc."""

    def __init__(self, component: RuleComponent) -> None:
        self.component = component
        nlp = component.nlp
        # Terms by their tokens (`SEP orth SEP orth ... SEP`, matched in the note's orth
        # string exactly as the PhraseMatcher matches tokens): one automaton key may stand
        # for several terms.
        self.term_keys: dict[int, int] = {}
        keys: dict[str, int] = {}
        triggers = component.phrase_rules.keys() | component.sequence_terms.keys()
        # Terms of `requires` windows too: a rule whose required cue is nowhere in the note
        # cannot fire (other cue-only terms never matter to the gate).
        required = {term for windows in component.requires for window in windows
                    for term in window.terms}
        terms = [(term, i) for term, i in component.term_ids.items()
                 if i in triggers or i in required]
        texts = ["".join(orth_part(t.orth_) for t in doc) + SEP
                 for doc in nlp.tokenizer.pipe(term for term, _ in terms)]
        for (_, term_id), text in zip(terms, texts, strict=True):
            self.term_keys[term_id] = keys.setdefault(text, len(keys))
        self.automaton = ahocorasick.Automaton()
        for key_text, key in keys.items():
            self.automaton.add_word(key_text, key)
        if not keys:
            self.automaton.add_word("\0", -1)
        self.automaton.make_automaton()
        # Per rule, the keys of each of its `requires` windows: one of each must be found.
        self.rule_needs = [tuple(frozenset(self.term_keys[t] for t in window.terms)
                                 for window in windows) for windows in component.requires]
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
        phrase_keys: dict[int, set[int]] = defaultdict(set)
        for term, rules in component.phrase_rules.items():
            phrase_keys[keys[term]].update(r for r in rules if applies(r))
        triggers: dict[int, list[tuple[tuple[frozenset[int], ...], int, int]]] = defaultdict(
            list)
        for index, (rule, seq, _) in enumerate(component.sequences):
            trigger = component.sequence_trigger_group[index]
            if applies(rule) and trigger >= 0:
                groups = tuple(frozenset(keys[t] for t in group)
                               for group in component.sequence_groups[index])
                max_gap = component.rules[rule]["sequences"][seq]["max_gap"]
                for key in groups[trigger]:
                    triggers[key].append((groups, max_gap, rule))
        return _Plan({key: tuple(rules) for key, rules in phrase_keys.items() if rules},
                     {key: tuple(groups) for key, groups in triggers.items()})

    # -- per note ---------------------------------------------------------------------------
    def scan(self, text: str, jurisdiction: str) -> tuple[bool, dict[str, Any]]:
        """Whether the note needs the pipeline, and what the gate worked out on the way for
        the pipeline to reuse (entries for doc.user_data)."""
        plan = self._plan(jurisdiction)
        if _SPACE_TOKENS.search(text) is not None:
            # Line breaks, tabs, runs of spaces become tokens of their own: such notes are
            # left to the pipeline, which works everything out on the Doc.
            return True, {}
        memo = self._chunks
        chunks = [memo.get(chunk) or self._chunk_words(chunk) for chunk in text.split()]
        found = {key for _, key in self.automaton.iter("".join(c[2] for c in chunks) + SEP)}
        # The token-pattern stage is worked out here in any case and handed on, so the
        # pipeline skips it.
        component = self.component
        words = "".join(chunk[0] for chunk in chunks) + SEP
        met = set().union(*[chunk[4] for chunk in chunks])
        woken = set().union(*[chunk[5] for chunk in chunks])
        hits, matcher_keys = component.token_pattern_scan(words, met, jurisdiction, woken)
        offset = 0
        for chunk in chunks:
            for position, index in chunk[3]:
                hit = component.word_regex_hit(index, offset + position, jurisdiction)
                if hit is not None:
                    hits.append(hit)
            offset += chunk[1]
        worked_out = {TOKEN_PATTERNS_KEY: (hits, matcher_keys, offset)}
        if matcher_keys or any(self._needs_met(hit.rule, found) for hit in hits) or \
                self._terms_match(found, plan):
            return True, worked_out
        needed, recognized = self._recognized(text, jurisdiction)
        return needed, worked_out | recognized

    def _recognized(self, text: str, jurisdiction: str) -> tuple[bool, dict[str, Any]]:
        recognized = self.component.recognizer_spans(text, jurisdiction)
        return any(spans for _, spans in recognized), {RECOGNIZED_KEY: recognized}

    def _needs_met(self, rule: int, found: AbstractSet[int]) -> bool:
        """Whether the note has a term of each of the rule's `requires` windows."""
        return not any(map(found.isdisjoint, self.rule_needs[rule]))

    def _phrase_matches(self, found: AbstractSet[int], plan: _Plan) -> bool:
        return any(self._needs_met(rule, found) for key in found & plan.phrase_keys.keys()
                   for rule in plan.phrase_keys[key])

    def _terms_match(self, found: set[int], plan: _Plan) -> bool:
        if self._phrase_matches(found, plan):
            return True
        for key in found & plan.sequence_triggers.keys():
            for groups, _, rule in plan.sequence_triggers[key]:
                if not any(map(found.isdisjoint, groups)) and self._needs_met(rule, found):
                    return True
        return False

    def _chunk_words(self, chunk: str) -> _ChunkWords:
        """What the gate remembers of a chunk's tokens (see _ChunkWords), tokenized once per
        distinct chunk."""
        words = self._chunks.get(chunk)
        if words is None:
            if len(self._chunks) >= _CHUNK_MEMO_LIMIT:
                self._chunks.clear()
            component = self.component
            strings = component.nlp.vocab.strings
            kinds = component.word_regex_kinds
            words_part, orths_part, word_hits, met = [], [], [], set()
            # One pass over the tokens (iterating a Doc makes a Token object each time).
            for position, token in enumerate(component.nlp.tokenizer(chunk)):
                orth, lower, norm = token.orth, token.lower, token.norm
                words_part.append(render(strings[lower], strings[norm]))
                orths_part.append(orth_part(strings[orth]))
                met.update(component.conditions_met(lower, norm))
                for kind, word in (("orth", orth), ("norm", norm)):
                    if kind in kinds:
                        word_hits.extend((position, index)
                                         for index in component.word_regex_matching(kind, word))
            frozen = frozenset(met)
            words = ("".join(words_part), len(words_part), "".join(orths_part),
                     tuple(word_hits), frozen, component.patterns_woken(frozen))
            self._chunks[chunk] = words
        return words
