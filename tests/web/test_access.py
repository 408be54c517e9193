"""Every route × every role: allowed, redirected to the login page (or 401 for the API)
when signed out, or 403 for a role that may not use it.

Each area adds its routes to ROUTES. Paths may use placeholders, filled for the user under
test by the functions in PLACEHOLDERS (add yours there): {case_id} (a case assigned to them
when they are a collector), {user_id} (another user), {token_id} (an API token of that other
user). A route "allowed" for a role may still
answer 4xx for the empty request sent here (422, say); what matters is that it is neither
403 nor a redirect to the login page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

from assistant import tokens, users
from assistant.db import make_engine, upgrade
from assistant.models import Case, Role, User
from tests.conftest import PASSWORD, login

ALL = frozenset(Role)
PUBLIC = None  # anyone, signed in or not


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    allowed: frozenset[Role] | None  # None: public

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


ROUTES: list[Route] = [
    # foundation
    Route("GET", "/login", PUBLIC),
    Route("POST", "/login", PUBLIC),
    Route("POST", "/logout", PUBLIC),
    Route("POST", "/locale", PUBLIC),
    Route("GET", "/health", PUBLIC),
    Route("GET", "/", ALL),
    Route("GET", "/cases", ALL),
    Route("GET", "/cases/{case_id}", ALL),
    Route("GET", "/api/me", ALL),
    Route("GET", "/api/cases", ALL),
    Route("GET", "/api/cases/{case_id}", ALL),
    Route("GET", "/admin/users", frozenset({Role.admin})),
    Route("POST", "/admin/users", frozenset({Role.admin})),
    Route("GET", "/admin/users/{user_id}", frozenset({Role.admin})),
    Route("POST", "/admin/users/{user_id}/role", frozenset({Role.admin})),
    Route("POST", "/admin/users/{user_id}/profile", frozenset({Role.admin})),
    Route("POST", "/admin/users/{user_id}/active", frozenset({Role.admin})),
    Route("POST", "/admin/users/{user_id}/password", frozenset({Role.admin})),
    Route("POST", "/admin/users/{user_id}/tokens", frozenset({Role.admin})),
    Route("POST", "/admin/users/{user_id}/tokens/{token_id}/revoke", frozenset({Role.admin})),
    Route("GET", "/admin/audit", frozenset({Role.admin})),
]

# role-play
_TRAINING = frozenset({Role.trainer, Role.admin})
_TRAINEE = frozenset({Role.collector})
ROUTES += [
    Route("GET", "/roleplay", _TRAINING),
    Route("POST", "/roleplay/sessions", _TRAINING),
    Route("GET", "/roleplay/sessions/{roleplay_session_id}", _TRAINING),
    Route("GET", "/roleplay/results", _TRAINING),
    Route("GET", "/roleplay/runs/{run_id}/replay", _TRAINING),
    Route("GET", "/roleplay/my", _TRAINEE),
    Route("POST", "/roleplay/sessions/{roleplay_session_id}/runs", _TRAINEE),
    Route("GET", "/roleplay/runs/{run_id}", _TRAINEE),
    Route("POST", "/roleplay/runs/{run_id}/turns", _TRAINEE),
    Route("POST", "/roleplay/runs/{run_id}/check", _TRAINEE),
    Route("POST", "/roleplay/runs/{run_id}/end", _TRAINEE),
    Route("GET", "/roleplay/runs/{run_id}/feedback", ALL),
    Route("GET", "/roleplay/runs/{run_id}/transcript.jsonl", ALL),
    Route("GET", "/api/roleplay/personas", ALL),
    Route("GET", "/api/roleplay/sessions", _TRAINING),
    Route("POST", "/api/roleplay/sessions", _TRAINING),
    Route("GET", "/api/roleplay/my/sessions", _TRAINEE),
    Route("GET", "/api/roleplay/runs", _TRAINING),
    Route("POST", "/api/roleplay/sessions/{roleplay_session_id}/runs", _TRAINEE),
    Route("GET", "/api/roleplay/runs/{run_id}", ALL),
    Route("POST", "/api/roleplay/runs/{run_id}/turns", _TRAINEE),
    Route("POST", "/api/roleplay/runs/{run_id}/end", _TRAINEE),
    Route("POST", "/api/roleplay/score", ALL),
]


# guidance (guided call/visit sessions)
_COLLECTOR = frozenset({Role.collector})
ROUTES += [
    Route("GET", "/cases/{case_id}/sessions", ALL),
    Route("POST", "/cases/{case_id}/sessions", _COLLECTOR),
    Route("GET", "/sessions", ALL),
    Route("GET", "/sessions/{session_id}", ALL),
    Route("POST", "/sessions/{session_id}/advance", _COLLECTOR),
    Route("POST", "/sessions/{session_id}/affordability", _COLLECTOR),
    Route("POST", "/sessions/{session_id}/notes/check", _COLLECTOR),
    Route("POST", "/sessions/{session_id}/notes", _COLLECTOR),
    Route("POST", "/sessions/{session_id}/end", _COLLECTOR),
    Route("GET", "/sessions/{session_id}/timeline", ALL),
    Route("POST", "/api/cases/{case_id}/sessions", _COLLECTOR),
    Route("GET", "/api/sessions/{session_id}", ALL),
    Route("POST", "/api/sessions/{session_id}/advance", _COLLECTOR),
    Route("POST", "/api/sessions/{session_id}/notes", _COLLECTOR),
    Route("POST", "/api/sessions/{session_id}/end", _COLLECTOR),
]


# checker
ROUTES += [
    Route("GET", "/check", ALL),
    Route("POST", "/check/result", ALL),
    Route("POST", "/api/check", ALL),
]

# QA review
_QA = frozenset({Role.qa, Role.admin})
ROUTES += [
    Route("GET", "/qa", _QA),
    Route("GET", "/qa/notes/{note_id}", ALL),
    Route("POST", "/qa/notes/{note_id}/decisions", _QA),
    Route("POST", "/qa/decisions", _QA),
    Route("GET", "/qa/my-notes", _COLLECTOR),
    Route("POST", "/qa/my-notes", _COLLECTOR),
    Route("GET", "/qa/cases/{case_id}/note", _COLLECTOR),
    Route("GET", "/qa/import", _QA),
    Route("POST", "/qa/import", _QA),
    Route("GET", "/qa/import/{batch_id}", _QA),
    Route("POST", "/qa/import/{batch_id}/start", _QA),
    Route("GET", "/qa/import/{batch_id}/status", _QA),
    Route("GET", "/qa/dashboard", _QA),
    Route("GET", "/qa/export/dashboard/{table}.{fmt}", _QA),
    Route("GET", "/qa/export/queue.{fmt}", _QA),
    Route("GET", "/qa/export/labels.jsonl", _QA),
    Route("POST", "/qa/notes/{note_id}/misses", _QA),
    Route("POST", "/qa/notes/{note_id}/misses/{miss_id}/withdraw", _QA),
    Route("POST", "/qa/notes/{note_id}/nothing-missed", _QA),
    Route("POST", "/api/notes", ALL),
    Route("GET", "/api/notes/{note_id}", ALL),
    Route("POST", "/api/notes/{note_id}/misses", _QA),
    Route("POST", "/api/notes/{note_id}/misses/{miss_id}/withdraw", _QA),
]

def _case_for(db: Session, user: User, other: User) -> int:
    owner = user if user.role == Role.collector else other
    case = Case(reference=f"ACC-{user.username}", borrower_name="测试",
                assigned_collector_id=owner.id)
    db.add(case)
    db.flush()
    return case.id


def _token_of_other(db: Session, user: User, other: User) -> int:
    token, _secret = tokens.create(db, other, f"for {user.username}")
    return token.id


def _roleplay_session_for(db: Session, user: User, other: User) -> int:
    """A role-play session assigned to the user when a collector, else to the other one."""
    from assistant.roleplay.models import RoleplayAssignment, RoleplaySession

    trainee = user if user.role == Role.collector else other
    session = RoleplaySession(title=f"access {user.username}", persona_id="angry", language="zh")
    db.add(session)
    db.flush()
    db.add(RoleplayAssignment(session_id=session.id, trainee_id=trainee.id))
    db.flush()
    return session.id


def _roleplay_run_for(db: Session, user: User, other: User) -> int:
    """A role-play run of the user when a collector, else of the other collector."""
    from assistant.roleplay.models import RoleplayRun

    trainee = user if user.role == Role.collector else other
    run = RoleplayRun(session_id=_roleplay_session_for(db, user, other), trainee_id=trainee.id,
                      persona_id="angry", rubric_id="standard", language="zh",
                      difficulty="normal", mode="training", seed=1)
    db.add(run)
    db.flush()
    return run.id


def _guided_session_for(db: Session, user: User, other: User) -> int:
    """A guided session of the user when a collector, else of the other collector."""
    from assistant.guidance.models import GuidedSession

    owner = user if user.role == Role.collector else other
    case = Case(reference=f"GS-{user.username}", borrower_name="测试",
                assigned_collector_id=owner.id)
    db.add(case)
    db.flush()
    session = GuidedSession(case_id=case.id, collector_id=owner.id, flow_id="phone_cn",
                            channel="call", language="zh", jurisdiction="cn",
                            current_step="opening",
                            state={"offers": [], "offer_values": {}, "today": "2026-11-23"},
                            policy={"verdict": "allow", "local_time": "2026-11-23T10:00:00+08:00",
                                    "reasons": []})
    db.add(session)
    db.flush()
    return session.id


def _note_for(db: Session, user: User, other: User) -> int:
    """A console note written by the user when a collector, else by the other collector."""
    from assistant.qa.models import Note

    author = user if user.role == Role.collector else other
    note = Note(text="已电联客户，约定月底还款。", language="zh", jurisdiction="cn",
                author_id=author.id)
    db.add(note)
    db.flush()
    return note.id


def _import_batch_for(db: Session, user: User, other: User) -> int:
    from assistant.qa.models import ImportBatch

    batch = ImportBatch(file_name="notes.csv", format="csv", created_by_id=other.id)
    db.add(batch)
    db.flush()
    return batch.id


# placeholder name -> function(db, user under test, another collector) -> the id to put there
PLACEHOLDERS: dict[str, Callable[[Session, User, User], int | str]] = {
    "case_id": _case_for,
    "user_id": lambda db, user, other: other.id,
    "token_id": _token_of_other,
    "roleplay_session_id": _roleplay_session_for,
    "run_id": _roleplay_run_for,
    "session_id": _guided_session_for,
    "note_id": _note_for,
    "batch_id": _import_batch_for,
    "table": lambda db, user, other: "by_category",
    "fmt": lambda db, user, other: "csv",
    "miss_id": lambda db, user, other: 1,  # none recorded: an allowed role gets 404, not 403
}

# Served by FastAPI or Starlette themselves, not by an area's router.
FRAMEWORK_PATHS = {"/api/openapi.json", "/api/docs", "/api/docs/oauth2-redirect", "/static"}


@dataclass
class World:
    """One migrated database with a user per role, shared by the whole module (logging in
    hashes passwords, which is slow on purpose)."""

    app: object
    clients: dict[Role, TestClient]
    values: dict[Role, dict[str, int | str]]


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[World]:
    from assistant.config import Settings
    from web.app import create_app

    folder = tmp_path_factory.mktemp("access")
    settings = Settings(var_dir=folder, database_url=f"sqlite:///{folder / 'access.db'}",
                        secret_key="access-test-secret", _env_file=None,
                        login_failures_per_address_per_minute=1000)
    upgrade(settings.resolved_database_url())
    engine = make_engine(settings.resolved_database_url())
    values: dict[Role, dict[str, int | str]] = {}
    with Session(engine) as db:
        other = users.create_user(db, "someone-else", PASSWORD, "collector")
        for role in Role:
            user = users.create_user(db, f"access-{role.value}", PASSWORD, role)
            db.flush()
            values[role] = {name: make(db, user, other) for name, make in PLACEHOLDERS.items()}
        db.commit()
    engine.dispose()
    app = create_app(settings)
    clients = {role: login(TestClient(app), f"access-{role.value}") for role in Role}
    yield World(app, clients, values)
    for test_client in clients.values():
        test_client.close()


def _client(world: World, role: Role) -> TestClient:
    """The role's client, logged in again if an earlier request (POST /logout) ended it."""
    client = world.clients[role]
    if client.get("/api/me").status_code != 200:
        client.cookies.clear()
        login(client, f"access-{role.value}")
    return client


