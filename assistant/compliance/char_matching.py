"""Rule matching on the text of a Chinese note, without building a spaCy Doc.

spaCy's char segmenter (tokenizer.py) makes every character of a note a token, except
whitespace: one space after a character is that token's trailing space, any other run of
whitespace is a token of its own. So the note's tokens can be written as a string with one
character per token (a run of whitespace becomes one placeholder character), where token
positions are string positions. On that string one Aho-Corasick scan (pyahocorasick) finds
every term the component's two PhraseMatchers would find, and the component's own steps
(phrases, ordered sequences, recognisers, context cues) run on those positions: the hits are
the ones the pipeline finds on the Doc. tests/compliance/test_gate.py compares both on every
labelled note, every rule example and generated text.

Work is done per distinct term text (an automaton key), and positions are looked at only for
the few notes where a phrase occurs or every group of a sequence does.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick

from assistant.compliance.chains import SENTENCE_MARKS, chain_matches
from assistant.compliance.components import CLAUSE_MARKS, Hit, separates_segments
from assistant.compliance.tokenizer import words_and_spaces

if TYPE_CHECKING:
    from assistant.compliance.components import RuleComponent

# Stands for a token made of a run of whitespace other than one space (`\n\n`, two spaces):
# such a token is in no term and is not a sentence mark (only `\n` itself is).
_WHITESPACE_RUN = "\x00"
_WHITESPACE = re.compile(r"\s")
# One space after a character is that token's trailing space; other whitespace runs are tokens.
_SPACE_OR_RUN = re.compile(r"(?<=\S)( )|(\s+)")
_SENTENCE_MARK = re.compile("[" + re.escape("".join(sorted(SENTENCE_MARKS))) + "]")
_CLAUSE_MARK = re.compile("[" + re.escape("".join(sorted(CLAUSE_MARKS | {"/"}))) + "]")


def _token_of_whitespace(match: re.Match[str]) -> str:
    """A single space after a character disappears; a whitespace run stays one token."""
    run = match.group(2)
    return "" if run is None else run if len(run) == 1 else _WHITESPACE_RUN


def token_string(words: list[str]) -> str | None:
    """One character per token; None if a token other than whitespace has more than one
    character (then positions in the string would not be token positions)."""
    if all(len(word) == 1 for word in words):
        return "".join(words)
    if any(len(word) > 1 and not word.isspace() for word in words):
        return None
    return "".join(word if len(word) == 1 else _WHITESPACE_RUN for word in words)


class TokenView:
    """A note's tokens as positions in its token string, with the character offsets of the
    normalised text the findings need."""

    __slots__ = ("text", "tokens", "length", "_starts", "_ends", "_bounds")

    def __init__(self, text: str) -> None:
        self.text = text  # the normalised note
        self._bounds: dict[bool, list[int]] = {}
        # Most notes have no whitespace: a token is a character. Otherwise the offsets are
        # worked out when first needed (few notes have a hit).
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        self.tokens = (text if _WHITESPACE.search(text) is None
                       else _SPACE_OR_RUN.sub(_token_of_whitespace, text))
        self.length = len(self.tokens)

    def _offsets(self) -> tuple[list[int], list[int]]:
        if self._starts is None or self._ends is None:
            words, spaces = words_and_spaces(self.text)
            starts, ends, at = [], [], 0
            for word, space in zip(words, spaces, strict=True):
                starts.append(at)
                at += len(word)
                ends.append(at)
                at += space
            self._starts, self._ends = starts, ends
        return self._starts, self._ends

    def boundaries(self, *, clause: bool) -> list[int]:
        """Token indices of sentence (or clause) marks, worked out once per note."""
        bounds = self._bounds.get(clause)
        if bounds is None:
            marks = _CLAUSE_MARK if clause else _SENTENCE_MARK
            bounds = [m.start() for m in marks.finditer(self.tokens)
                      if m.group() != "/" or separates_segments(self.text,
                                                                self.char_start(m.start()))]
            self._bounds[clause] = bounds
        return bounds

    def char_start(self, token: int) -> int:
        return token if self.tokens is self.text else self._offsets()[0][token]

    def char_end(self, token: int) -> int:
        """Where token `token` ends in the text (its trailing space not included)."""
        return token + 1 if self.tokens is self.text else self._offsets()[1][token]

    def token_span(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        """The tokens a character span touches (Doc.char_span with alignment_mode="expand")."""
        if end_char <= start_char:
            return None
        if self.tokens is self.text:
            return start_char, end_char
        starts, ends = self._offsets()
        first = bisect_right(starts, start_char) - 1
        if first < 0 or ends[first] <= start_char:  # starts in whitespace
            first += 1
        last = bisect_left(starts, end_char)
        return first, last  # empty where the range is only whitespace, as spaCy's

    def with_chars(self, hit: Hit) -> Hit:
        if hit.start_char >= 0:
            return hit
        return Hit(hit.rule, hit.start, hit.end, self.char_start(hit.start),
                   self.char_end(hit.end - 1))


@dataclass(frozen=True, slots=True)
class _Plan:
    """What can make a hit in one jurisdiction, by automaton key."""

    phrase_rules: dict[int, tuple[int, ...]]  # key -> rules that have its term as a phrase
    sequences: dict[int, tuple[int, ...]]  # key -> sequences its term can start the check of


class CharMatcher:
    """The rule component's matching for a pipeline whose tokens are characters."""

    def __init__(self, component: RuleComponent) -> None:
        self.component = component
        trigger_ids = set(component.phrase_rules) | set(component.sequence_terms)
        keys: dict[str, int] = {}
        self.key_of_term: dict[int, int] = {}
        cues: dict[int, list[int]] = defaultdict(list)
        self.supported = True
        for term, term_id in component.term_ids.items():
            key_text = token_string(words_and_spaces(term)[0])
            if key_text is None or _WHITESPACE_RUN in key_text:
                self.supported = False  # such a term needs the Doc's tokens
                continue
            key = self.key_of_term[term_id] = keys.setdefault(key_text, len(keys))
            # The cue matcher has every term that is not a trigger, and triggers that are
            # cues as well.
            if term_id not in trigger_ids or term_id in component.cue_term_ids:
                cues[key].append(term_id)
        self.key_lengths = [len(text) for text in keys]
        self.key_cues = [tuple(cues.get(key, ())) for key in range(len(keys))]
        # Two automata: triggers run on every note, cues only on notes with a hit (single
        # characters such as 未 or 不 are cues in most notes; walking them costs).
        # The trigger automaton has the terms of `requires` windows too: a rule whose
        # required cue is nowhere in the note cannot fire, so it is not matched at all.
        key_of = self.key_of_term
        self.rule_needs = [tuple(frozenset(key_of[t] for t in window.terms if t in key_of)
                                 for window in windows) for windows in component.requires]
        trigger_keys = {key_of[t] for t in trigger_ids if t in key_of}
        trigger_keys.update(*[keys for needs in self.rule_needs for keys in needs])
        self.automaton = _automaton((text, key) for text, key in keys.items()
                                    if key in trigger_keys)
        self.cue_automaton = _automaton((text, key) for text, key in keys.items() if key in cues)
        self.sequence_groups = [tuple(frozenset(key_of[t] for t in group if t in key_of)
                                      for group in groups)
                                for groups in component.sequence_groups]
        # Per sequence: rule, number of groups, max_gap, not_between terms.
        self.sequence_facts = [
            (rule, count, component.rules[rule]["sequences"][seq_index]["max_gap"],
             component.sequence_blockers[index])
            for index, (rule, seq_index, count) in enumerate(component.sequences)]
        self._plans: dict[str, _Plan] = {}

    def _plan(self, jurisdiction: str) -> _Plan:
        plan = self._plans.get(jurisdiction)
        if plan is None:
            component = self.component
            phrase_map, triggers = component.maps_for(jurisdiction)
            phrase_rules: dict[int, set[int]] = defaultdict(set)
            for term, rules in phrase_map.items():
                if term in self.key_of_term:
                    phrase_rules[self.key_of_term[term]].update(rules)
            sequences: dict[int, set[int]] = defaultdict(set)
            for term, keys in triggers.items():
                if term in self.key_of_term:
                    sequences[self.key_of_term[term]].update(keys)
            plan = self._plans[jurisdiction] = _Plan(
                {key: tuple(sorted(rules)) for key, rules in phrase_rules.items()},
                {key: tuple(sorted(seqs)) for key, seqs in sequences.items()})
        return plan

    def hits(self, text: str, jurisdiction: str) -> list[Hit]:
        """The note's hits, context applied and character offsets set, as the component
        finds them on the note's Doc."""
        component = self.component
        view = TokenView(text)
        found = list(self.automaton.iter(view.tokens))
        present = {key for _, key in found}
        plan = self._plan(jurisdiction)
        rule_needs = self.rule_needs

        def needs_met(rule: int) -> bool:
            return not any(map(present.isdisjoint, rule_needs[rule]))

        phrases = [(key, rule) for key in present & plan.phrase_rules.keys()
                   for rule in plan.phrase_rules[key] if needs_met(rule)]
        groups_of, facts = self.sequence_groups, self.sequence_facts
        # Sequences through their least common group, kept when every group is present.
        complete = {seq for key in present & plan.sequences.keys()
                    for seq in plan.sequences[key]
                    if not any(map(present.isdisjoint, groups_of[seq]))
                    and needs_met(facts[seq][0])}
        hits: list[Hit] = []
        if phrases or complete:
            needed = {key for key, _ in phrases}.union(
                *[group & present for seq in complete for group in groups_of[seq]])
            lengths = self.key_lengths
            spans_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for end, key in found:
                if key in needed:
                    spans_of[key].append((end + 1 - lengths[key], end + 1))
            for key, rule in phrases:
                hits.extend(Hit(rule, start, end) for start, end in spans_of[key])
            for seq in complete:
                rule, count, max_gap, blockers = facts[seq]
                positions = {index: [span for key in group & present for span in spans_of[key]]
                             for index, group in enumerate(groups_of[seq])}
                hits.extend(Hit(rule, start, end, blockers=blockers,
                                gaps=gaps if blockers else ())
                            for start, end, gaps in chain_matches(
                                positions, count, max_gap, view.boundaries(clause=False)))
        hits.extend(component.recognizer_hits(view, component.recognizer_spans(text,
                                                                                jurisdiction)))
        if not hits:
            return hits
        lengths, key_cues = self.key_lengths, self.key_cues
        cue_hits = [(term, end + 1 - lengths[key], end + 1)
                    for end, key in self.cue_automaton.iter(view.tokens)
                    for term in key_cues[key]]
        return [view.with_chars(hit) for hit in component.in_context(view, hits, cue_hits)]


def _automaton(keys: Iterable[tuple[str, int]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for text, key in keys:
        if text:
            automaton.add_word(text, key)
    if not len(automaton):
        automaton.add_word(_WHITESPACE_RUN, -1)  # matches nothing a key is looked up for
    automaton.make_automaton()
    return automaton
