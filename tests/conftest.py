"""Shared fixtures: a migrated temporary SQLite database, the app, logged-in clients,
the real PostgreSQL server, and real headless Chromium."""

from __future__ import annotations

import functools
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from assistant import users
from assistant.config import Settings
from assistant.db import make_engine, upgrade
from assistant.models import Case, Role, User

PASSWORD = "test-pass-123"
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "var" / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'test.db'}",
                    secret_key="test-secret-key-not-for-production", _env_file=None)


@pytest.fixture
def engine(settings):
    url = settings.resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    """Create a user with the test password: make_user("collector", username="c1")."""
    counter = iter(range(1, 10_000))

    def make(role: str | Role, username: str | None = None, **kwargs) -> User:
        role = Role(role)
        user = users.create_user(db, username or f"{role.value}{next(counter)}", PASSWORD, role,
                                 **kwargs)
        db.commit()
        db.refresh(user)
        return user

    return make


@pytest.fixture
def make_case(db) -> Callable[..., Case]:
    counter = iter(range(1, 10_000))

    def make(collector: User | None = None, **kwargs) -> Case:
        n = next(counter)
        fields = dict(reference=f"T-{n:04d}", borrower_name=f"借款人{n}", balance="10000.00",
                      principal="9000.00", days_past_due=30, lender="测试银行", product="信用卡")
        fields.update(kwargs)
        case = Case(**fields, assigned_collector_id=collector.id if collector else None)
        db.add(case)
        db.commit()
        db.refresh(case)
        return case

    return make


@pytest.fixture
def app(settings, engine):
    from web.app import create_app

    return create_app(settings)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Log the client in through the real form; later requests send the CSRF header."""
    client.headers.pop("X-CSRF-Token", None)  # a header from an earlier session would win
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    # Logging in starts a new session with a new CSRF token; read it from any page.
    page = client.get("/login")
    client.headers["X-CSRF-Token"] = re.search(r'name="csrf-token" content="([^"]+)"',
                                               page.text).group(1)
    return client


@pytest.fixture
def client_as(app, make_user) -> Callable[..., TestClient]:
    """A new logged-in client for a role: client_as("qa") or client_as(user=some_user)."""
    clients: list[TestClient] = []

    def make(role: str | None = None, *, user: User | None = None) -> TestClient:
        user = user or make_user(role)
        test_client = TestClient(app)
        clients.append(test_client)
        return login(test_client, user.username)

    yield make
    for test_client in clients:
        test_client.close()


# --- PostgreSQL ------------------------------------------------------------------------------

# Why PostgreSQL tests were skipped; printed again at the end of the run so nobody misses it.
POSTGRES_SKIPS: list[str] = []


class PostgresUnavailableWarning(UserWarning):
    """The PostgreSQL server could not be reached, so its tests were skipped."""


def postgres_url() -> str:
    import os

    return os.environ.get("ASSISTANT_TEST_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_unreachable_reason() -> str | None:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(postgres_url(), connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any driver error: the server is not usable for tests
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    return None


@functools.cache
def _unreachable_reason_once() -> str | None:
    # Probed once per run: an unreachable server would otherwise cost a timeout per test.
    return postgres_unreachable_reason()


def skip_without_postgres() -> None:
    """Skip the calling test, loudly, when the PostgreSQL server cannot be reached."""
    import warnings

    reason = _unreachable_reason_once()
    if reason is None:
        return
    message = f"PostgreSQL at {_redacted(postgres_url())} is unreachable: {reason}"
    if message not in POSTGRES_SKIPS:
        POSTGRES_SKIPS.append(message)
    warnings.warn(message, PostgresUnavailableWarning, stacklevel=2)
    pytest.skip(message)


def _redacted(url: str) -> str:
    return re.sub(r"://([^:@/]+):[^@/]+@", r"://\1:***@", url)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    for message in POSTGRES_SKIPS:
        terminalreporter.write_sep("!", "PostgreSQL tests SKIPPED", red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)
        terminalreporter.write_line("Start the server or set ASSISTANT_TEST_DATABASE_URL.",
                                    red=True)


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a new, empty schema, dropped again afterwards."""
    from urllib.parse import quote

    from sqlalchemy import create_engine, text

    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_url() else "?"
    try:
        yield f"{postgres_url()}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database_url(request, tmp_path) -> Iterator[str]:
    """An empty database, not migrated: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    skip_without_postgres()
    with postgres_schema_url() as url:
        yield url


# --- Live server and Chromium ----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, for the browser."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a screenshot artefact under var/test-artifacts/."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
