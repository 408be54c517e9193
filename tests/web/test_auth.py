"""Login, logout, CSRF and who sees which case."""

from tests.conftest import login


def test_pages_redirect_to_login_when_signed_out(client):
    response = client.get("/cases", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/cases")


def test_login_with_wrong_password_is_refused(client, make_user):
    user = make_user("collector")
    page = client.get("/login")
    assert page.status_code == 200
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": user.username, "password": "nope-nope",
                                           "csrf_token": token})
    assert response.status_code == 401


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user("collector")
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": "x"})
    assert response.status_code == 403


def test_collector_sees_only_own_cases(client, make_user, make_case):
    me, other = make_user("collector"), make_user("collector")
    mine = make_case(me, borrower_name="我的客户")
    theirs = make_case(other, borrower_name="别人的客户")
    login(client, me.username)
    listing = client.get("/cases").text
    assert "我的客户" in listing and "别人的客户" not in listing
    assert client.get(f"/cases/{mine.id}").status_code == 200
    assert client.get(f"/cases/{theirs.id}").status_code == 404
