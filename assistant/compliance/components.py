"""The `compliance_rules` spaCy component: every rule of one language in one pass.

All phrases of all rules, sequence terms and cue terms go into ONE PhraseMatcher (one key per
distinct term) and all token patterns into one Matcher, so a note costs two matcher calls
whatever the number of rules; Python only runs for the terms that actually matched. Context
cues are looked up among those same matches.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import ahocorasick
from spacy.attrs import LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import ensure_path
from spacy.vocab import Vocab

from assistant.compliance.chains import SENTENCE_MARKS, chain_matches, first_boundary_after
from assistant.compliance.contact_recognizers import ContactGrammar, build_grammar
from assistant.compliance.gate import RECOGNIZED_KEY, TOKEN_PATTERNS_KEY
from assistant.compliance.lemmas import (
    install_lemma_norms,
    lemma_as_norm,
    spec_needs_lemmatizer,
    uses,
    word_probability,
)
from assistant.compliance.recognizers import RECOGNIZERS, RecognizerContext
from assistant.compliance.token_regex import (
    SEP,
    Condition,
    compile_pattern,
    condition_cost,
    render,
    required_conditions,
    single_word_regex,
    token_span,
)

SPEC_FILE = "spec.json"
HITS_KEY = "compliance_hits"
# The checker stores the text it tokenised here: rebuilding doc.text walks every token
# (a third of the per-note time on short Chinese notes).
TEXT_KEY = "compliance_text"
# The checker puts the jurisdiction of a note here (reading a Doc extension costs ~2 µs).
JURISDICTION_KEY = "compliance_jurisdiction"
# Marks that end a sentence (after NFKC: `。` stays, `！？；` become ASCII) and, for cue
# windows with `within: clause`, marks that end a clause.
CLAUSE_MARKS = SENTENCE_MARKS | frozenset(",:、")

_DIGIT = re.compile(r"\d")
# How much more often a term of 1, 2, 3 characters turns up in notes than a longer one (a
# guess by length; the least likely group of a sequence is looked up first).
_SHORT_TERM_WEIGHT = {1: 1000, 2: 30, 3: 3}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MARK_IDS: dict[int, dict[bool, frozenset[int]]] = {}
_REGEX, _MATCHER = 0, 1  # kinds of compiled token pattern
_WORD_MEMO_LIMIT = 500_000



@dataclass(frozen=True, slots=True)
class Hit:
    """A rule match before context: token span and exact character span of doc.text."""

    rule: int
    start: int
    end: int
    start_char: int = -1  # -1: not computed yet (phrase hits get them once they survive)
    end_char: int = -1
    # A sequence hit whose `not_between` cues must not stand in these gaps between its terms
    blockers: frozenset[int] = frozenset()
    gaps: tuple[tuple[int, int], ...] = ()


class Positions(Protocol):
    """A note's tokens as the matching and context steps read them: a Doc's (_DocView), or
    a token string's for notes matched without a Doc (char_matching.TokenView)."""

    text: str
    length: int  # number of tokens

    def boundaries(self, *, clause: bool) -> list[int]: ...

    def token_span(self, start_char: int, end_char: int) -> tuple[int, int] | None: ...

    def with_chars(self, hit: Hit) -> Hit: ...


