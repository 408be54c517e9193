"""Rule-pack loading: precise errors with file, line and rule id."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.compliance.checker import Checker
from assistant.compliance.loader import load_rule_set, rules_version
from assistant.compliance.spec import reference_problems, token_pattern_problems
from assistant.errors import RulePackError

RULE = """\
rules:
  - id: cn.threat.jail
    category: {category}
    severity: critical
    languages: [zh]
    message: {{zh: 威胁坐牢, en: Threatens jail}}
    suggestion: {{zh: 说明是民事纠纷, en: Explain it is a civil matter}}
    citation: {{source: 刑法, section: 第二百九十三条之一, verified: S}}
    patterns: {{phrases: [让你坐牢]}}
    unless: [{{cues: [{cue}], before: 4}}]
    examples:
      flag: [让你坐牢, 要让你坐牢, 就让你坐牢吧]
      pass: [坐牢的事没说, 不会坐牢, 坐车去]
"""


@pytest.fixture
def rules_dir(tmp_path, fixture_rules_dir) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(fixture_rules_dir, folder)
    return folder


def write_rule(rules_dir: Path, *, category: str = "threat.arrest", cue: str = "negation",
               name: str = "extra.yaml") -> Path:
    path = rules_dir / "cn" / name
    path.write_text(RULE.format(category=category, cue=cue), encoding="utf-8")
    return path


def problems(rules_dir: Path) -> list[str]:
    rule_set = load_rule_set(rules_dir)
    return [str(p) for p in rule_set.problems + reference_problems(rule_set)
            + token_pattern_problems(rule_set)]


def test_fixture_packs_load_without_problems(fixture_rules_dir):
    assert problems(fixture_rules_dir) == []


def test_unknown_category_names_file_line_and_rule(rules_dir):
    write_rule(rules_dir, category="threat.arest")
    assert problems(rules_dir) == ["cn/extra.yaml:3 cn.threat.jail: unknown category "
                                   "'threat.arest'"]


def test_unknown_cue_list_is_reported(rules_dir):
    write_rule(rules_dir, cue="negations")
    [problem] = problems(rules_dir)
    assert problem.startswith("cn/extra.yaml:2 cn.threat.jail: unknown cue list 'negations'")


def test_duplicate_ids_point_at_the_first_definition(rules_dir):
    write_rule(rules_dir, name="a.yaml")
    write_rule(rules_dir, name="b.yaml")
    assert problems(rules_dir) == [
        "cn/b.yaml:2 cn.threat.jail: duplicate id (first at cn/a.yaml:2)"]


def test_yaml_syntax_error_has_a_line(rules_dir):
    (rules_dir / "cn" / "broken.yaml").write_text("rules:\n  - id: [unclosed\n", "utf-8")
    [problem] = problems(rules_dir)
    assert problem.startswith("cn/broken.yaml:3: YAML syntax")


def test_a_key_given_twice_is_an_error_with_its_line(rules_dir):
    text = RULE.format(category="threat.arrest", cue="negation").replace(
        "    patterns: {phrases: [让你坐牢]}\n",
        "    patterns: {phrases: [让你坐牢]}\n    patterns: {phrases: [坐牢]}\n")
    (rules_dir / "cn" / "twice.yaml").write_text(text, "utf-8")
    [problem] = problems(rules_dir)
    assert problem.startswith("cn/twice.yaml:10: YAML syntax: key 'patterns' appears twice")
    assert "first on line 9" in problem


def test_pattern_words_the_tokenizer_splits_are_warned_about(rules_dir):
    path = rules_dir / "us" / "conduct.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("{LOWER: {IN: [arrested, jailed]}}",
                                 "{LOWER: {IN: [arrested, jailed, no-contact, we've]}}"), "utf-8")
    [warning] = [p for p in token_pattern_problems(load_rule_set(rules_dir)) if p.warning]
    assert "'no-contact' (no - contact)" in str(warning) and "'we've' (we 've)" in str(warning)
    assert str(warning).startswith("us/conduct.yaml:")


def test_missing_examples_and_unknown_field(rules_dir):
    text = RULE.format(category="threat.arrest", cue="negation").replace(
        "    examples:", "    colour: red\n    examples:").replace(
        "      pass: [坐牢的事没说, 不会坐牢, 坐车去]\n", "")
    (rules_dir / "cn" / "extra.yaml").write_text(text, "utf-8")
    assert sorted(problems(rules_dir)) == [
        "cn/extra.yaml:11 cn.threat.jail: unknown field 'colour'",
        "cn/extra.yaml:13 cn.threat.jail: missing field 'examples.pass'",
    ]


def test_invalid_token_pattern_is_reported_with_the_rule(rules_dir):
    text = RULE.format(category="threat.arrest", cue="negation").replace(
        "patterns: {phrases: [让你坐牢]}", "patterns: {token_patterns: [[{LEMMMA: x}]]}")
    (rules_dir / "cn" / "extra.yaml").write_text(text, "utf-8")
    [problem] = problems(rules_dir)
    assert problem.startswith("cn/extra.yaml:2 cn.threat.jail: invalid token pattern")


def test_no_and_off_stay_strings_in_cue_lists(rules_dir):
    (rules_dir / "common" / "cues_en.yaml").write_text(
        "language: en\ncues:\n  negation: [no, not, off]\n  attribution: [she said]\n", "utf-8")
    rule_set = load_rule_set(rules_dir)
    assert rule_set.cues["en"]["negation"] == ["no", "not", "off"]


def test_checker_refuses_a_broken_pack_with_the_first_problem(rules_dir):
    write_rule(rules_dir, category="threat.arest")
    with pytest.raises(RulePackError, match=r"cn/extra.yaml:3 cn.threat.jail: unknown category"):
        Checker.from_dir(rules_dir)


def test_rule_files_without_pack_yaml_are_reported(rules_dir):
    (rules_dir / "xx").mkdir()
    (rules_dir / "xx" / "rules.yaml").write_text("rules: []\n", "utf-8")
    assert problems(rules_dir) == ["xx: has rule files but no pack.yaml"]


def test_version_changes_when_a_rule_file_changes(rules_dir):
    before = rules_version(rules_dir)
    write_rule(rules_dir)
    assert rules_version(rules_dir) != before
