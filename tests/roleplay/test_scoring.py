"""Scoring transcripts on the standard rubric, through the core and the CLI contract."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.roleplay.transcript import read_transcript, score_transcript
from tests.roleplay.conftest import DATA_DIR

runner = CliRunner()


def _score(roleplay, classifier, name: str, lang: str, persona: str | None = None) -> dict:
    pairs = read_transcript(DATA_DIR / f"{name}.jsonl")
    found = roleplay.content.persona(persona) if persona else None
    return score_transcript(pairs, classifier, roleplay.scoring_context(found, lang)).to_dict()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_compliant_call_scores_high(roleplay, classifier, lang):
    result = _score(roleplay, classifier, f"compliant_{lang}", lang)
    assert result["score"] >= 90
    assert result["violations"] == [] and result["cap"] is None


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_threat_caps_the_score_and_is_flagged(roleplay, classifier, lang):
    result = _score(roleplay, classifier, f"threat_{lang}", lang)
    assert result["violations"], "the threat is reported"
    assert {v["category"] for v in result["violations"]} == {"threat.arrest"}
    assert result["score"] <= 20 < result["uncapped"]
    no_violation = next(c for c in result["criteria"] if c["id"] == "no_violation")
    assert no_violation["score"] == 0 and no_violation["turn"] == 3
    assert str(no_violation["turn"]) in no_violation["feedback"]


def test_feedback_quotes_the_turn_and_suggests_a_library_line(roleplay, classifier):
    result = _score(roleplay, classifier, "threat_zh", "zh", persona="angry")
    empathy = next(c for c in result["criteria"] if c["id"] == "empathy_before_offer")
    assert empathy["score"] == 0
    library_empathy = {s.text.zh for s in roleplay.library.snippets_of_kind("empathy")}
    assert empathy["suggestion"] in library_empathy
    assert empathy["suggestion"] in empathy["feedback"]


def test_an_offer_the_persona_cannot_afford_does_not_count(roleplay, classifier):
    pairs = [("borrower", "Hello?"),
             ("trainee", "We could set up a payment plan of 900 dollars a month.")]
    context = roleplay.scoring_context(roleplay.content.persona("job_loss"), "en")
    result = score_transcript(pairs, classifier, context).to_dict()
    plan = next(c for c in result["criteria"] if c["id"] == "affordable_plan")
    assert plan["score"] == 0 and plan["turn"] == 1


def test_skipped_criteria_do_not_count_for_a_third_party(roleplay, classifier):
    pairs = [("borrower", "Hello, Brooks residence."),
             ("trainee", "Hello, this is Sam from Northgate Bank. Could I speak to Kevin Brooks?"),
             ("borrower", "He's not in."),
             ("trainee", "Could you ask him to call Sam back? Thank you, goodbye.")]
    context = roleplay.scoring_context(roleplay.content.persona("third_party_spouse"), "en")
    result = score_transcript(pairs, classifier, context).to_dict()
    assert {c["id"] for c in result["criteria"]} == {"identified_self", "no_violation"}
    assert result["score"] == 100


@pytest.mark.parametrize("name, high", [("compliant_zh", True), ("threat_en", False)])
def test_cli_score_prints_the_json_contract(name, high):
    outcome = runner.invoke(app, ["roleplay", "score", str(DATA_DIR / f"{name}.jsonl"), "--json"])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.stdout)
    assert 0 <= data["score"] <= 100 and (data["score"] >= 90) is high
    assert all({"id", "score", "feedback"} <= set(c) for c in data["criteria"])
    assert bool(data["violations"]) is not high


def test_cli_score_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"speaker": "trainee", "text": "hi"}\n{"speaker": "boss", "text": "x"}\n')
    outcome = runner.invoke(app, ["roleplay", "score", str(path), "--json"])
    assert outcome.exit_code != 0
    assert f"{path}:2" in str(outcome.exception) + outcome.output


def test_cli_play_runs_a_scripted_call_in_the_terminal():
    script = "\n".join([
        "Hello, my name is Sam and I'm calling from Northgate Bank. Am I speaking with Daniel Ortiz?",
        "I'm so sorry to hear you lost your job.",
        "Can you tell me what you could manage each month?",
        "We could pause payments for two months while you look for work.",
        "Thank you for your time, goodbye.",
    ]) + "\n"
    first = runner.invoke(app, ["roleplay", "play", "job_loss", "--lang", "en", "--seed", "4"],
                          input=script)
    second = runner.invoke(app, ["roleplay", "play", "job_loss", "--lang", "en", "--seed", "4"],
                           input=script)
    assert first.exit_code == 0, first.output
    assert "call ended: agreed" in first.output and "Score" in first.output
    assert first.output == second.output, "the same seed replays the same call"


@pytest.mark.parametrize("lang, vague, precise", [
    ("en", "Just to confirm, we have an arrangement.",
     "Just to confirm, that's 330 dollars on the 15th of each month."),
    ("zh", "跟您确认一下，就按刚才说的办。", "跟您确认一下，每月15号还1000元。"),
    ("en", "Just to confirm, we have an arrangement.",
     "Just to confirm, we pause your payments from today for two months."),
])
def test_a_confirmation_must_name_the_amount_and_the_date(roleplay, classifier, lang, vague,
                                                          precise):
    def commitment_score(line: str) -> int:
        pairs = [("borrower", "..."), ("trainee", line)]
        result = score_transcript(pairs, classifier, roleplay.scoring_context(None, lang))
        return next(c.score for c in result.criteria if c.id == "confirmed_commitment")

    assert commitment_score(vague) == 50
    assert commitment_score(precise) == 100
