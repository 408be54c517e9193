"""Role-play content: the shipped files are clean, and broken files are reported with place."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.errors import ContentError
from assistant.roleplay.content import load_content, read_content
from assistant.roleplay.lint import reachability_problems, semantic_problems
from tests.roleplay.conftest import SCRIPTS_DIR


def test_shipped_content_is_clean(content):
    assert semantic_problems(content) == []
    assert reachability_problems(content) == []


def test_lint_command_reports_clean_content():
    outcome = CliRunner().invoke(app, ["roleplay", "lint"])
    assert outcome.exit_code == 0, outcome.output
    assert "clean" in outcome.output


@pytest.fixture
def scripts_copy(tmp_path):
    target = tmp_path / "scripts_library"
    shutil.copytree(SCRIPTS_DIR / "roleplay", target / "roleplay")
    return target


def test_a_misspelt_field_names_file_line_and_persona(scripts_copy):
    path = scripts_copy / "roleplay" / "personas" / "angry.yaml"
    text = path.read_text(encoding="utf-8").replace("opening_mood: hostile", "openin_mood: hostile")
    path.write_text(text, encoding="utf-8")
    _, problems = read_content(scripts_copy)
    messages = [str(p) for p in problems]
    assert any("personas/angry.yaml" in m and "angry" in m and "openin_mood" in m
               for m in messages), messages


def test_an_unknown_mood_in_a_reaction_is_reported(scripts_copy):
    path = scripts_copy / "roleplay" / "personas" / "angry.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("mood_at_least: guarded",
                                                             "mood_at_least: gardened"), "utf-8")
    with pytest.raises(ContentError, match="'gardened' is not one of the moods"):
        load_content(scripts_copy)


def test_an_unknown_placeholder_is_reported(scripts_copy):
    path = scripts_copy / "roleplay" / "personas" / "job_loss.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{affordable_monthly}左右",
                                                             "{afordable}左右"), "utf-8")
    with pytest.raises(ContentError, match=r"unknown placeholder \{afordable\}"):
        load_content(scripts_copy)


def test_a_rubric_that_names_an_unknown_act_is_reported(scripts_copy):
    path = scripts_copy / "roleplay" / "rubrics" / "standard.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("present: [commitment]",
                                                             "present: [comitment]"), "utf-8")
    with pytest.raises(ContentError, match="unknown act 'comitment'"):
        load_content(scripts_copy)


def test_a_yaml_syntax_error_gives_its_line(scripts_copy):
    path = scripts_copy / "roleplay" / "personas" / "illness.yaml"
    path.write_text("id: illness\nkind: [borrower\n", "utf-8")
    _, problems = read_content(scripts_copy)
    assert any(p.path.endswith("illness.yaml") and p.line for p in problems)
