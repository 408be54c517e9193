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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.attrs import LOWER, NORM, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import ensure_path
from spacy.vocab import Vocab

from assistant.compliance.anchors import (
    pattern_chain,
    pattern_requirements,
    rule_anchors,
    single_word_regex,
)
from assistant.compliance.contact_recognizers import ContactGrammar, build_grammar
from assistant.compliance.gate import PATTERN_KEYS_KEY, RECOGNIZED_KEY, WORD_HITS_KEY
from assistant.compliance.lemmas import (
    install_lemma_norms,
    lemma_as_norm,
    spec_needs_lemmatizer,
    uses,
)
from assistant.compliance.recognizers import RECOGNIZERS, RecognizerContext

SPEC_FILE = "spec.json"
HITS_KEY = "compliance_hits"
# The checker stores the text it tokenised here: rebuilding doc.text walks every token
# (a third of the per-note time on short Chinese notes).
TEXT_KEY = "compliance_text"
# The checker puts the jurisdiction of a note here (reading a Doc extension costs ~2 µs).
JURISDICTION_KEY = "compliance_jurisdiction"
# Marks that end a sentence (after NFKC: `。` stays, `！？；` become ASCII) and, for cue
# windows with `within: clause`, marks that end a clause.
SENTENCE_MARKS = frozenset("。.!?;\n…")
CLAUSE_MARKS = SENTENCE_MARKS | frozenset(",:、")

_DIGIT = re.compile(r"\d")
# How much more often a term of 1, 2, 3 characters turns up in notes than a longer one (a
# guess by length; the least likely group of a sequence is looked up first).
_SHORT_TERM_WEIGHT = {1: 1000, 2: 30, 3: 3}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MARK_IDS: dict[int, dict[bool, frozenset[int]]] = {}



