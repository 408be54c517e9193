"""Demo data for `make run`: a user per role, cases per collector with contact flags."""

from __future__ import annotations

from sqlmodel import select

from assistant import demo, users
from assistant.models import Case, Role, User
from tests.conftest import login


def test_demo_has_every_role_and_flagged_cases_per_collector(db):
    logins = demo.load(db)
    assert {role for _name, _password, role in logins} == {r.value for r in Role}
    for collector in db.exec(select(User).where(User.role == Role.collector)):
        own = db.exec(select(Case).where(Case.assigned_collector_id == collector.id)).all()
        assert len(own) >= 3, collector.username
        assert any(case.cease_contact for case in own), collector.username
        assert any(case.has_lawyer for case in own), collector.username


def test_demo_load_is_idempotent(db):
    demo.load(db)
    counts = (len(users.list_users(db)), len(db.exec(select(Case)).all()))
    demo.load(db)
    assert (len(users.list_users(db)), len(db.exec(select(Case)).all())) == counts


def test_demo_collector_can_log_in_and_see_their_cases(db, client):
    demo.load(db)
    login(client, "collector", demo.DEMO_PASSWORD)
    page = client.get("/cases")
    assert page.status_code == 200 and "CN-2026-0001" in page.text and "CN-2026-0003" not in page.text