def _request(client: TestClient, route: Route, values: dict[str, int]):
    return client.request(route.method, route.path.format(**values), follow_redirects=False)


def _is_login_redirect(response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_route_access_per_role(world, route, role):
    response = _request(_client(world, role), route, world.values[role])
    if route.allowed is PUBLIC:
        assert response.status_code != 403 and response.status_code < 500, response.text[:500]
    elif role in route.allowed:
        assert response.status_code != 403 and not _is_login_redirect(response), (
            f"{route} should be allowed for {role.value}: got {response.status_code}")
        assert response.status_code < 500, response.text[:500]
    else:
        assert response.status_code == 403, (
            f"{route} should be forbidden for {role.value}: got {response.status_code}")


@pytest.mark.parametrize("route", [r for r in ROUTES if r.allowed is not PUBLIC], ids=str)
def test_route_needs_login(world, route):
    with TestClient(world.app) as anonymous:
        # A valid CSRF token, so that only the missing login can refuse the request.
        anonymous.headers["X-CSRF-Token"] = re.search(
            r'name="csrf-token" content="([^"]+)"', anonymous.get("/login").text).group(1)
        response = _request(anonymous, route, world.values[Role.admin])
    if route.path.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert _is_login_redirect(response), f"{route}: got {response.status_code}"


def _served_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route the areas' routers and the app itself declare."""
    import importlib

    from web.app import ROUTE_MODULES

    # Read the routers themselves: recent FastAPI keeps included routers as one opaque entry
    # in app.routes instead of copying their routes there.
    routes = [route for name in ROUTE_MODULES
              for route in importlib.import_module(name).router.routes]
    routes += list(app.routes)
    return {(method, route.path) for route in routes if isinstance(route, APIRoute)
            for method in route.methods if method != "HEAD"}


def test_every_route_of_the_app_is_in_the_table(world):
    served = _served_routes(world.app)
    assert ("GET", "/admin/users/{user_id}") in served  # the walk does reach included routers
    listed = {(route.method, route.path) for route in ROUTES}
    missing = sorted(f"{method} {path}" for method, path in served - listed
                     if path not in FRAMEWORK_PATHS)
    assert not missing, "add these routes to ROUTES in tests/web/test_access.py: " + ", ".join(
        missing)


def test_collector_cannot_open_another_collectors_case(world):
    others_case = world.values[Role.admin]["case_id"]  # assigned to someone-else
    client = _client(world, Role.collector)
    assert client.get(f"/cases/{others_case}").status_code == 404
    assert client.get(f"/api/cases/{others_case}").status_code == 404
