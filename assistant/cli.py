"""The `assistant` command line (Typer + Rich)."""

from __future__ import annotations

import importlib

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from assistant.config import get_settings
from assistant.db import make_engine, upgrade
from assistant.errors import AssistantError

app = typer.Typer(help="Compliance-aware collection script assistant.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database migrations and demo data.", no_args_is_help=True)
users_app = typer.Typer(help="Manage users and roles.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
console = Console()
err_console = Console(stderr=True)

# Each capability adds its own commands with register(app); listed here so the CLI
# stays one place to read.
CAPABILITY_CLIS = [
    "assistant.compliance.cli",
    "assistant.guidance.cli",
    "assistant.qa.cli",
    "assistant.roleplay.cli",
]


def _session() -> Session:
    return Session(make_engine(get_settings().resolved_database_url()))


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Create or migrate the database to the latest schema."""
    url = get_settings().resolved_database_url()
    upgrade(url, revision)
    console.print(f"[green]Database is at revision {revision}[/green]")


@db_app.command("demo")
def db_demo() -> None:
    """Load the demo users and cases (safe to run again) and print the logins."""
    from assistant import demo

    with _session() as db:
        logins = demo.load(db)
    table = Table(title="Demo logins")
    for column in ("username", "password", "role"):
        table.add_column(column)
    for row in logins:
        table.add_row(*row)
    console.print(table)


@users_app.command("create")
def users_create(username: str, role: str = typer.Option(..., help="collector|trainer|qa|admin"),
                 password: str = typer.Option(..., prompt=True, hide_input=True),
                 display_name: str = "", locale: str = "zh_CN", team: str = "") -> None:
    """Create a user."""
    from assistant import users

    with _session() as db:
        users.create_user(db, username, password, role, display_name=display_name,
                          locale=locale, team=team or None)
        db.commit()
    console.print(f"created {username} ({role})")


@users_app.command("list")
def users_list() -> None:
    """List users with role, team and status."""
    from assistant import users

    table = Table()
    for column in ("username", "name", "role", "team", "locale", "active"):
        table.add_column(column)
    with _session() as db:
        for user in users.list_users(db):
            table.add_row(user.username, user.display_name, user.role.value,
                          str(user.team_id or ""), user.locale, "yes" if user.active else "no")
    console.print(table)


@users_app.command("set-role")
def users_set_role(username: str, role: str) -> None:
    """Change a user's role."""
    from assistant import users

    with _session() as db:
        users.set_role(db, username, role)
        db.commit()
    console.print(f"{username} is now {role}")


@users_app.command("deactivate")
def users_deactivate(username: str) -> None:
    """Deactivate a user (they can no longer log in)."""
    from assistant import users

    with _session() as db:
        users.set_active(db, username, False)
        db.commit()
    console.print(f"{username} deactivated")


def _register_capabilities() -> None:
    for module_name in CAPABILITY_CLIS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # that capability has no commands yet
        module.register(app)


_register_capabilities()


def main() -> None:
    try:
        app()
    except AssistantError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
