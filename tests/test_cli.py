"""The `assistant` command line against a real SQLite file."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from assistant import tokens, users
from assistant.cli import app
from assistant.config import get_settings
from assistant.db import make_engine


@pytest.fixture
def cli(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", url)
    monkeypatch.setenv("ASSISTANT_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    assert run("db", "upgrade").exit_code == 0
    yield run, make_engine(url)
    get_settings.cache_clear()


def test_demo_prints_logins_and_can_run_twice(cli):
    run, _engine = cli
    first = run("db", "demo")
    assert first.exit_code == 0 and "collector" in first.output and "demo-pass-2026" in first.output
    assert run("db", "demo").exit_code == 0


def test_users_create_set_role_team_deactivate_and_list(cli):
    run, engine = cli
    assert run("users", "create", "wang", "--role", "collector", "--password",
               "long-enough-1", "--team", "华东一组").exit_code == 0
    assert run("users", "set-role", "wang", "qa").exit_code == 0
    assert run("users", "set-team", "wang", "质检组").exit_code == 0
    assert run("users", "deactivate", "wang").exit_code == 0
    listing = run("users", "list").output
    assert "wang" in listing and "qa" in listing and "质检组" in listing and "no" in listing
    with Session(engine) as db:
        user = users.get_by_username(db, "wang")
        assert (user.role.value, user.active) == ("qa", False)


def test_token_is_printed_once_on_stdout_and_can_be_revoked(cli):
    run, engine = cli
    run("users", "create", "dialer", "--role", "collector", "--password", "long-enough-1")
    created = run("users", "token", "dialer", "--name", "outbound")
    assert created.exit_code == 0
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("csa_")
    with Session(engine) as db:
        assert tokens.user_for_token(db, secret).username == "dialer"
        token_id = tokens.for_user(db, users.get_by_username(db, "dialer"))[0].id
    listing = run("users", "tokens", "dialer").output
    assert "outbound" in listing and secret not in listing
    assert run("users", "revoke-token", str(token_id)).exit_code == 0
    with Session(engine) as db:
        assert tokens.user_for_token(db, secret) is None


def test_errors_say_what_is_wrong(cli):
    run, _engine = cli
    from assistant.errors import NotFound

    with pytest.raises(NotFound, match="user 'ghost' does not exist"):
        run("users", "token", "ghost", "--name", "x")
