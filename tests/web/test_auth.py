"""Login, logout, rate limiting, session cookie, CSRF and who sees which case."""

from __future__ import annotations

import re

from sqlmodel import select

from assistant.models import AuditEvent
from tests.conftest import PASSWORD, login


def _csrf(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)


def _attempt(client, username: str, password: str):
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": _csrf(client)}, follow_redirects=False)


def test_pages_redirect_to_login_when_signed_out(client):
    response = client.get("/cases", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/cases")


def test_login_with_wrong_password_is_refused_and_audited(client, make_user, db):
    user = make_user("collector")
    response = _attempt(client, user.username, "nope-nope")
    assert response.status_code == 401
    assert "user_id" not in client.cookies.get("assistant_session", "")
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).one()
    assert event.detail["username"] == user.username and "password" not in event.detail


def test_login_goes_to_the_next_page_but_never_off_site(client, make_user):
    user = make_user("collector")
    token = _csrf(client)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                           "csrf_token": token, "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_deactivated_user_cannot_log_in(client, make_user, db):
    user = make_user("collector")
    user.active = False
    db.add(user)
    db.commit()
    assert _attempt(client, user.username, PASSWORD).status_code == 401


def test_post_without_csrf_token_is_refused(client, make_user):
    user = make_user("collector")
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": "x"})
    assert response.status_code == 403


def test_sixth_failure_within_a_minute_gets_429_even_with_the_right_password(client, make_user):
    user = make_user("collector")
    for _ in range(5):
        assert _attempt(client, user.username, "wrong-password").status_code == 401
    blocked = _attempt(client, user.username, PASSWORD)
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 60
    assert "Too many failed log-in attempts" in blocked.text or "登录失败次数过多" in blocked.text


def test_failures_for_one_user_do_not_block_another(client, make_user):
    victim, colleague = make_user("collector"), make_user("collector")
    for _ in range(5):
        _attempt(client, victim.username, "wrong-password")
    assert _attempt(client, colleague.username, PASSWORD).status_code == 303


def test_many_failures_from_one_address_block_every_username_from_it(client, settings):
    for n in range(settings.login_failures_per_address_per_minute):
        assert _attempt(client, f"guess{n}", "wrong-password").status_code == 401
    assert _attempt(client, "yet-another", "wrong-password").status_code == 429


def test_session_cookie_is_httponly_samesite_lax_and_signed(client, make_user):
    user = make_user("collector")
    response = _attempt(client, user.username, PASSWORD)
    cookie = next(value for key, value in response.headers.multi_items()
                  if key == "set-cookie" and value.startswith("assistant_session="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in flags and "samesite=lax" in flags
    assert client.get("/cases", follow_redirects=False).status_code == 200
    # Changing one character of the signed value must log the client out.
    value = client.cookies["assistant_session"]
    tampered = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
    client.cookies.clear()
    client.cookies.set("assistant_session", tampered)
    assert client.get("/cases", follow_redirects=False).status_code == 303


def test_logout_ends_the_session_and_is_audited(client, make_user, db):
    user = make_user("collector")
    login(client, user.username)
    assert client.post("/logout", follow_redirects=False).status_code == 303
    assert client.get("/cases", follow_redirects=False).status_code == 303
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "auth.logout")).one()


def test_language_choice_is_remembered_across_logout_and_login(client, make_user):
    user = make_user("collector", locale="en")
    login(client, user.username)
    assert "My cases" in client.get("/cases").text
    client.post("/locale", data={"locale": "zh_CN", "next": "/cases"})
    client.post("/logout")
    client.cookies.clear()
    login(client, user.username)
    page = client.get("/cases").text
    assert "我的案件" in page and 'lang="zh-CN"' in page


def test_collector_sees_only_own_cases(client, make_user, make_case):
    me, other = make_user("collector"), make_user("collector")
    mine = make_case(me, borrower_name="我的客户")
    theirs = make_case(other, borrower_name="别人的客户")
    login(client, me.username)
    listing = client.get("/cases").text
    assert "我的客户" in listing and "别人的客户" not in listing
    assert client.get(f"/cases/{mine.id}").status_code == 200
    assert client.get(f"/cases/{theirs.id}").status_code == 404


def test_responses_carry_security_headers(client):
    headers = client.get("/login").headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_password_reset_ends_the_users_other_sessions(client_as, make_user, db):
    from assistant import users

    user = make_user("collector")
    stolen = client_as(user=user)
    assert stolen.get("/api/me").status_code == 200
    users.reset_password(db, user.username, "a-new-password-9")
    db.commit()
    assert stolen.get("/api/me").status_code == 401
