"""The shipped script library is clean; broken content is reported as file:line item: problem."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.config import PROJECT_ROOT
from assistant.content import load_library, read_library
from assistant.content.graph import graph_problems, reference_problems
from assistant.content.lint import lint_library, template_problems
from assistant.errors import ContentError

SCRIPTS = PROJECT_ROOT / "scripts_library"
RULES = PROJECT_ROOT / "compliance_rules"
LIBRARY = load_library(SCRIPTS)


def test_shipped_library_lints_clean_including_the_compliance_checker():
    report = lint_library(SCRIPTS, RULES)
    assert [str(p) for p in report.problems] == []
    assert report.snippets_total >= 150
    assert report.checked_texts >= 2 * report.snippets_total
    assert report.counts["zh"].flows == 2 and report.counts["en"].flows == 2


def test_cli_lint_prints_counts_and_exits_zero():
    from assistant.cli import app

    result = CliRunner().invoke(app, ["scripts", "lint"])
    assert result.exit_code == 0, result.output
    assert "zh" in result.output and "en" in result.output and "library is clean" in result.output


def test_four_flows_cover_call_and_visit_in_both_languages():
    shapes = {(f.channel, f.language) for f in LIBRARY.flows.values()}
    assert shapes == {("call", "zh"), ("call", "en"), ("visit", "zh"), ("visit", "en")}


REQUIRED_TOPICS = {"wrong_person", "angry", "anxious", "refuses", "disputes",
                   "hardship_job_loss", "hardship_illness", "hardship_bereavement",
                   "hardship_harvest", "asks_to_stop", "has_lawyer", "promises_to_pay",
                   "vulnerable"}


@pytest.mark.parametrize("flow_id", sorted(LIBRARY.flows))
def test_every_flow_answers_every_objection(flow_id):
    flow = LIBRARY.flows[flow_id]
    used = {LIBRARY.snippets[s].topic for step in flow.steps
            for s in step.snippets + step.alternatives}
    assert used >= REQUIRED_TOPICS


@pytest.mark.parametrize("flow_id", ["phone_en", "visit_en"])
def test_english_flows_give_the_debt_collector_disclosure_before_the_purpose(flow_id):
    flow = LIBRARY.flows[flow_id]
    disclosure = next(s for s in flow.steps if s.id == "disclosure")
    assert "disclosure.us.initial" in disclosure.snippets
    assert LIBRARY.snippets["disclosure.us.initial"].jurisdictions == ["us"]
    assert "attempt to collect a debt" in LIBRARY.snippets["disclosure.us.initial"].text.en
    assert any(r.next == "purpose" for r in disclosure.responses)


# Words that would tell a third party about the debt.
DEBT_WORDS = {"zh": ["欠", "逾期", "还款", "账户", "金额", "催收", "贷款"],
              "en": ["debt", "owe", "overdue", "balance", "account", "payment", "arrears", "loan"]}


@pytest.mark.parametrize("flow_id", sorted(LIBRARY.flows))
def test_wrong_person_branch_never_mentions_the_debt(flow_id):
    flow = LIBRARY.flows[flow_id]
    third_party_steps = [s for s in flow.steps if s.id in ("wrong_person", "end_wrong_party")]
    assert third_party_steps
    for step in third_party_steps:
        for snippet_id in step.snippets + step.alternatives:
            snippet = LIBRARY.snippets[snippet_id]
            for lang, words in DEBT_WORDS.items():
                text = snippet.text.get(lang).lower()
                if snippet_id == "visit.nobody_home":  # a note to the collector, not said aloud
                    continue
                found = [w for w in words
                         if (w in text if lang == "zh" else re.search(rf"\b{w}", text))]
                assert not found, (snippet_id, lang, text)
                assert "balance" not in snippet.text.get(lang)


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def broken_library(tmp_path) -> Path:
    root = tmp_path / "scripts_library"
    write(root, "snippets/a.yaml", """\
        snippets:
          - id: hello.one
            kind: opening
            jurisdictions: [cn]
            text:
              zh: "您好{{ borower_name }}"
              en: Hello
          - id: hello.two
            kind: opening
            jurisdictions: [cn]
            colour: red
            text: {zh: 您好, en: Hi}
          - id: hello.three
            kind: closing
            jurisdictions: [cn]
            text: {zh: 再见}
        """)
    write(root, "flows/f.yaml", """\
        id: f
        title: {zh: 测试, en: Test}
        channel: call
        language: zh
        jurisdictions: [cn]
        start: a
        steps:
          - id: a
            title: {zh: 甲, en: A}
            snippets: [hello.one, nope.missing]
            responses:
              - {id: go, label: {zh: 去, en: Go}, next: b}
          - id: b
            title: {zh: 乙, en: B}
            snippets: [hello.one]
            responses:
              - {id: back, label: {zh: 回, en: Back}, next: a}
          - id: island
            title: {zh: 孤岛, en: Island}
            end: refused
        """)
    write(root, "policies/p.yaml", """\
        id: p
        products: [x]
        max_instalments: 0
        min_first_payment_share: 0.1
        min_first_payment: 10
        min_instalment: 10
        """)
    return root


def test_broken_content_is_reported_with_file_line_and_item(broken_library):
    library, problems = read_library(broken_library)
    problems += reference_problems(library) + graph_problems(library) + template_problems(library)
    text = "\n".join(map(str, problems))
    assert "snippets/a.yaml:11 hello.two: unknown field 'colour'" in text
    assert "snippets/a.yaml:16 hello.three: missing en translation (snippets.2.text.en)" in text
    assert "snippets/a.yaml:2 hello.one: text.zh: undefined variable 'borower_name'" in text
    assert "flows/f.yaml:8 f/a: unknown snippet 'nope.missing'" in text
    assert "flows/f.yaml:18 f/island: unreachable step" in text
    assert "flows/f.yaml:8 f/a: dead end" in text
    assert "policies/p.yaml:3 p: max_instalments: Input should be greater than or equal to 1" in text


def test_load_library_refuses_broken_content(broken_library):
    with pytest.raises(ContentError, match=r"a.yaml:11 hello.two: unknown field 'colour' \(and"):
        load_library(broken_library)


def test_yaml_syntax_error_names_the_line(tmp_path):
    root = tmp_path / "lib"
    write(root, "snippets/bad.yaml", "snippets:\n  - id: x\n    text: {zh: a, en: b\n")
    _, problems = read_library(root)
    assert any(re.match(r"lib/snippets/bad.yaml:\d+: YAML syntax", str(p))
               for p in problems)


def test_a_key_given_twice_names_both_lines(tmp_path):
    root = tmp_path / "lib"
    write(root, "snippets/twice.yaml",
          "snippets:\n  - id: x\n    text: {zh: a, en: b}\n    text: {zh: c, en: d}\n")
    _, problems = read_library(root)
    assert any(re.match(r"lib/snippets/twice.yaml:4: YAML syntax: key 'text' appears twice "
                        r"in one mapping \(first on line 3\)", str(p)) for p in problems), problems


def test_find_snippets_filters_by_kind_topic_jurisdiction_and_channel():
    answers = LIBRARY.find_snippets(kind="objection", topic="hardship_harvest",
                                    jurisdiction="cn", channel="call")
    assert answers and all(s.topic == "hardship_harvest" for s in answers)
    assert [s.id for s in answers] == sorted(s.id for s in answers)
    assert LIBRARY.find_snippets(kind="disclosure", jurisdiction="cn", channel="call")
    assert not [s for s in LIBRARY.find_snippets(kind="checklist", channel="call")]