@dataclass(frozen=True, slots=True)
class CueWindow:
    terms: frozenset[int]
    before: int
    after: int
    within: str  # "sentence" | "clause" | "note"


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
        self.cue_term_ids: set[int] = set()
        self.sequences: list[tuple[int, int, int]] = []  # (rule, sequence index, groups)
        self.sequence_blockers: list[frozenset[int]] = []  # not_between terms per sequence
        self.sequence_keys: dict[tuple[int, int], int] = {}
        self._jurisdiction_maps: dict[str, tuple[dict, dict]] = {}
        self.unless: list[list[CueWindow]] = []
        self._windows: dict[CueWindow, CueWindow] = {}
        self.requires: list[list[CueWindow]] = []
        for index, rule in enumerate(rules):
            for phrase in rule["phrases"]:
                self.phrase_rules[self._term(phrase)].append(index)
            for seq_index, sequence in enumerate(rule["sequences"]):
                blockers = frozenset(self._term(t) for t in sequence.get("not_between") or ())
                self.cue_term_ids.update(blockers)
                self.sequence_blockers.append(blockers)
                self.sequence_keys[(index, seq_index)] = len(self.sequences)
                self.sequences.append((index, seq_index, len(sequence["all"])))
                for group_index, group in enumerate(sequence["all"]):
                    for term in group:
                        self.sequence_terms[self._term(term)].append(
                            (index, seq_index, group_index))
            self.unless.append([self._window(c) for c in rule["unless"]])
            self.requires.append([self._window(c) for c in rule["requires"]])
        # Phrases that contain a cue without being one (cues_<lang>.yaml, not_cues).
        self.not_cue_ids = frozenset(self._term(p) for p in self.spec.get("not_cues") or ())
        self.cue_term_ids.update(self.not_cue_ids)
        # Per sequence: its groups as term sets, and the group whose terms occur in the
        # fewest sequences (a proxy for the least common group in notes: words such as
        # 客户 or 还款 are in many sequences).
        self.sequence_groups: list[tuple[frozenset[int], ...]] = []
        self.sequence_trigger_group: list[int] = []
        frequency = self._sample_frequency()
        for rule_index, seq_index, _ in self.sequences:
            groups = tuple(frozenset(self.term_ids[t] for t in group)
                           for group in rules[rule_index]["sequences"][seq_index]["all"])
            self.sequence_groups.append(groups)
            weights = [sum(frequency[t] for t in group) for group in groups]
            # A sequence without groups never matches (no term can complete it): -1.
            self.sequence_trigger_group.append(weights.index(min(weights)) if weights else -1)
        # Two matchers: triggers (rule phrases, sequence terms) run on every note; cues only
        # on the few notes that have a candidate. Single-character cues such as `未` match
        # in most Chinese notes, and walking their matches cost more than the matching.
        trigger_ids = set(self.phrase_rules) | set(self.sequence_terms)
        self.trigger_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        self.cue_matcher = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        terms = list(self.term_ids)
        for term, doc in zip(terms, self.nlp.tokenizer.pipe(terms), strict=True):
            matcher = (self.trigger_matcher if self.term_ids[term] in trigger_ids
                       else self.cue_matcher)
            matcher.add(term, [doc])
            if matcher is self.trigger_matcher and self.term_ids[term] in self.cue_term_ids:
                self.cue_matcher.add(term, [doc])
        self.match_terms = {self.nlp.vocab.strings[term]: i for term, i in self.term_ids.items()}
        # Token patterns are compiled to regular expressions over the note's word string
        # (token_regex.py); the few that cannot be get a spaCy Matcher each.
        self.regex_patterns: list[tuple[int, re.Pattern[str]]] = []
        self.regex_pattern_sources: list[list[dict[str, Any]]] = []  # as spaCy patterns
        self.pattern_matchers: list[tuple[int, Matcher]] = []
        # Single-word REGEX patterns (profanity spellings): tested once per distinct word of
        # the vocabulary and remembered, instead of per token by the Matcher.
        self.word_regexes: list[tuple[int, tuple[str, re.Pattern[str]]]] = []
        self._word_regex_memo: dict[tuple[str, int], tuple[int, ...]] = {}
        # Each distinct required word condition gets a number. Every distinct word of the
        # vocabulary is tested once against all conditions and the answer remembered, so a
        # note's met conditions are the union of its words' (its chunks', in the gate). A
        # pattern is tried only when the note meets all its required conditions; candidates
        # are found through each pattern's rarest condition (its anchor).
        numbers: dict[Condition, int] = {}
        # (kind, index in regex_patterns or pattern_matchers, rule, conditions it needs)
        self.token_patterns: list[tuple[int, int, int, frozenset[int]]] = []
        self.patterns_by_anchor: dict[int, list[int]] = defaultdict(list)
        self.unanchored: list[int] = []
        all_patterns = [p for rule in rules for p in rule["token_patterns"]]
        via_norm = uses(all_patterns, "LEMMA") and not spec_needs_lemmatizer(self.spec)
        if via_norm:
            install_lemma_norms(self.nlp.vocab, lang)
        for index, rule in enumerate(rules):
            patterns = rule["token_patterns"]
            for pattern in lemma_as_norm(patterns) if via_norm else patterns:
                word_regex = single_word_regex(pattern)
                if word_regex is not None:
                    self.word_regexes.append((index, word_regex))
                    continue
                compiled = compile_pattern(pattern)
                if compiled is not None:
                    kind, at = _REGEX, len(self.regex_patterns)
                    self.regex_patterns.append((index, compiled))
                    self.regex_pattern_sources.append(pattern)
                else:
                    matcher = Matcher(self.nlp.vocab, validate=True)
                    matcher.add(rule["id"], [pattern])
                    kind, at = _MATCHER, len(self.pattern_matchers)
                    self.pattern_matchers.append((index, matcher))
                conditions = required_conditions(pattern)
                needs = frozenset(numbers.setdefault(c, len(numbers)) for c in conditions)
                entry = len(self.token_patterns)
                self.token_patterns.append((kind, at, index, needs))
                if not conditions:
                    self.unanchored.append(entry)
                    continue
                probability = word_probability(lang)  # cached; a table of ~1 MB, loaded once
                rarest = min(conditions, key=lambda c: condition_cost(c, probability))
                self.patterns_by_anchor[numbers[rarest]].append(entry)
        self.anchor_conditions = frozenset(self.patterns_by_anchor)
        self._words_meeting: dict[str, dict[str, list[int]]] = {"lower": defaultdict(list),
                                                                 "norm": defaultdict(list)}
        self._regex_conditions: dict[str, list[tuple[re.Pattern[str], int]]] = {
            "lower": [], "norm": []}
        for (part, test, argument), number in numbers.items():
            if test == "regex":
                self._regex_conditions[part].append((re.compile(argument), number))
            else:
                for word in argument:
                    self._words_meeting[part][word].append(number)
        self._met_by_word: dict[tuple[int, int], frozenset[int]] = {}
        self._jurisdiction_patterns: dict[str, frozenset[int]] = {}
        # Most new words match no regex at all: one combined search says so at once.
        self._regex_condition_screens = {
            part: _screen([regex for regex, _ in conditions])
            for part, conditions in self._regex_conditions.items()}
        self._word_regex_screens = {
            kind: _screen([regex for _, (k, regex) in self.word_regexes if k == kind])
            for kind in ("orth", "norm")}
        self.has_token_patterns = bool(self.regex_patterns or self.pattern_matchers)
        self.word_regex_kinds = frozenset(kind for _, (kind, _) in self.word_regexes)
        self.recognizer_rules: dict[str, list[int]] = defaultdict(list)
        for index, rule in enumerate(rules):
            for name in rule["recognizers"]:
                self.recognizer_rules[name].append(index)
        self._recognizer_setups: dict[str, tuple[RecognizerContext, list[Any], Any]] = {}
        self.grammar: ContactGrammar = build_grammar(self.spec.get("terms") or {}, lang)

    def _sample_frequency(self) -> dict[int, int]:
        """Per sequence term, 1 + the number of the spec's sample notes (the rules' examples)
        it occurs in: how likely a note is to have it. Without a sample, a guess by length
        (`还`, `已`, `发` are in most notes) and by the number of sequences using it."""
        sample = self.spec.get("sample") or []
        if not sample:
            return {term: _SHORT_TERM_WEIGHT.get(len(text), 1) * len(self.sequence_terms[term])
                    for text, term in self.term_ids.items()}
        chinese = self.nlp.lang == "zh"

        def key(text: str) -> str:  # terms as tokens join up: no spaces in Chinese
            return text.replace(" ", "") if chinese else f" {text} "

        automaton = ahocorasick.Automaton()
        for text, term in self.term_ids.items():
            if term in self.sequence_terms:
                automaton.add_word(key(text), term)
        if not len(automaton):
            return dict.fromkeys(self.term_ids.values(), 1)
        automaton.make_automaton()
        frequency = dict.fromkeys(self.term_ids.values(), 1)
        for note in sample:
            text = key(note) if chinese else " " + " ".join(
                token.lower_ for token in self.nlp.tokenizer(note)) + " "
            for term in {term for _, term in automaton.iter(text)}:
                frequency[term] += 1
        return frequency

    def _term(self, phrase: str) -> int:
        return self.term_ids.setdefault(phrase, len(self.term_ids))

    def _window(self, check: dict[str, Any]) -> CueWindow:
        terms = frozenset(self._term(t) for t in check["terms"])
        self.cue_term_ids.update(terms)
        window = CueWindow(terms, check["before"], check["after"], check["within"])
        # Rules share cue windows (the same lists, YAML anchors): one object per distinct
        # window lets a note test each (window, span) once.
        return self._windows.setdefault(window, window)

    # -- running ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        jurisdiction = doc.user_data.get(JURISDICTION_KEY) or self.default_jurisdiction
        view = _DocView(doc)
        hits = self._phrase_hits(view, self._terms(self.trigger_matcher, doc), jurisdiction)
        if self.has_token_patterns or self.word_regexes:
            hits.extend(self._token_pattern_hits(doc, jurisdiction))
        recognized = doc.user_data.get(RECOGNIZED_KEY)
        if recognized is None:
            recognized = self.recognizer_spans(view.text, jurisdiction)
        hits.extend(self.recognizer_hits(view, recognized))
        if hits:
            cue_hits = self._terms(self.cue_matcher, doc)
            hits = [view.with_chars(h) for h in self.in_context(view, hits, cue_hits)]
        doc.user_data[HITS_KEY] = hits
        spans = [doc.char_span(h.start_char, h.end_char, label=self.rules[h.rule]["id"],
                               alignment_mode="expand") for h in hits]
        doc.spans[self.spans_key] = [span for span in spans if span is not None]
        return doc

    def _token_pattern_hits(self, doc: Doc, jurisdiction: str) -> list[Hit]:
        worked_out = doc.user_data.get(TOKEN_PATTERNS_KEY)
        # Worked out by the candidate gate on the note's chunks, unless its tokens were not
        # the Doc's (spaCy splits some runs of quote marks differently across chunks).
        if worked_out is None or worked_out[2] != len(doc):
            columns = doc.to_array([ORTH, NORM, LOWER])
            hits = self.word_regex_hits({"orth": columns[:, 0].tolist(),
                                         "norm": columns[:, 1].tolist()}, jurisdiction)
            lowers, norms = columns[:, 2].tolist(), columns[:, 1].tolist()
            met: set[int] = set()
            for lower, norm in zip(lowers, norms, strict=True):
                met.update(self.conditions_met(lower, norm))
            pattern_hits, matcher_keys = self.token_pattern_scan(
                self.word_string(lowers, norms), met, jurisdiction)
            hits.extend(pattern_hits)
        else:
            found, matcher_keys, _ = worked_out
            hits = list(found)
        for key in matcher_keys:
            rule, matcher = self.pattern_matchers[key]
            hits.extend(Hit(rule, start, end) for _, start, end in matcher(doc))
        return hits

    def word_string(self, lowers: list[int], norms: list[int]) -> str:
        """The word string of tokens given by LOWER and NORM ids (token_regex.py)."""
        strings = self.nlp.vocab.strings
        return "".join(render(strings[lower], strings[norm])
                       for lower, norm in zip(lowers, norms, strict=True)) + SEP

    def condition_words(self) -> list[list[str]]:
        """The words named by the token patterns' required word conditions (LOWER, NORM)."""
        return [list(words) for words in self._words_meeting.values()]

    def conditions_met(self, lower: int, norm: int) -> frozenset[int]:
        """Numbers of the required word conditions a token (LOWER and NORM ids) meets."""
        met = self._met_by_word.get((lower, norm))
        if met is None:
            if len(self._met_by_word) >= _WORD_MEMO_LIMIT:
                self._met_by_word.clear()
            strings = self.nlp.vocab.strings
            texts = {"lower": strings[lower], "norm": strings[norm]}
            found = [*self._words_meeting["lower"].get(texts["lower"], ()),
                     *self._words_meeting["norm"].get(texts["norm"], ())]
            for part, text in texts.items():
                screen = self._regex_condition_screens[part]
                if screen is None or screen.search(text) is not None:
                    found.extend(number for regex, number in self._regex_conditions[part]
                                 if regex.search(text) is not None)
            met = self._met_by_word[(lower, norm)] = frozenset(found)
        return met

    def _patterns_in(self, jurisdiction: str) -> frozenset[int]:
        """Token patterns (entries of self.token_patterns) whose rule applies in
        `jurisdiction`."""
        entries = self._jurisdiction_patterns.get(jurisdiction)
        if entries is None:
            entries = self._jurisdiction_patterns[jurisdiction] = frozenset(
                entry for entry, (_, _, rule, _) in enumerate(self.token_patterns)
                if jurisdiction in self.rules[rule]["jurisdictions"])
        return entries

    def patterns_woken(self, met: set[int] | frozenset[int]) -> frozenset[int]:
        """Token patterns whose anchor condition is among `met` (the gate remembers this per
        chunk and joins the chunks' sets)."""
        woken: set[int] = set()
        for number in met & self.anchor_conditions:
            woken.update(self.patterns_by_anchor[number])
        return frozenset(woken)

    def token_pattern_scan(self, words: str, met: set[int] | frozenset[int], jurisdiction: str,
                           woken: set[int] | frozenset[int] | None = None
                           ) -> tuple[list[Hit], list[int]]:
        """Hits of the compiled token patterns in a word string whose tokens meet the
        conditions `met`, and the spaCy Matchers (patterns that could not be compiled) worth
        running, for `jurisdiction`. `woken`: patterns_woken(met), when already known."""
        if woken is None:
            woken = self.patterns_woken(met)
        applicable = self._patterns_in(jurisdiction)
        candidates = applicable.intersection(woken)
        if self.unanchored:
            candidates |= applicable.intersection(self.unanchored)
        hits: list[Hit] = []
        matcher_keys: list[int] = []
        token_patterns = self.token_patterns
        for entry in candidates:
            kind, index, rule, needs = token_patterns[entry]
            if not needs <= met:
                continue
            if kind == _MATCHER:
                matcher_keys.append(index)
                continue
            _, regex = self.regex_patterns[index]
            for match in regex.finditer(words):
                if match.end() > match.start():
                    start, end = token_span(words, match)
                    hits.append(Hit(rule, start, end))
        matcher_keys.sort()
        return hits, matcher_keys

    def word_regex_matching(self, kind: str, word: int) -> tuple[int, ...]:
        """Indices of the single-word REGEX patterns of `kind` that match a word id."""
        matching = self._word_regex_memo.get((kind, word))
        if matching is None:
            text = self.nlp.vocab.strings[word]
            screen = self._word_regex_screens.get(kind)
            matching = () if screen is not None and screen.search(text) is None else tuple(
                i for i, (_, (k, regex)) in enumerate(self.word_regexes)
                if k == kind and regex.search(text))
            self._word_regex_memo[(kind, word)] = matching
        return matching

    def word_regex_hits(self, columns: dict[str, list[int]], jurisdiction: str) -> list[Hit]:
        """Hits of single-word REGEX patterns; each distinct word is tested once, ever."""
        if not self.word_regexes:
            return []
        hits = []
        for kind in self.word_regex_kinds:
            column = columns[kind]
            # Each distinct word once; most notes repeat words and few words match.
            for word in set(column):
                matching = self.word_regex_matching(kind, word)
                if not matching:
                    continue
                for position, other in enumerate(column):
                    if other == word:
                        hits.extend(self.word_regex_hit(i, position, jurisdiction)
                                    for i in matching)
        return [hit for hit in hits if hit is not None]

    def word_regex_hit(self, index: int, position: int, jurisdiction: str) -> Hit | None:
        rule = self.word_regexes[index][0]
        if jurisdiction in self.rules[rule]["jurisdictions"]:
            return Hit(rule, position, position + 1)
        return None

    def _terms(self, matcher: PhraseMatcher, doc: Doc) -> list[tuple[int, int, int]]:
        match_terms = self.match_terms
        return [(match_terms[m], s, e) for m, s, e in matcher(doc)]

    def _phrase_hits(self, view: Positions, term_hits: list[tuple[int, int, int]],
                     jurisdiction: str) -> list[Hit]:
        phrase_map, triggers = self.maps_for(jurisdiction)
        hits: list[Hit] = []
        spans_of: dict[int, list[tuple[int, int]]] = {}
        for term, start, end in term_hits:
            spans = spans_of.get(term)
            if spans is None:
                spans = spans_of[term] = []
            spans.append((start, end))
        for term, spans in spans_of.items():
            rules = phrase_map.get(term)
            if rules:
                hits.extend(Hit(rule, start, end) for start, end in spans for rule in rules)
        # A sequence is considered only when a term of its least common group occurs (few
        # do), then only when every group has a term in the note (set checks), and only
        # then are positions and windows looked at.
        present = spans_of.keys()
        candidates: set[int] = set()
        for term in present & triggers.keys():
            candidates.update(triggers[term])
        for key in candidates:
            groups = self.sequence_groups[key]
            if any(map(present.isdisjoint, groups)):
                continue
            rule, seq, count = self.sequences[key]
            found = {index: [span for term in group & present for span in spans_of[term]]
                     for index, group in enumerate(groups)}
            sequence = self.rules[rule]["sequences"][seq]
            blockers = self.sequence_blockers[key]
            hits.extend(Hit(rule, start, end, blockers=blockers, gaps=gaps if blockers else ())
                        for start, end, gaps in
                        chain_matches(found, count, sequence["max_gap"],
                                      view.boundaries(clause=False)))
        return hits

    def maps_for(self, jurisdiction: str) -> tuple[dict[int, tuple[int, ...]],
                                                    dict[int, tuple[int, ...]]]:
        """term -> rules of its phrases, and term -> sequences it triggers (a term of the
        sequence's least common group), for one jurisdiction."""
        maps = self._jurisdiction_maps.get(jurisdiction)
        if maps is None:
            def applies(rule: int) -> bool:
                return jurisdiction in self.rules[rule]["jurisdictions"]

            phrase_map = {term: tuple(r for r in rules if applies(r))
                          for term, rules in self.phrase_rules.items()}
            triggers: dict[int, list[int]] = defaultdict(list)
            for key, (rule, _, _) in enumerate(self.sequences):
                if applies(rule) and self.sequence_trigger_group[key] >= 0:
                    for term in self.sequence_groups[key][self.sequence_trigger_group[key]]:
                        triggers[term].append(key)
            maps = ({t: r for t, r in phrase_map.items() if r},
                    {t: tuple(keys) for t, keys in triggers.items()})
            self._jurisdiction_maps[jurisdiction] = maps
        return maps

    @staticmethod
    def recognizer_hits(view: Positions, recognized: list[tuple[tuple[int, ...],
                                                             list[tuple[int, int]]]]
                         ) -> list[Hit]:
        hits = []
        for active, spans in recognized:
            for start_char, end_char in spans:
                span = view.token_span(start_char, end_char)
                if span is None:
                    continue
                hits.extend(Hit(r, span[0], span[1], start_char, end_char) for r in active)
        return hits

    def recognizer_spans(self, text: str, jurisdiction: str
                         ) -> list[tuple[tuple[int, ...], list[tuple[int, int]]]]:
        """(rules served, character spans) of each recogniser active in `jurisdiction`."""
        if not self.recognizer_rules:
            return []
        setup = self._recognizer_setups.get(jurisdiction)
        if setup is None:
            # Built once per jurisdiction: the context and each recogniser's active rules.
            context = RecognizerContext(self.nlp.lang, jurisdiction,
                                        self.spec["policies"].get(jurisdiction, {}),
                                        self.grammar)
            active_rules = [(RECOGNIZERS[name], tuple(
                r for r in rules if jurisdiction in self.rules[r]["jurisdictions"]))
                for name, rules in self.recognizer_rules.items()]
            recognizers = [(rec, active) for rec, active in active_rules if active]
            # One search for every screened recogniser: most notes have no candidate for any.
            screen = _screen([rec.screen for rec, _ in recognizers if rec.screen is not None])
            setup = (context, recognizers, screen)
            self._recognizer_setups[jurisdiction] = setup
        context, recognizers, screen = setup
        has_digit = _DIGIT.search(text) is not None
        screened_out = has_digit and screen is not None and screen.search(text) is None
        return [(active, [] if screened_out and recognizer.screen is not None
                 else recognizer.spans(text, context))
                for recognizer, active in recognizers if has_digit or not recognizer.needs_digits]

    def in_context(self, view: Positions, hits: list[Hit],
                    term_hits: list[tuple[int, int, int]]) -> list[Hit]:
        """Drop hits an `unless` cue turns off or a `requires` cue is missing for; dedupe."""
        spans_of: dict[int, list[tuple[int, int]]] = {}
        for term, start, end in term_hits:
            spans_of.setdefault(term, []).append((start, end))
        if self.not_cue_ids and not spans_of.keys().isdisjoint(self.not_cue_ids):
            spans_of = _without_not_cues(spans_of, self.not_cue_ids)
        unique = {(hit.rule, hit.start, hit.end): hit for hit in reversed(hits)}
        present = spans_of.keys()
        tested: dict[tuple[int, int, int], bool] = {}  # (id(window), start, end) -> cue near

        def near(hit: Hit, window: CueWindow) -> bool:
            if present.isdisjoint(window.terms):  # most windows: no cue in the note
                return False
            key = (id(window), hit.start, hit.end)
            found = tested.get(key)
            if found is None:
                found = tested[key] = self._cue_near(view, hit, window, spans_of)
            return found

        kept = []
        for hit in unique.values():
            if hit.blockers and _blocked_between(hit, spans_of):
                continue
            # `requires` first: a missing cue is the cheapest way out.
            if not all(near(hit, w) for w in self.requires[hit.rule]):
                continue
            if any(near(hit, w) for w in self.unless[hit.rule]):
                continue
            kept.append(hit)
        return _drop_nested(kept)

    def _cue_near(self, view: Positions, hit: Hit, window: CueWindow,
                  spans_of: dict[int, list[tuple[int, int]]]) -> bool:
        """Whether a cue of `window` is in the hit's window (and not inside the hit)."""
        terms = spans_of.keys() & window.terms
        length = view.length
        if window.within == "note":
            low, high = max(hit.start - window.before, 0), min(hit.end + window.after, length)
        else:
            bounds = view.boundaries(clause=window.within == "clause")
            low = max(hit.start - window.before, _last_boundary_before(bounds, hit.start))
            high = min(hit.end + window.after, first_boundary_after(bounds, hit.end, length))
        for term in terms:
            for start, end in spans_of[term]:
                if start >= low and end <= high and not (start >= hit.start and end <= hit.end):
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


