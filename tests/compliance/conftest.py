"""Fixtures of the checker tests: a small rule set of our own and the project's real packs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.compliance.checker import Checker
from assistant.config import PROJECT_ROOT

FIXTURE_RULES = Path(__file__).parent / "fixtures" / "rules"
PROJECT_RULES = PROJECT_ROOT / "compliance_rules"


@pytest.fixture(scope="session")
def fixture_rules_dir(tmp_path_factory) -> Path:
    """The fixture packs plus the real recogniser vocabulary, in a temporary folder."""
    folder = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(FIXTURE_RULES, folder)
    shutil.copy(PROJECT_RULES / "common" / "recognizer_terms.yaml", folder / "common")
    return folder


@pytest.fixture(scope="session")
def checker(fixture_rules_dir) -> Checker:
    return Checker.from_dir(fixture_rules_dir)


@pytest.fixture
def regex_rules_dir(fixture_rules_dir, tmp_path) -> Path:
    """The fixture packs plus a single-word REGEX pattern (`jaaailed`) in the us conduct rule."""
    folder = tmp_path / "rules"
    shutil.copytree(fixture_rules_dir, folder)
    rule_file = folder / "us" / "conduct.yaml"
    rule_file.write_text(rule_file.read_text("utf-8").replace(
        "        - [{LEMMA: arrest}, {LOWER: you}]",
        "        - [{LEMMA: arrest}, {LOWER: you}]\n        - [{LOWER: {REGEX: '^j+a+i+l+e?d?$'}}]"),
        "utf-8")
    return folder
