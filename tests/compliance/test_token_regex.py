"""Token patterns compiled to regular expressions match exactly where spaCy's Matcher does."""

from __future__ import annotations

import json

import pytest
from spacy.attrs import LOWER, NORM
from spacy.matcher import Matcher

from assistant.compliance.checker import Checker, get_checker
from assistant.compliance.token_regex import (
    MID,
    SEP,
    compile_pattern,
    render,
    required_conditions,
    token_span,
)
from assistant.config import PROJECT_ROOT

from .conftest import PROJECT_RULES


def _matches_at_each_token(regex, words):
    """(start, end) token spans: at each token, the match the compiled regex finds there."""
    starts = [i for i, char in enumerate(words) if char == SEP][:-1]
    matches = (regex.match(words, at) for at in starts)
    return {token_span(words, m) for m in matches if m is not None and m.end() > m.start()}


def _regex_matches(nlp, pattern, text):
    regex = compile_pattern(pattern)
    assert regex is not None, pattern
    doc = nlp.make_doc(text)
    columns = doc.to_array([LOWER, NORM])
    words = nlp.get_pipe("compliance_rules").word_string(columns[:, 0].tolist(),
                                                        columns[:, 1].tolist())
    return doc, _matches_at_each_token(regex, words)


def _matcher_matches(nlp, pattern, doc):
    matcher = Matcher(nlp.vocab)
    matcher.add("p", [pattern])
    return {(start, end) for _, start, end in matcher(doc)}


@pytest.fixture(scope="module")
def nlp():
    return get_checker(PROJECT_RULES).pipelines["en"]


@pytest.mark.parametrize(("pattern", "text", "spans"), [
    ([{"LOWER": "call"}, {"LOWER": {"NOT_IN": ["no"]}, "OP": "{0,2}"}, {"LOWER": "police"}],
     "i will call the police now", {(2, 5)}),
    ([{"LOWER": "call"}, {"LOWER": {"NOT_IN": ["no"]}, "OP": "{0,2}"}, {"LOWER": "police"}],
     "call no police", set()),
    ([{"NORM": "arrest"}, {"LOWER": "you", "OP": "?"}], "they arrested you", {(1, 3), (1, 2)}),
    ([{"LOWER": {"REGEX": "^[89]|1[0-9]$"}}, {"LOWER": "calls"}], "made 12 calls", {(1, 3)}),
    ([{"LOWER": "we"}, {"OP": "!", "LOWER": "never"}, {"LOWER": "forget"}], "we never forget",
     set()),
    ([{"LOWER": "we"}, {"OP": "!", "LOWER": "never"}, {"LOWER": "forget"}], "we wo forget",
     {(0, 3)}),
    ([{"LOWER": "ca"}, {"NORM": "not"}], "she can't pay", {(1, 3)}),
])
def test_compiled_patterns_match_like_the_matcher(nlp, pattern, text, spans):
    doc, found = _regex_matches(nlp, pattern, text)
    matcher = _matcher_matches(nlp, pattern, doc)
    assert {start for start, _ in found} == {start for start, _ in matcher}
    assert found <= matcher
    assert {start for start, _ in spans} == {start for start, _ in found}


def test_patterns_the_string_cannot_express_are_left_to_the_matcher():
    assert compile_pattern([{"IS_PUNCT": True}]) is None
    assert compile_pattern([{"LOWER": {"REGEX": "^a.*b$"}}]) is None  # could run past the word
    assert compile_pattern([{"ORTH": "We"}]) is None  # the string has lower-case words only
    assert compile_pattern([{"LOWER": "a", "OP": "{x}"}]) is None
    assert compile_pattern([{"ORTH": "'"}, {"LOWER": "s"}]) is not None


def test_separators_inside_a_word_cannot_break_the_string():
    assert render("a\x1fb", "a\x1eb").count(SEP) == 1
    assert MID not in render("ab", "ab")


def test_required_conditions_skip_optional_tokens():
    conditions = required_conditions([{"LOWER": "a", "OP": "?"}, {"NORM": {"IN": ["b", "c"]}},
                                      {"LOWER": {"REGEX": "^d"}}, {"OP": "*"}])
    assert conditions == [("norm", "in", frozenset({"b", "c"})), ("lower", "regex", "^d")]


def _texts(checker: Checker) -> list[str]:
    texts = [example for loaded in checker.rule_set.rules if "en" in loaded.rule.languages
             for example in loaded.rule.examples.flag + loaded.rule.examples.pass_]
    dev = PROJECT_ROOT / "tests" / "data" / "eval" / "dev.jsonl"
    texts += [json.loads(line)["text"] for line in dev.read_text("utf-8").splitlines()
              if line.strip() and json.loads(line)["lang"] == "en"]
    return texts


def test_every_compiled_pattern_of_the_packs_agrees_with_the_matcher(nlp):
    """On every English example and dev note: the same match starts as spaCy's Matcher, and
    the regex's match at each start is one the Matcher also reports."""
    checker = get_checker(PROJECT_RULES)
    component = nlp.get_pipe("compliance_rules")
    assert len(component.regex_pattern_sources) > 100
    docs = list(nlp.tokenizer.pipe(_texts(checker)))
    lowers_norms = [d.to_array([LOWER, NORM]) for d in docs]
    strings = [component.word_string(a[:, 0].tolist(), a[:, 1].tolist()) for a in lowers_norms]
    compared = 0
    for pattern, (_, regex) in zip(component.regex_pattern_sources, component.regex_patterns,
                                   strict=True):
        matcher = Matcher(nlp.vocab)
        matcher.add("p", [pattern])
        for doc, words in zip(docs, strings, strict=True):
            expected = {(s, e) for _, s, e in matcher(doc)}
            if not expected:  # one search says there is no match anywhere
                match = regex.search(words)
                assert match is None or match.end() == match.start(), (doc.text, pattern)
                continue
            found = _matches_at_each_token(regex, words)
            assert {s for s, _ in found} == {s for s, _ in expected}, (doc.text, pattern)
            assert found <= expected, (doc.text, pattern)
            compared += 1
    assert compared > 500
