"""Error pages keep the layout (user name, role, navigation) even after a rolled-back request."""

from fastapi.testclient import TestClient

from assistant.errors import InvalidInput
from tests.conftest import login
from web.deps import CurrentUser, DbSession


def test_error_after_a_rollback_renders_the_friendly_page(app, make_user):
    def fails_after_rollback(db: DbSession, user: CurrentUser):
        db.rollback()  # what a route does when a write fails half-way
        raise InvalidInput("amount: must be positive")

    app.add_api_route("/test-only/rollback-then-fail", fails_after_rollback, methods=["GET"])
    user = make_user("collector", display_name="回滚测试员")
    with TestClient(app) as client:
        login(client, user.username)
        response = client.get("/test-only/rollback-then-fail")
    assert response.status_code == 422
    assert "amount: must be positive" in response.text
    assert "回滚测试员" in response.text  # the layout could still read the signed-in user


def test_language_switch_on_a_page_answering_a_form_goes_back_to_the_form_page(client_as):
    client = client_as("admin")
    response = client.post("/locale", data={"locale": "en",
                                            "next": "http://testserver/admin/users/1?tab=tokens"},
                           follow_redirects=False)
    assert response.headers["location"] == "/admin/users/1?tab=tokens"


def test_language_switch_never_redirects_to_another_site(client_as):
    client = client_as("admin")
    response = client.post("/locale", data={"locale": "en", "next": "http://evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_unknown_url_shows_the_404_page_with_the_navigation(client_as, make_user):
    user = make_user("collector", display_name="导航测试员")
    client = client_as(user=user)
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "导航测试员" in response.text and 'href="/cases"' in response.text
