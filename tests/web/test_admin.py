"""Admin pages: users, roles, teams, activation, passwords, API tokens and the audit trail."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from assistant import audit
from assistant.models import ApiToken, AuditEvent, Role, User
from tests.conftest import PASSWORD, login


def _actions(db, actor: User) -> list[str]:
    db.expire_all()
    return [e.action for e in db.exec(select(AuditEvent).where(AuditEvent.actor_id == actor.id)
                                      .order_by(AuditEvent.id))]


def test_admin_creates_a_user_who_can_then_log_in(app, client_as, make_user, db):
    admin = make_user("admin")
    client = client_as(user=admin)
    response = client.post("/admin/users", data={
        "username": "new.collector", "display_name": "新同事", "role": "collector",
        "team": "华南二组", "locale": "zh_CN", "password": "long-enough-1"})
    assert response.status_code == 200 and "new.collector" in response.text
    created = db.exec(select(User).where(User.username == "new.collector")).one()
    assert created.role == Role.collector
    assert "user.create" in _actions(db, admin)
    login(TestClient(app), "new.collector", "long-enough-1")


def test_invalid_new_user_is_shown_back_with_the_problem(client_as):
    client = client_as("admin")
    response = client.post("/admin/users", data={"username": "x", "role": "collector",
                                                 "password": "short"})
    assert response.status_code == 422
    assert "password: must be at least 8 characters" in response.text
    assert 'value="x"' in response.text  # the form keeps what was typed


def test_admin_changes_role_team_name_password_and_activation(app, client_as, make_user, db):
    admin, target = make_user("admin"), make_user("collector")
    client = client_as(user=admin)
    base = f"/admin/users/{target.id}"
    assert client.post(f"{base}/role", data={"role": "qa"}).status_code == 200
    assert client.post(f"{base}/profile", data={"display_name": "陈质检",
                                                "team": "质检组"}).status_code == 200
    assert client.post(f"{base}/password", data={"password": "brand-new-pass"}).status_code == 200
    assert client.post(f"{base}/active", data={"active": "false"}).status_code == 200
    db.expire_all()
    target = db.get(User, target.id)
    assert (target.role, target.display_name, target.active) == (Role.qa, "陈质检", False)
    assert _actions(db, admin)[-5:] == ["user.set_role", "user.rename", "user.set_team",
                                        "user.reset_password", "user.deactivate"]
    reset = db.exec(select(AuditEvent).where(AuditEvent.action == "user.reset_password")).one()
    assert "brand-new-pass" not in str(reset.detail)
    client.post(f"{base}/active", data={"active": "true"})
    login(TestClient(app), target.username, "brand-new-pass")


def test_admin_cannot_deactivate_or_demote_themselves(client_as, make_user, db):
    admin = make_user("admin")
    client = client_as(user=admin)
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "false"})
    assert response.status_code == 422 and "your own account" in response.text
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "collector"})
    assert response.status_code == 422
    db.expire_all()
    assert db.get(User, admin.id).active and db.get(User, admin.id).role == Role.admin


def test_token_is_shown_once_then_only_its_prefix_and_can_be_revoked(app, client_as, make_user,
                                                                     db):
    admin, bot = make_user("admin"), make_user("collector", username="crm-bot")
    client = client_as(user=admin)
    created = client.post(f"/admin/users/{bot.id}/tokens", data={"name": "CRM"})
    assert created.status_code == 201
    secret = re.search(r'id="new-token">([^<]+)<', created.text).group(1)
    page = client.get(f"/admin/users/{bot.id}").text
    assert secret not in page and secret[:10] in page
    headers = {"Authorization": f"Bearer {secret}"}
    with TestClient(app) as integration:
        assert integration.get("/api/me", headers=headers).json()["username"] == "crm-bot"
        token = db.exec(select(ApiToken).where(ApiToken.user_id == bot.id)).one()
        client.post(f"/admin/users/{bot.id}/tokens/{token.id}/revoke")
        assert integration.get("/api/me", headers=headers).status_code == 401
    assert _actions(db, admin)[-2:] == ["token.create", "token.revoke"]


def test_revoking_a_token_through_another_user_is_refused(client_as, make_user, db):
    admin, owner, stranger = make_user("admin"), make_user("collector"), make_user("collector")
    client = client_as(user=admin)
    client.post(f"/admin/users/{owner.id}/tokens", data={"name": "dialer"})
    token = db.exec(select(ApiToken).where(ApiToken.user_id == owner.id)).one()
    response = client.post(f"/admin/users/{stranger.id}/tokens/{token.id}/revoke")
    assert response.status_code == 404


def test_audit_page_filters_by_user_action_and_date(client_as, make_user, db):
    admin, other = make_user("admin"), make_user("admin")
    audit.record(db, other, "qa.decide", None, decision="confirmed")
    db.commit()
    client = client_as(user=admin)
    page = client.get("/admin/audit", params={"actor": other.username, "action": "qa."}).text
    assert "<code>qa.decide</code>" in page and "decision=confirmed" in page
    assert "<code>auth.login</code>" not in page
    assert "<code>auth.login</code>" in client.get("/admin/audit", params={"action": "auth."}).text
    future = client.get("/admin/audit", params={"since": "2999-01-01"}).text
    assert "<code>qa.decide</code>" not in future
    unknown = client.get("/admin/audit", params={"actor": "nobody-here"})
    assert "user &#39;nobody-here&#39; does not exist" in unknown.text
    assert client.get("/admin/audit", params={"since": "yesterday"}).status_code == 422


def test_forms_without_csrf_token_are_refused(app, make_user):
    admin = make_user("admin")
    client = login(TestClient(app), admin.username, PASSWORD)
    client.headers.pop("X-CSRF-Token")
    response = client.post("/admin/users", data={"username": "sneaky", "role": "admin",
                                                 "password": "long-enough-1"})
    assert response.status_code == 403


def test_admin_resetting_their_own_password_stays_signed_in(client_as, make_user):
    admin = make_user("admin")
    client = client_as(user=admin)
    assert client.post(f"/admin/users/{admin.id}/password",
                       data={"password": "my-new-password"}).status_code == 200
    assert client.get("/api/me").json()["username"] == admin.username
