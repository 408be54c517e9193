"""The feedback page lists violations as readable words in the UI language."""

from __future__ import annotations

from tests.roleplay.test_routes import _create_session


def _violation_feedback(client_as, make_user, locale: str, language: str, line: str) -> str:
    trainee = make_user("collector", locale=locale)
    session_id = _create_session(client_as("trainer"), trainee.id, language=language)
    client = client_as(user=trainee)
    run = client.post(f"/api/roleplay/sessions/{session_id}/runs").json()
    client.post(f"/api/roleplay/runs/{run['id']}/turns", json={"text": line})
    page = client.get(f"/roleplay/runs/{run['id']}/feedback")
    assert page.status_code == 200
    return page.text


def test_chinese_feedback_names_severity_and_turn_in_chinese(client_as, make_user):
    text = _violation_feedback(client_as, make_user, "zh_CN", "zh", "再不还就让你坐牢")
    assert "第几轮" not in text and ">critical<" not in text
    assert '严重</span> · <span class="turn-no">第1轮：</span>“再不还就让你坐牢”' in text


def test_english_feedback_reads_severity_dot_turn(client_as, make_user):
    text = _violation_feedback(client_as, make_user, "en", "en",
                               "Pay today or we'll have you arrested.")
    assert 'critical</span> · <span class="turn-no">turn 1: </span>“' in text


def test_results_show_times_with_the_zone_label(client_as, make_user, settings):
    import re

    trainee = make_user("collector", locale="en")
    trainer = client_as("trainer")
    session_id = _create_session(trainer, trainee.id, language="en")
    client = client_as(user=trainee)
    run = client.post(f"/api/roleplay/sessions/{session_id}/runs").json()
    client.post(f"/api/roleplay/runs/{run['id']}/turns",
                json={"text": "Pay today or we'll have you arrested."})
    page = trainer.get("/roleplay/results").text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d \(" + re.escape(settings.timezone) + r"\)", page)
