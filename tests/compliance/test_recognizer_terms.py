"""The contact recognisers' vocabulary file has a schema; lint and loading name what is wrong."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from assistant.cli import app
from assistant.compliance.contact_recognizers import TERMS_FILE, load_terms, terms_problems
from assistant.compliance.recognizer_types import RecognizerTerms
from assistant.errors import ContentError
from tests.compliance.conftest import PROJECT_RULES


def test_the_project_terms_file_follows_its_schema():
    assert terms_problems(PROJECT_RULES) == []
    RecognizerTerms.model_validate(yaml.safe_load((PROJECT_RULES / TERMS_FILE).read_text("utf-8")))


@pytest.fixture
def broken_rules(fixture_rules_dir, tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(fixture_rules_dir, folder)
    path = folder / TERMS_FILE
    text = path.read_text("utf-8").replace("    afternoon: [下午, 傍晚]",
                                           "    late_afternoon: [下午, 傍晚]")
    text = text.replace("undated_counts:\n  zh: day", "undated_counts:\n  zh: week")
    path.write_text(text, "utf-8")
    return folder


def test_lint_names_the_file_line_and_key_of_a_broken_terms_file(broken_rules):
    problems = [str(p) for p in terms_problems(broken_rules)]
    lines = (broken_rules / TERMS_FILE).read_text("utf-8").splitlines()
    mode_line = next(i for i, line in enumerate(lines, 1) if "late_afternoon" in line)
    assert f"common/recognizer_terms.yaml:{mode_line}: day_parts.zh.late_afternoon: " \
           "Extra inputs are not permitted" in problems
    assert any("undated_counts.zh: Input should be 'day' or 'none'" in p for p in problems)
    result = CliRunner().invoke(app, ["rules", "lint", "--rules-dir", str(broken_rules)])
    assert result.exit_code == 1 and "late_afternoon" in result.stdout


def test_a_broken_terms_file_stops_loading_with_the_first_problem(broken_rules):
    with pytest.raises(ContentError, match="more problem"):
        load_terms(broken_rules)


def test_rules_schema_publishes_the_terms_schema(tmp_path):
    result = CliRunner().invoke(app, ["rules", "schema", "--out", str(tmp_path)])
    assert result.exit_code == 0
    schema = json.loads((tmp_path / "recognizer-terms.schema.json").read_text("utf-8"))
    assert "small_hours" in schema["$defs"]["DayParts"]["properties"]
    published = json.loads((PROJECT_RULES / "schema" / "recognizer-terms.schema.json")
                           .read_text("utf-8"))
    assert published == schema  # the committed schema is up to date
