"""Storage on SQLite and PostgreSQL: the migrated schema holds users, cases, audit events,
API tokens and login failures, with their constraints."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from assistant import audit, cases, login_throttle, tokens, users
from assistant.db import make_engine, upgrade
from assistant.models import AuditEvent, Case, Role, User
from tests.conftest import PASSWORD


@pytest.fixture
def store(empty_database_url) -> Iterator[Session]:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_user_round_trip_keeps_role_team_and_password(store):
    created = users.create_user(store, "li.ming", PASSWORD, "collector", display_name="李明",
                                team="华东一组")
    store.commit()
    store.expire_all()
    loaded = users.get_by_username(store, "li.ming")
    assert (loaded.id, loaded.role, loaded.display_name) == (created.id, Role.collector, "李明")
    assert users.team_names(store)[loaded.team_id] == "华东一组"
    assert users.authenticate(store, "li.ming", PASSWORD).id == loaded.id
    assert users.authenticate(store, "li.ming", "wrong-password") is None
    assert loaded.password_hash.startswith("$argon2")


def test_usernames_are_unique_in_the_database(store):
    users.create_user(store, "dup", PASSWORD, "qa")
    store.commit()
    store.add(User(username="dup", display_name="x", role=Role.qa, password_hash="x"))
    with pytest.raises(IntegrityError):
        store.commit()


def test_case_round_trip_keeps_money_exact_and_facts(store):
    collector = users.create_user(store, "c1", PASSWORD, "collector")
    store.add(Case(reference="R-1", borrower_name="张伟", balance=Decimal("52360.50"),
                   principal=Decimal("48000.00"), days_past_due=64, cease_contact=True,
                   assigned_collector_id=collector.id, facts={"原因": "经营困难", "n": 2}))
    store.commit()
    store.expire_all()
    case = store.exec(select(Case).where(Case.reference == "R-1")).one()
    assert case.balance == Decimal("52360.50") and isinstance(case.balance, Decimal)
    assert case.facts == {"原因": "经营困难", "n": 2}
    assert case.cease_contact is True and case.has_lawyer is False
    assert [c.reference for c in cases.list_for_user(store, collector, search="张")] == ["R-1"]


def test_case_update_and_delete(store):
    case = Case(reference="R-2", borrower_name="Jordan Miller", jurisdiction="us")
    store.add(case)
    store.commit()
    case.has_lawyer = True
    store.add(case)
    store.commit()
    store.expire_all()
    assert store.get(Case, case.id).has_lawyer is True
    store.delete(store.get(Case, case.id))
    store.commit()
    assert store.get(Case, case.id) is None


def test_case_for_unknown_collector_is_refused(store):
    store.add(Case(reference="R-3", borrower_name="x", assigned_collector_id=9999))
    with pytest.raises(IntegrityError):
        store.commit()


def test_audit_events_are_stored_and_filtered(store):
    admin = users.create_user(store, "boss", PASSWORD, "admin")
    target = users.create_user(store, "worker", PASSWORD, "collector", actor=admin)
    users.set_role(store, "worker", "qa", actor=admin)
    store.commit()
    events, total = audit.search(store, audit.AuditFilter(actor_id=admin.id, action="user."))
    assert total == 2
    assert [e.action for e in events] == ["user.set_role", "user.create"]
    assert events[0].object_type == "user" and events[0].object_id == str(target.id)
    assert events[0].detail == {"role": "qa"}
    since = datetime.now(UTC) + timedelta(minutes=5)
    assert audit.search(store, audit.AuditFilter(since=since))[1] == 0
    assert store.exec(select(AuditEvent)).all()[0].at.year >= 2026


def test_api_token_is_stored_as_digest_and_revocable(store):
    user = users.create_user(store, "dialer-bot", PASSWORD, "collector")
    token, secret = tokens.create(store, user, "dialer")
    store.commit()
    assert secret not in token.token_hash and token.token_hash == tokens.digest(secret)
    assert tokens.user_for_token(store, secret).id == user.id
    assert tokens.for_user(store, user)[0].last_used_at is not None
    tokens.revoke(store, token.id)
    store.commit()
    assert tokens.user_for_token(store, secret) is None


def test_login_failures_are_counted_across_sessions(store, empty_database_url):
    now = datetime.now(UTC)
    for _ in range(3):
        login_throttle.record_failure(store, "victim", "10.0.0.1", now=now)
    store.commit()
    # A second connection stands for a second worker process.
    other_engine = make_engine(empty_database_url)
    with Session(other_engine) as other:
        blocked = login_throttle.check(other, "victim", "10.0.0.9", per_username=3,
                                       per_address=100, now=now + timedelta(seconds=10))
    other_engine.dispose()
    assert blocked is not None and blocked.reason == "username"
    assert 45 <= blocked.retry_after_seconds <= 50
