"""The JSON API: bearer tokens, /api/me, /api/cases, and a complete OpenAPI schema."""

from __future__ import annotations

from fastapi.testclient import TestClient

from assistant import tokens


def _token_for(db, user, name: str = "dialer") -> str:
    _token, secret = tokens.create(db, user, name)
    db.commit()
    return secret


def test_bearer_token_authenticates_without_a_browser_session(app, db, make_user):
    user = make_user("collector", team="华东一组")
    secret = _token_for(db, user)
    with TestClient(app) as integration:
        me = integration.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.json() == {"id": user.id, "username": user.username,
                         "display_name": user.display_name, "role": "collector",
                         "team": "华东一组", "locale": "zh_CN"}


def test_bad_revoked_or_deactivated_tokens_get_401_with_a_reason(app, db, make_user):
    user = make_user("collector")
    secret = _token_for(db, user)
    with TestClient(app) as integration:
        def status(header: str) -> tuple[int, str]:
            response = integration.get("/api/me", headers={"Authorization": header})
            return response.status_code, response.json()["detail"]

        assert status("Bearer csa_not-a-real-token")[0] == 401
        assert "Bearer" in status(f"Token {secret}")[1]
        user.active = False
        db.add(user)
        db.commit()
        assert status(f"Bearer {secret}")[0] == 401
        user.active = True
        db.add(user)
        tokens.revoke(db, tokens.for_user(db, user)[0].id)
        db.commit()
        assert status(f"Bearer {secret}") == (
            401, "API token is unknown, revoked, or its user is deactivated")


def test_a_bad_token_never_falls_back_to_the_session_cookie(client_as):
    client = client_as("collector")
    assert client.get("/api/me").status_code == 200
    assert client.get("/api/me", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_api_without_login_answers_401_json(client):
    response = client.get("/api/cases")
    assert response.status_code == 401 and response.json() == {"detail": "login required"}


def test_collector_api_lists_only_own_cases_and_404s_others(app, db, make_user, make_case):
    me, other = make_user("collector"), make_user("collector")
    mine = make_case(me, borrower_name="王小红", cease_contact=True, timezone="Asia/Shanghai")
    theirs = make_case(other)
    headers = {"Authorization": f"Bearer {_token_for(db, me)}"}
    with TestClient(app) as integration:
        listing = integration.get("/api/cases", headers=headers).json()
        detail = integration.get(f"/api/cases/{mine.id}", headers=headers).json()
        hidden = integration.get(f"/api/cases/{theirs.id}", headers=headers)
    assert [row["id"] for row in listing] == [mine.id]
    assert listing[0]["flags"] == {"cease_contact": True, "has_lawyer": False,
                                   "prefers_written": False}
    assert detail["balance"] == "10000.00" and detail["borrower_local_time"].endswith("+08:00")
    assert hidden.status_code == 404 and hidden.json() == {"detail": f"case {theirs.id} not found"}


def test_qa_api_sees_every_case_and_can_search(client_as, make_user, make_case):
    make_case(make_user("collector"), borrower_name="Jordan Miller", reference="US-1")
    make_case(make_user("collector"), borrower_name="张伟", reference="CN-1")
    client = client_as("qa")
    assert len(client.get("/api/cases").json()) == 2
    assert [c["reference"] for c in client.get("/api/cases?q=jordan").json()] == ["US-1"]
    assert client.get("/api/cases?sort=nonsense").status_code == 422
    first, second = (client.get(f"/api/cases?sort=name&limit=1&offset={n}").json()
                     for n in (0, 1))
    assert [first[0]["reference"], second[0]["reference"]] == ["US-1", "CN-1"]


def test_openapi_documents_the_api_with_response_models(client):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/me", "/api/cases", "/api/cases/{case_id}"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"], path
    assert {"UserOut", "CaseSummary", "CaseDetail", "ContactFlags"} <= set(
        schema["components"]["schemas"])
    assert client.get("/api/docs").status_code == 200