@dataclass(frozen=True, slots=True)
class Hit:
    """A rule match before context: token span and exact character span of doc.text."""

    rule: int
    start: int
    end: int
    start_char: int = -1  # -1: not computed yet (phrase hits get them once they survive)
    end_char: int = -1


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
        self.cue_term_ids: set[int] = set()
        self.sequences: list[tuple[int, int, int]] = []  # (rule, sequence index, groups)
        self.sequence_keys: dict[tuple[int, int], int] = {}
        self._jurisdiction_maps: dict[str, tuple[dict, dict]] = {}
        self.unless: list[list[CueWindow]] = []
        self.requires: list[list[CueWindow]] = []
        for index, rule in enumerate(rules):
            for phrase in rule["phrases"]:
                self.phrase_rules[self._term(phrase)].append(index)
            for seq_index, sequence in enumerate(rule["sequences"]):
                self.sequence_keys[(index, seq_index)] = len(self.sequences)
                self.sequences.append((index, seq_index, len(sequence["all"])))
                for group_index, group in enumerate(sequence["all"]):
                    for term in group:
                        self.sequence_terms[self._term(term)].append(
                            (index, seq_index, group_index))
            self.unless.append([self._window(c) for c in rule["unless"]])
            self.requires.append([self._window(c) for c in rule["requires"]])
        # Per sequence: its groups as term sets, and the group whose terms occur in the
        # fewest sequences (a proxy for the least common group in notes: words such as
        # 客户 or 还款 are in many sequences).
        self.sequence_groups: list[tuple[frozenset[int], ...]] = []
        self.sequence_trigger_group: list[int] = []
        term_text = {i: term for term, i in self.term_ids.items()}
        for rule_index, seq_index, _ in self.sequences:
            groups = tuple(frozenset(self.term_ids[t] for t in group)
                           for group in rules[rule_index]["sequences"][seq_index]["all"])
            self.sequence_groups.append(groups)
            # Short terms (`还`, `已`, `发`) occur in most notes whatever the number of rules
            # that use them, so a group's weight counts its terms by their length first.
            weights = [sum(_SHORT_TERM_WEIGHT.get(len(term_text[t]), 1) * len(self.sequence_terms[t])
                           for t in group) for group in groups]
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
        # One Matcher per token pattern. A pattern runs only on notes that contain a word of
        # each of its required conditions (see anchors.py); it is found through its most
        # selective anchor word, so a note costs one look-up per distinct word.
        self.pattern_matchers: list[tuple[int, Matcher, list[tuple[str, frozenset[int]]]]] = []
        # Per pattern: its word conditions in order with distance bounds (anchors.py), tested
        # on the note's words before the Matcher runs; None: no such test.
        self.pattern_chains: list[list[tuple[list[Any], int, int]] | None] = []
        self._chain_regex_checked: dict[int, set[int]] = {}  # id(regex) -> word ids tested
        self._chain_regex_matched: dict[int, set[int]] = {}  # id(regex) -> word ids found
        self.always_run: list[int] = []
        # Single-word REGEX patterns (profanity spellings): tested once per distinct word of
        # the vocabulary and remembered, instead of per token by the Matcher.
        self.word_regexes: list[tuple[int, tuple[str, re.Pattern[str]]]] = []
        self._word_regex_memo: dict[tuple[str, int], tuple[int, ...]] = {}
        self.orth_gates: dict[int, list[int]] = defaultdict(list)
        self.norm_gates: dict[int, list[int]] = defaultdict(list)
        all_patterns = [p for rule in rules for p in rule["token_patterns"]]
        common_words = frozenset(getattr(self.nlp.Defaults, "stop_words", ()) or ())
        via_norm = uses(all_patterns, "LEMMA") and not spec_needs_lemmatizer(self.spec)
        if via_norm:
            install_lemma_norms(self.nlp.vocab, lang)
        strings = self.nlp.vocab.strings
        for index, rule in enumerate(rules):
            patterns = rule["token_patterns"]
            for pattern in lemma_as_norm(patterns) if via_norm else patterns:
                word_regex = single_word_regex(pattern)
                if word_regex is not None:
                    self.word_regexes.append((index, word_regex))
                    continue
                matcher = Matcher(self.nlp.vocab, validate=True)
                matcher.add(rule["id"], [pattern])
                key = len(self.pattern_matchers)
                self.pattern_matchers.append((index, matcher,
                                              pattern_requirements(pattern, strings)))
                self.pattern_chains.append(pattern_chain(pattern, strings))
                gates = rule_anchors([pattern], strings, common_words)
                if gates is None:
                    self.always_run.append(key)
                    continue
                for word in gates["orth"]:
                    self.orth_gates[word].append(key)
                for word in gates["norm"]:
                    self.norm_gates[word].append(key)
        # Each distinct required condition (kind, word ids) gets a number; per word, the
        # conditions it satisfies; per pattern, the numbers of its required conditions.
        numbers: dict[tuple[str, frozenset[int]], int] = {}
        self.required_conditions: list[frozenset[int]] = []
        word_conditions: dict[str, dict[int, list[int]]] = {"orth": defaultdict(list),
                                                            "norm": defaultdict(list)}
        for _, _, required in self.pattern_matchers:
            own = set()
            for condition in required:
                number = numbers.get(condition)
                if number is None:
                    number = numbers[condition] = len(numbers)
                    for word in condition[1]:
                        word_conditions[condition[0]][word].append(number)
                own.add(number)
            self.required_conditions.append(frozenset(own))
        self.orth_conditions = {w: tuple(c) for w, c in word_conditions["orth"].items()}
        self.norm_conditions = {w: tuple(c) for w, c in word_conditions["norm"].items()}
        self.orth_condition_words = frozenset(self.orth_conditions)
        self.norm_condition_words = frozenset(self.norm_conditions)
        self.word_regex_kinds = frozenset(kind for _, (kind, _) in self.word_regexes)
        self.orth_gate_words = frozenset(self.orth_gates)
        self.norm_gate_words = frozenset(self.norm_gates)
        self._jurisdiction_pattern_keys: dict[str, frozenset[int]] = {}
        self.recognizer_rules: dict[str, list[int]] = defaultdict(list)
        for index, rule in enumerate(rules):
            for name in rule["recognizers"]:
                self.recognizer_rules[name].append(index)
        self._recognizer_setups: dict[str, tuple[RecognizerContext, list[Any]]] = {}
        self.grammar: ContactGrammar = build_grammar(self.spec.get("terms") or {}, lang)

    def _term(self, phrase: str) -> int:
        return self.term_ids.setdefault(phrase, len(self.term_ids))

    def _window(self, check: dict[str, Any]) -> CueWindow:
        terms = frozenset(self._term(t) for t in check["terms"])
        self.cue_term_ids.update(terms)
        return CueWindow(terms, check["before"], check["after"], check["within"] == "clause")

    # -- running ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        jurisdiction = doc.user_data.get(JURISDICTION_KEY) or self.default_jurisdiction
        hits = self._phrase_hits(doc, self._terms(self.trigger_matcher, doc), jurisdiction)
        if self.pattern_matchers:
            hits.extend(self._token_pattern_hits(doc, jurisdiction))
        hits.extend(self._recognizer_hits(doc, jurisdiction))
        if hits:
            cue_hits = self._terms(self.cue_matcher, doc)
            hits = [self._with_chars(doc, h) for h in self._in_context(doc, hits, cue_hits)]
        doc.user_data[HITS_KEY] = hits
        spans = [doc.char_span(h.start_char, h.end_char, label=self.rules[h.rule]["id"],
                               alignment_mode="expand") for h in hits]
        doc.spans[self.spans_key] = [span for span in spans if span is not None]
        return doc

    def _token_pattern_hits(self, doc: Doc, jurisdiction: str) -> list[Hit]:
        keys = doc.user_data.get(PATTERN_KEYS_KEY)
        if keys is None:  # not worked out by the candidate gate
            words = doc.to_array([ORTH, NORM, LOWER])
            columns = {"orth": words[:, 0].tolist(), "norm": words[:, 1].tolist(),
                       "lower": words[:, 2].tolist()}
            hits = self.word_regex_hits(columns, jurisdiction)
            keys = self.patterns_to_run(columns, jurisdiction)
        else:
            hits = list(doc.user_data[WORD_HITS_KEY])
        for key in keys:
            rule, matcher, _ = self.pattern_matchers[key]
            hits.extend(Hit(rule, start, end) for _, start, end in matcher(doc))
        return hits

    def patterns_to_run(self, columns: dict[str, list[int]], jurisdiction: str,
                        gated: tuple[set[int], set[int]] | None = None) -> Iterator[int]:
        """Token patterns worth a Matcher call on a note whose words (ORTH, NORM, LOWER ids
        per token) are `columns`: an anchor word, a word of every required condition, and
        the words in pattern order at allowed distances (anchors.py). The candidate gate
        calls this on remembered words, without a Doc, and passes `gated` (what
        `word_gates` gives, joined over the note's chunks)."""
        if gated is None:
            gated = self.word_gates(set(columns["orth"]), set(columns["norm"]))
        keys, satisfied = gated
        if not keys and not self.always_run:
            return
        keys = (keys | set(self.always_run)) & self._pattern_keys_for(jurisdiction)
        positions: dict[int, list[int]] = {}
        required_conditions = self.required_conditions
        for key in sorted(keys):
            if not required_conditions[key] <= satisfied:
                continue
            chain = self.pattern_chains[key]
            if chain is not None and not self._chain_possible(chain, columns, positions):
                continue
            yield key

    def word_gates(self, orths: set[int] | frozenset[int], norms: set[int] | frozenset[int]
                   ) -> tuple[set[int], set[int]]:
        """Token patterns anchored by these words, and the required conditions (numbered
        once each) the words satisfy."""
        keys: set[int] = set()
        # Set intersections first (C speed): most words of a note gate nothing.
        for orth in orths & self.orth_gate_words:
            keys.update(self.orth_gates[orth])
        for norm in norms & self.norm_gate_words:
            keys.update(self.norm_gates[norm])
        satisfied: set[int] = set()
        for orth in orths & self.orth_condition_words:
            satisfied.update(self.orth_conditions[orth])
        for norm in norms & self.norm_condition_words:
            satisfied.update(self.norm_conditions[norm])
        return keys, satisfied

    def _pattern_keys_for(self, jurisdiction: str) -> frozenset[int]:
        """Token patterns whose rule applies in `jurisdiction`."""
        keys = self._jurisdiction_pattern_keys.get(jurisdiction)
        if keys is None:
            keys = frozenset(key for key, (rule, _, _) in enumerate(self.pattern_matchers)
                             if jurisdiction in self.rules[rule]["jurisdictions"])
            self._jurisdiction_pattern_keys[jurisdiction] = keys
        return keys

    def _chain_possible(self, chain: list[tuple[list[Any], int, int]],
                        columns: dict[str, list[int]], positions: dict[int, list[int]]
                        ) -> bool:
        """Whether the note has words satisfying the pattern's word conditions in order at
        allowed distances: a necessary condition for a Matcher match, far cheaper."""
        current: list[int] | None = None
        for conditions, low, high in chain:
            found: list[int] | None = None
            for condition in conditions:
                where = positions.get(id(condition))
                if where is None:
                    where = self._condition_positions(condition, columns)
                    positions[id(condition)] = where
                found = where if found is None else [p for p in found if p in where]
            assert found is not None
            if current is not None:
                found = [q for q in found if any(low <= q - p <= high for p in current)]
            if not found:
                return False
            current = found
        return True

    def _condition_positions(self, condition: tuple[str, Any], columns: dict[str, list[int]]
                             ) -> list[int]:
        kind, test = condition
        column = columns[kind]
        if isinstance(test, frozenset):
            return [i for i, word in enumerate(column) if word in test]
        # Each distinct word is tested once per regex, ever; then one set test per token.
        checked = self._chain_regex_checked.setdefault(id(test), set())
        matched = self._chain_regex_matched.setdefault(id(test), set())
        unseen = set(column) - checked
        if unseen:
            strings = self.nlp.vocab.strings
            matched.update(word for word in unseen if test.search(strings[word]) is not None)
            checked |= unseen
        return [i for i, word in enumerate(column) if word in matched]

    def word_regex_hits(self, columns: dict[str, list[int]], jurisdiction: str,
                        present: dict[str, set[int]] | None = None) -> list[Hit]:
        """Hits of single-word REGEX patterns; each distinct word is tested once, ever."""
        if not self.word_regexes:
            return []
        strings = self.nlp.vocab.strings
        hits = []
        for kind in ("orth", "norm"):
            if kind not in self.word_regex_kinds:
                continue
            # Each distinct word once; most notes repeat words and few words match.
            for word in present[kind] if present is not None else set(columns[kind]):
                matching = self._word_regex_memo.get((kind, word))
                if matching is None:
                    text = strings[word]
                    matching = tuple(i for i, (_, (k, regex)) in enumerate(self.word_regexes)
                                     if k == kind and regex.search(text))
                    self._word_regex_memo[(kind, word)] = matching
                if not matching:
                    continue
                for position, other in enumerate(columns[kind]):
                    if other != word:
                        continue
                    for i in matching:
                        rule = self.word_regexes[i][0]
                        if jurisdiction in self.rules[rule]["jurisdictions"]:
                            hits.append(Hit(rule, position, position + 1))
        return hits

    def _terms(self, matcher: PhraseMatcher, doc: Doc) -> list[tuple[int, int, int]]:
        match_terms = self.match_terms
        return [(match_terms[m], s, e) for m, s, e in matcher(doc)]

    def _hit(self, doc: Doc, rule: int, start: int, end: int) -> Hit:
        return Hit(rule, start, end)

    @staticmethod
    def _with_chars(doc: Doc, hit: Hit) -> Hit:
        if hit.start_char >= 0:
            return hit
        last = doc[hit.end - 1]
        return Hit(hit.rule, hit.start, hit.end, doc[hit.start].idx, last.idx + len(last))

    def _phrase_hits(self, doc: Doc, term_hits: list[tuple[int, int, int]],
                     jurisdiction: str) -> list[Hit]:
        phrase_map, triggers = self._maps_for(jurisdiction)
        hits: list[Hit] = []
        present = set()
        for term, start, end in term_hits:
            present.add(term)
            rules = phrase_map.get(term)
            if rules:
                hits.extend(Hit(rule, start, end) for rule in rules)
        # A sequence is considered only when a term of its least common group occurs (few
        # do), then only when every group has a term in the note (set checks), and only
        # then are positions and windows looked at.
        candidates: set[int] = set()
        for term in present & triggers.keys():
            candidates.update(triggers[term])
        for key in candidates:
            groups = self.sequence_groups[key]
            if any(map(present.isdisjoint, groups)):
                continue
            rule, seq, count = self.sequences[key]
            found = {index: [(start, end) for term, start, end in term_hits if term in group]
                     for index, group in enumerate(groups)}
            sequence = self.rules[rule]["sequences"][seq]
            hits.extend(Hit(rule, start, end) for start, end in
                        _chains(found, count, sequence["max_gap"],
                                _boundaries(doc, clause=False)))
        return hits

    def _maps_for(self, jurisdiction: str) -> tuple[dict[int, tuple[int, ...]],
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

    def _recognizer_hits(self, doc: Doc, jurisdiction: str) -> list[Hit]:
        if not self.recognizer_rules:
            return []
        recognized = doc.user_data.get(RECOGNIZED_KEY)
        if recognized is None:
            recognized = self.recognizer_spans(doc.user_data.get(TEXT_KEY) or doc.text,
                                               jurisdiction)
        hits = []
        for active, spans in recognized:
            for start_char, end_char in spans:
                span = doc.char_span(start_char, end_char, alignment_mode="expand")
                if span is None:
                    continue
                hits.extend(Hit(r, span.start, span.end, start_char, end_char) for r in active)
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
            setup = (context, [(rec, active) for rec, active in active_rules if active])
            self._recognizer_setups[jurisdiction] = setup
        context, recognizers = setup
        has_digit = _DIGIT.search(text) is not None
        return [(active, recognizer.find(text, context)) for recognizer, active in recognizers
                if has_digit or not recognizer.needs_digits]

    def _in_context(self, doc: Doc, hits: list[Hit],
                    term_hits: list[tuple[int, int, int]]) -> list[Hit]:
        """Drop hits an `unless` cue turns off or a `requires` cue is missing for; dedupe."""
        present = frozenset(term for term, _, _ in term_hits)
        unique = {(hit.rule, hit.start, hit.end): hit for hit in reversed(hits)}
        kept = []
        for hit in unique.values():
            if any(self._cue_near(doc, hit, w, term_hits, present)
                   for w in self.unless[hit.rule]):
                continue
            if not all(self._cue_near(doc, hit, w, term_hits, present)
                       for w in self.requires[hit.rule]):
                continue
            kept.append(hit)
        return _drop_nested(kept)

    def _cue_near(self, doc: Doc, hit: Hit, window: CueWindow,
                  term_hits: list[tuple[int, int, int]], present: frozenset[int]) -> bool:
        if present.isdisjoint(window.terms):  # most windows: none of their cues in the note
            return False
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
        # Compare ORTH ids: iterating Token objects costs ~0.2 µs each.
        marks = _mark_ids(doc.vocab, clause)
        orths = doc.to_array(ORTH).tolist()
        cached = [i for i, orth in enumerate(orths) if orth in marks]
        if clause:
            slash = doc.vocab.strings.add("/")
            separators = [i for i, orth in enumerate(orths)
                          if orth == slash and _separates_segments(doc, i)]
            if separators:
                cached = sorted(cached + separators)
        doc.user_data[key] = cached
    return cached


def _separates_segments(doc: Doc, index: int) -> bool:
    """Whether the `/` token at `index` separates two items of CRM shorthand
    (`手头紧/告知再不还就报警`, `will pay tmrw / call back`) rather than joining the parts of
    one (`3/15`, `2025/3/15`, `and/or`, `w/ wife`)."""
    text = doc.user_data.get(TEXT_KEY) or doc.text
    at = doc[index].idx
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
    hits.sort(key=lambda h: (h.rule, h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and kept[-1].rule == hit.rule and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept
