"""Every rule of the project's packs flags its `flag` examples and passes its `pass` ones."""

from __future__ import annotations

import pytest

from assistant.compliance.checker import get_checker
from assistant.compliance.loader import load_rule_set
from assistant.compliance.selftest import example_failures
from assistant.errors import RulePackError
from tests.compliance.conftest import FIXTURE_RULES, PROJECT_RULES


def _rule_ids(folder) -> list[str]:
    try:
        return [loaded.rule.id for loaded in load_rule_set(folder).rules]
    except RulePackError:  # no rules folder: reported by test_project_packs_lint_clean
        return []


@pytest.fixture(scope="module")
def project_checker():
    return get_checker(PROJECT_RULES)


def test_project_packs_lint_clean(project_checker):
    assert project_checker.rule_set.rules


@pytest.mark.parametrize("rule_id", _rule_ids(PROJECT_RULES))
def test_project_rule_examples(project_checker, rule_id):
    [loaded] = [r for r in project_checker.rule_set.rules if r.rule.id == rule_id]
    failures = [str(f) for f in example_failures(project_checker, loaded)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("rule_id", _rule_ids(FIXTURE_RULES))
def test_fixture_rule_examples(checker, rule_id):
    [loaded] = [r for r in checker.rule_set.rules if r.rule.id == rule_id]
    failures = [str(f) for f in example_failures(checker, loaded)]
    assert not failures, "\n".join(failures)
