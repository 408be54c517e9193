"""Role-play pages and API: who may use which route, and a run through the web from start to score."""

from __future__ import annotations

import re

import pytest

TRAINER_PAGES = ["/roleplay", "/roleplay/results"]


@pytest.mark.parametrize("role, allowed", [("trainer", True), ("admin", True),
                                           ("collector", False), ("qa", False)])
def test_trainer_pages_are_for_trainers_and_admins(client_as, role, allowed):
    client = client_as(role)
    for path in TRAINER_PAGES:
        assert client.get(path).status_code == (200 if allowed else 403), path
    assert client.get("/api/roleplay/sessions").status_code == (200 if allowed else 403)


@pytest.mark.parametrize("role, allowed", [("collector", True), ("trainer", False),
                                           ("qa", False), ("admin", False)])
def test_trainee_pages_are_for_collectors(client_as, role, allowed):
    client = client_as(role)
    assert client.get("/roleplay/my").status_code == (200 if allowed else 403)
    assert client.get("/api/roleplay/my/sessions").status_code == (200 if allowed else 403)


def test_signed_out_users_are_sent_to_login(client):
    response = client.get("/roleplay/my", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert client.get("/api/roleplay/personas").status_code == 401


def _create_session(client, trainee_id: int, **fields) -> int:
    form = {"title": "Angry caller practice", "persona_id": "angry", "language": "zh",
            "difficulty": "normal", "mode": "training", "rubric_id": "standard", "seed": "3",
            "trainee_ids": str(trainee_id), **fields}
    response = client.post("/roleplay/sessions", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_a_trainee_completes_a_session_and_the_trainer_sees_the_score(client_as, make_user):
    trainee = make_user("collector", display_name="学员甲")
    trainer_client = client_as("trainer")
    session_id = _create_session(trainer_client, trainee.id)
    trainee_client = client_as(user=trainee)
    assert "Angry caller practice" in trainee_client.get("/roleplay/my").text
    started = trainee_client.post(f"/roleplay/sessions/{session_id}/runs", follow_redirects=False)
    run_url = started.headers["location"]
    page = trainee_client.get(run_url)
    assert page.status_code == 200 and "赵立军" in page.text
    lines = ["您好，我是华信银行贷后管理部的李敏。请问您是赵立军先生本人吗？",
             "提醒您本次通话全程录音。今天联系您，是想和您沟通一下信用卡逾期的事情。",
             "我能理解您的心情，这段时间确实不容易。能跟我说说最近遇到了什么困难吗？",
             "听起来工资拖欠确实不容易，我很理解。",
             "我们可以帮您申请分12期，每月还1000元，您看能承受吗？",
             "跟您确认一下：每月15号还1000元，下个月15号第一期，对吗？",
             "感谢您的配合，再见。"]
    for line in lines:
        response = trainee_client.post(f"{run_url}/turns", data={"text": line},
                                       headers={"HX-Request": "true"})
        assert response.status_code == 200, response.text
        if "See your feedback" in response.text or "查看评分反馈" in response.text:
            break
    feedback = trainee_client.get(f"{run_url}/feedback")
    assert feedback.status_code == 200
    score = int(re.search(r'id="score">(\d+)', feedback.text).group(1))
    assert score >= 80, feedback.text
    detail = trainer_client.get(f"/roleplay/sessions/{session_id}")
    assert f'>{score}</strong>' in detail.text and "学员甲" in detail.text
    run_id = int(run_url.rsplit("/", 1)[1])
    replay = trainer_client.get(f"/roleplay/runs/{run_id}/replay?step=1")
    assert replay.status_code == 200 and lines[0] in replay.text and lines[1] not in replay.text


def test_a_trainee_cannot_open_another_trainees_run(client_as, make_user):
    first, second = make_user("collector"), make_user("collector")
    trainer_client = client_as("trainer")
    session_id = _create_session(trainer_client, first.id)
    first_client = client_as(user=first)
    run_url = first_client.post(f"/roleplay/sessions/{session_id}/runs",
                                follow_redirects=False).headers["location"]
    second_client = client_as(user=second)
    assert second_client.get(run_url).status_code == 404
    assert second_client.post(f"/roleplay/sessions/{session_id}/runs").status_code == 404


def test_a_threat_in_training_mode_ends_the_call_with_a_complaint_and_a_capped_score(
        client_as, make_user):
    trainee = make_user("collector")
    session_id = _create_session(client_as("trainer"), trainee.id, language="en")
    client = client_as(user=trainee)
    run = client.post(f"/api/roleplay/sessions/{session_id}/runs").json()
    assert run["turns"][0]["speaker"] == "borrower"
    turn = client.post(f"/api/roleplay/runs/{run['id']}/turns",
                       json={"text": "Pay today or we'll have you arrested."}).json()
    assert "violation" in turn["trainee"]["acts"]
    assert turn["hints"], "training mode shows the checker's hint"
    assert turn["run"]["status"] == "finished" and turn["run"]["end_state"] == "complaint"
    assert turn["run"]["score"] <= 20


def test_exam_mode_gives_no_hints(client_as, make_user):
    trainee = make_user("collector")
    session_id = _create_session(client_as("trainer"), trainee.id, language="en", mode="exam")
    client = client_as(user=trainee)
    run = client.post(f"/api/roleplay/sessions/{session_id}/runs").json()
    turn = client.post(f"/api/roleplay/runs/{run['id']}/turns",
                       json={"text": "You're a deadbeat."}).json()
    assert turn["hints"] == []
    page = client.post(f"/roleplay/runs/{run['id']}/check", data={"text": "You're a deadbeat."})
    assert "deadbeat" not in page.text


def test_building_a_session_without_trainees_says_what_is_missing(client_as):
    client = client_as("trainer")
    response = client.post("/roleplay/sessions", data={"title": "x", "persona_id": "angry",
                                                       "language": "zh"})
    assert response.status_code == 422 and "trainees" in response.text


def test_a_team_assignment_reaches_every_collector_of_the_team(client_as, make_user):
    member = make_user("collector", team="North")
    make_user("collector", team="North")
    trainer = client_as("trainer")
    team_id = member.team_id
    response = trainer.post("/api/roleplay/sessions", json={
        "title": "Team drill", "persona_id": "job_loss", "language": "en", "team_id": team_id})
    assert response.status_code == 201
    member_client = client_as(user=member)
    assert [s["title"] for s in member_client.get("/api/roleplay/my/sessions").json()] == \
        ["Team drill"]


def test_score_api_matches_the_cli_contract(client_as):
    client = client_as("trainer")
    body = {"transcript": [{"speaker": "borrower", "text": "Hello?"},
                           {"speaker": "trainee", "text": "You'll go to jail for this."}],
            "lang": "en"}
    result = client.post("/api/roleplay/score", json=body).json()
    assert result["score"] <= 20 and result["violations"]
    assert {c["id"] for c in result["criteria"]} >= {"identified_self", "no_violation"}


def test_roleplay_api_is_in_openapi(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/roleplay/runs/{run_id}/turns" in paths and "/api/roleplay/score" in paths



def test_session_page_names_its_flow_by_title(client_as, make_user):
    trainee = make_user("collector")
    client = client_as("trainer")
    session_id = _create_session(client, trainee.id, flow_id="phone_cn")
    page = client.get(f"/roleplay/sessions/{session_id}").text
    assert 'title="phone_cn"' in page
    assert "电话沟通（中文）" in page or "Phone call (Chinese)" in page
