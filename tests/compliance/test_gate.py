"""The candidate gate never changes a finding: gated and ungated checkers agree on every note.

Notes: the labelled dev and tune sets (never the held-out or blind ones), ../shared/eval's dev
set when it is there, every rule's own examples, and generated text mixing rule terms, anchor
words, times and numbers with noise.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.compliance.checker import Checker, get_checker
from assistant.config import PROJECT_ROOT
from tests.compliance.conftest import PROJECT_RULES

EVAL_FILES = [PROJECT_ROOT / "tests" / "data" / "eval" / "dev.jsonl",
              PROJECT_ROOT / "tests" / "data" / "eval" / "tune.jsonl",
              PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"]
JURISDICTIONS = {"zh": ("cn", "us", "uk"), "en": ("us", "uk", "cn")}


def _ungated(checker: Checker) -> Checker:
    """The same pipelines without the gate: every note gets a Doc (the reference)."""
    reference = copy.copy(checker)
    reference.gates = {}
    reference.char_matchers = {}
    return reference


@pytest.fixture(scope="module")
def project_pair() -> tuple[Checker, Checker]:
    checker = get_checker(PROJECT_RULES)
    return checker, _ungated(checker)


def _findings(checker: Checker, text: str, lang: str, jurisdiction: str) -> list[dict]:
    return [f.to_dict() for f in checker.check(text, lang, jurisdiction)]


def _disagreements(pair: tuple[Checker, Checker], notes: list[tuple[str, str]]) -> list[str]:
    gated, reference = pair
    wrong = []
    for text, lang in notes:
        for jurisdiction in JURISDICTIONS[lang]:
            expected = _findings(reference, text, lang, jurisdiction)
            if _findings(gated, text, lang, jurisdiction) != expected:
                wrong.append(f"[{lang}/{jurisdiction}] {text!r}: expected {expected}")
    return wrong


@pytest.mark.parametrize("path", EVAL_FILES, ids=["tests-dev", "tests-tune", "shared-dev"])
def test_gate_keeps_every_finding_on_the_eval_notes(project_pair, path: Path):
    if not path.exists():
        pytest.skip(f"{path.name} is not there")
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    notes = [(row["text"], row["lang"]) for row in rows]
    flagged = sum(bool(project_pair[1].check(text, lang)) for text, lang in notes)
    assert flagged > len(notes) // 4  # the comparison covers flagged notes, not just clean ones
    assert _disagreements(project_pair, notes) == []


def test_gate_keeps_every_finding_on_the_rules_own_examples(project_pair):
    gated, _ = project_pair
    notes = []
    for loaded in gated.rule_set.rules:
        examples = loaded.rule.examples
        for text in [*examples.flag, *examples.pass_]:
            notes.extend((text, lang) for lang in loaded.languages)
    assert len(notes) > 500
    assert _disagreements(project_pair, notes) == []


def test_clean_notes_get_no_doc(project_pair):
    gated, _ = project_pair
    assert not gated.gates["en"].scan("left a voicemail, will try again", "us")[0]
    # Chinese notes never get one (char_matching.py).
    assert "zh" in gated.char_matchers and "zh" not in gated.gates
    assert gated._prepared("客户称本月工资延迟，承诺下周还款，已记录", "zh", "cn")[1] is None


def _vocabulary(checker: Checker, lang: str) -> list[str]:
    """Rule terms, cue words and token-pattern anchor words of one language."""
    component = checker.pipelines[lang].get_pipe("compliance_rules")
    words = list(component.term_ids)
    words += [word for part in component._words_meeting.values() for word in part]
    return sorted(set(words))


NOISE = {
    "zh": st.text(alphabet=st.sampled_from(list("客户说称不会没有已告知我他你，。、/／ ：:!？1２3十点晚上APPok")),
                  max_size=6),
    "en": st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ',.;:/-!?*@$12369 "
                                                "ABCTX\n")), max_size=8),
}
EXTRAS = ["晚上十一点半", "今天打了15次", "凌晨2点", "called at 6:30am", "9:45 pm", "11 at night",
          "12 calls this week", "rang her 9 times today", "110105199003078811",
          "6222021234567890128", "123-45-6789", "AB 12 34 56 C", "can't", "won't", "f*ck",
          "sh1t", "JAILED", "Arrested", "ΣΟΣ", "  ", "\t", "\n", "\n\n", " \n"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_gate_keeps_every_finding_on_generated_text(project_pair, lang):
    gated, _ = project_pair
    pieces = st.one_of(st.sampled_from(_vocabulary(gated, lang)), st.sampled_from(EXTRAS),
                       NOISE[lang])
    joiner = "" if lang == "zh" else " "

    @settings(max_examples=400, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(pieces, min_size=1, max_size=7), st.sampled_from(["", " ", "/", "，"]))
    def check(parts, separator):
        text = (joiner or separator).join(parts)
        assert _disagreements(project_pair, [(text, lang)]) == []

    check()


def test_gate_keeps_every_finding_of_the_fixture_packs(regex_rules_dir):
    checker = Checker.from_dir(regex_rules_dir)
    notes = [("you will be JAAILED today", "en"), ("jail", "en"), ("the jailer called", "en"),
             ("Told him he is arrested if he skips", "en"), ("we'll ARREST you", "en"),
             ("再不还就報 警抓你", "zh"), ("客户称要报警，我说再不还让你坐牢", "zh"),
             ("告诉他同事他欠款五万", "zh"), ("晚上十一点半致电客户", "zh"), ("called at 6:30am", "en")]
    assert _disagreements((checker, _ungated(checker)), notes) == []
    assert checker.check("you will be JAAILED today")


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("abn't'.,-$5 \n\tCA(/)\u3000")), max_size=40))
def test_remembered_chunks_give_the_docs_word_string(project_pair, text):
    """The gate's premise: spaCy tokenizes each whitespace-separated chunk on its own, so
    the word and orth strings joined from the chunks are the Doc's. Notes whose whitespace
    makes tokens of its own go to the pipeline instead."""
    from assistant.compliance.gate import _SPACE_TOKENS
    from assistant.compliance.token_regex import SEP, orth_part

    gate = project_pair[0].gates["en"]
    component = gate.component
    doc = project_pair[0].pipelines["en"].make_doc(text)
    if _SPACE_TOKENS.search(text) is not None:
        assert gate.scan(text, "us") == (True, {})
        return
    chunks = [gate._chunk_words(chunk) for chunk in text.split()]
    assert "".join(c[0] for c in chunks) + SEP == component.word_string(
        [t.lower for t in doc], [t.norm for t in doc])
    assert "".join(c[2] for c in chunks) == "".join(orth_part(t.orth_) for t in doc)
    assert sum(c[1] for c in chunks) == len(doc)


def test_notes_whose_chunks_tokenize_differently_fall_back_to_the_doc(project_pair):
    """spaCy splits `''5` after `' ` differently from the chunk alone; the pipeline then works
    the token patterns out on the Doc instead of using the gate's token positions."""
    gated, _ = project_pair
    text = "' ''5 we know where your kids go to school"
    doc = gated.pipelines["en"].make_doc(text)
    chunks = [gated.gates["en"]._chunk_words(chunk) for chunk in text.split()]
    assert sum(chunk[1] for chunk in chunks) != len(doc)
    assert _disagreements(project_pair, [(text, "en")]) == []
    assert gated.check(text, "en", "us")