def _blocked_between(hit: Hit, spans_of: dict[int, list[tuple[int, int]]]) -> bool:
    """Whether a `not_between` cue of a sequence hit stands in a gap between its terms."""
    return any(gap_start <= start and end <= gap_end
               for term in spans_of.keys() & hit.blockers for start, end in spans_of[term]
               for gap_start, gap_end in hit.gaps)


def _without_not_cues(spans_of: dict[int, list[tuple[int, int]]], not_cues: frozenset[int]
                      ) -> dict[int, list[tuple[int, int]]]:
    """The cue spans, less those that start inside a not-cue phrase without containing it
    (`客户称` in `对客户称` with the not-cue `对客户`; the cue `对客户说` itself stays)."""
    blocked = [span for term in spans_of.keys() & not_cues for span in spans_of[term]]
    kept: dict[int, list[tuple[int, int]]] = {}
    for term, spans in spans_of.items():
        if term in not_cues:
            continue
        outside = [(s, e) for s, e in spans
                   if not any(bs <= s < be and not (s <= bs and be <= e) for bs, be in blocked)]
        if outside:
            kept[term] = outside
    return kept


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P[=<]|\(\?[aiLmsux]")


def _screen(regexes: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex that matches where any of `regexes` does (None: nothing to screen with, or
    a regex that cannot be combined: numbered back-references, named groups, inline flags)."""
    if not regexes or any(_BACKREFERENCE.search(r.pattern) or r.flags & ~re.UNICODE
                          for r in regexes):
        return None
    return re.compile("|".join(f"(?:{r.pattern})" for r in regexes))


class _DocView:
    """Positions of a Doc's tokens, as the matching and context steps read them."""

    __slots__ = ("doc", "text", "length", "_bounds")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.user_data.get(TEXT_KEY) or doc.text
        self.length = len(doc)
        self._bounds: dict[bool, list[int]] = {}

    def boundaries(self, *, clause: bool) -> list[int]:
        """Token indices of sentence (or clause) marks, worked out once per note."""
        bounds = self._bounds.get(clause)
        if bounds is None:
            doc = self.doc
            # Compare ORTH ids: iterating Token objects costs ~0.2 µs each.
            marks = _mark_ids(doc.vocab, clause)
            orths = doc.to_array(ORTH).tolist()
            bounds = [i for i, orth in enumerate(orths) if orth in marks]
            if clause:
                slash = doc.vocab.strings.add("/")
                separators = [i for i, orth in enumerate(orths)
                              if orth == slash and separates_segments(self.text, doc[i].idx)]
                if separators:
                    bounds = sorted(bounds + separators)
            self._bounds[clause] = bounds
        return bounds

    def token_span(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        span = self.doc.char_span(start_char, end_char, alignment_mode="expand")
        return None if span is None else (span.start, span.end)

    def with_chars(self, hit: Hit) -> Hit:
        if hit.start_char >= 0:
            return hit
        doc = self.doc
        last = doc[hit.end - 1]
        return Hit(hit.rule, hit.start, hit.end, doc[hit.start].idx, last.idx + len(last))


def separates_segments(text: str, at: int) -> bool:
    """Whether the `/` at character `at` separates two items of CRM shorthand
    (`手头紧/告知再不还就报警`, `will pay tmrw / call back`) rather than joining the parts of
    one (`3/15`, `2025/3/15`, `and/or`, `w/ wife`)."""
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if not before or not after or (before.isdigit() and after.isdigit()):
        return False
    if before.isspace() and after.isspace():
        return True
    return _CJK.match(before) is not None or _CJK.match(after) is not None


def _mark_ids(vocab: Vocab, clause: bool) -> frozenset[int]:
    cache = _MARK_IDS.setdefault(id(vocab), {})
    if clause not in cache:
        marks = CLAUSE_MARKS if clause else SENTENCE_MARKS
        cache[clause] = frozenset(vocab.strings.add(m) for m in marks)
    return cache[clause]


def _last_boundary_before(bounds: list[int], position: int) -> int:
    previous = [b for b in bounds if b < position]
    return previous[-1] + 1 if previous else 0


def _drop_nested(hits: list[Hit]) -> list[Hit]:
    """Of several hits of one rule that overlap, keep the longest."""
    hits.sort(key=lambda h: (h.rule, h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and kept[-1].rule == hit.rule and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept
