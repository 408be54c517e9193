"""The token-pattern chain gate (anchors.pattern_chain) never skips a note the Matcher matches."""

from __future__ import annotations

import pytest
from spacy.attrs import LOWER, NORM, ORTH
from spacy.strings import StringStore

from assistant.compliance.anchors import _op_lengths, pattern_chain
from assistant.compliance.checker import Checker
from assistant.compliance.components import JURISDICTION_KEY

from .conftest import PROJECT_RULES


@pytest.mark.parametrize(("op", "lengths"), [
    (None, (1, 1)), ("?", (0, 1)), ("*", (0, 1 << 30)), ("+", (1, 1 << 30)),
    ("{0,3}", (0, 3)), ("{2}", (2, 2)), ("{1,}", (1, 1 << 30)), ("{,2}", (0, 2)),
    ("{x}", None),
])
def test_operator_lengths(op, lengths):
    assert _op_lengths(op) == lengths


def test_chain_keeps_order_and_distance_bounds():
    strings = StringStore()
    chain = pattern_chain([{"LOWER": "call"}, {"LOWER": {"NOT_IN": ["no"]}, "OP": "{0,3}"},
                           {"LOWER": {"IN": ["police", "cops"]}}, {"OP": "*"},
                           {"NORM": "arrest"}], strings)
    assert [(low, high) for _, low, high in chain] == [(0, 0), (1, 4), (1, 1 << 30)]
    assert pattern_chain([{"LOWER": {"NOT_IN": ["x"]}}], strings) is None


def test_chain_gate_never_skips_a_matcher_match():
    """On every example of the real packs, a pattern the gate rejects has no Matcher match."""
    checker = Checker.from_dir(PROJECT_RULES)
    nlp = checker.pipelines["en"]
    component = nlp.get_pipe("compliance_rules")
    texts = [example for loaded in checker.rule_set.rules
             for example in loaded.rule.examples.flag + loaded.rule.examples.pass_]
    checked = 0
    for text in texts:
        _, doc = checker._prepare(text, "en", "us")
        doc.user_data[JURISDICTION_KEY] = "us"
        words = doc.to_array([ORTH, NORM, LOWER])
        columns = {"orth": words[:, 0].tolist(), "norm": words[:, 1].tolist(),
                   "lower": words[:, 2].tolist()}
        positions: dict[int, list[int]] = {}
        for key, (_, matcher, _) in enumerate(component.pattern_matchers):
            chain = component.pattern_chains[key]
            if chain is None or component._chain_possible(chain, columns, positions):
                continue
            checked += 1
            assert not matcher(doc), (text, key)
    assert checked > 0
