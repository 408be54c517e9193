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
i18n_app = typer.Typer(help="UI message catalogs (Babel): extract and check translations.",
                       no_args_is_help=True)
app.add_typer(i18n_app, name="i18n")
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
        teams = users.team_names(db)
        for user in users.list_users(db):
            table.add_row(user.username, user.display_name, user.role.value,
                          teams.get(user.team_id, ""), user.locale,
                          "yes" if user.active else "no")
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


@users_app.command("reactivate")
def users_reactivate(username: str) -> None:
    """Let a deactivated user log in again."""
    from assistant import users

    with _session() as db:
        users.set_active(db, username, True)
        db.commit()
    console.print(f"{username} reactivated")


@users_app.command("set-team")
def users_set_team(username: str, team: str = typer.Argument("", help="empty: no team")) -> None:
    """Put a user in a team (created if new)."""
    from assistant import users

    with _session() as db:
        users.set_team(db, username, team)
        db.commit()
    console.print(f"{username} is now in {team or 'no team'}")


@users_app.command("reset-password")
def users_reset_password(username: str, password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True)) -> None:
    """Set a new password for a user."""
    from assistant import users

    with _session() as db:
        users.reset_password(db, username, password)
        db.commit()
    console.print(f"password of {username} changed")


@users_app.command("token")
def users_token(username: str, name: str = typer.Option(
        ..., "--name", help="what the token is for, e.g. 'dialer'")) -> None:
    """Create an API token for USERNAME; it is printed once and never shown again."""
    from assistant import tokens, users

    with _session() as db:
        token, secret = tokens.create(db, users.get_by_username(db, username), name)
        db.commit()
        token_id = token.id
    err_console.print(f"API token {token_id} '{name}' for {username}; store it now, "
                      "it cannot be shown again:")
    print(secret)  # alone on stdout, so scripts can capture it


@users_app.command("tokens")
def users_tokens(username: str) -> None:
    """List a user's API tokens (never the secrets)."""
    from assistant import tokens, users

    table = Table()
    for column in ("id", "name", "prefix", "created", "last used", "status"):
        table.add_column(column)
    with _session() as db:
        for token in tokens.for_user(db, users.get_by_username(db, username)):
            table.add_row(str(token.id), token.name, token.prefix + "…",
                          f"{token.created_at:%Y-%m-%d %H:%M}",
                          f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "",
                          "active" if token.active else "revoked")
    console.print(table)


@users_app.command("revoke-token")
def users_revoke_token(token_id: int) -> None:
    """Revoke an API token by its id (see `assistant users tokens USERNAME`)."""
    from assistant import tokens

    with _session() as db:
        token = tokens.revoke(db, token_id)
        db.commit()
        name = token.name
    console.print(f"API token {token_id} '{name}' revoked")


@i18n_app.command("extract")
def i18n_extract(areas: list[str] = typer.Argument(
        None, help="areas to extract (default: all): base, check, sessions, qa, roleplay")
        ) -> None:
    """Merge each area's _() strings into web/locale/<locale>/LC_MESSAGES/<area>.po."""
    from assistant import catalogs

    for area in areas or list(catalogs.AREA_SOURCES):
        for locale in catalogs.LOCALES:
            path, total, missing = catalogs.update_catalog(area, locale)
            colour = "green" if not missing else "yellow"
            console.print(f"{path.relative_to(catalogs.PROJECT_ROOT)}: {total} messages, "
                          f"[{colour}]{missing} untranslated[/{colour}]")


@i18n_app.command("check")
def i18n_check(areas: list[str] = typer.Argument(None, help="areas to check (default: all)")
               ) -> None:
    """List strings without a translation, with where they are used; exit 1 if any."""
    from assistant import catalogs

    missing_any = False
    for area in areas or list(catalogs.AREA_SOURCES):
        for locale in catalogs.LOCALES:
            for message in catalogs.untranslated(area, locale):
                missing_any = True
                where = ", ".join(f"{path}:{line}" for path, line in message.locations)
                console.print(f"{area} {locale}: {message.msgid!r} ({where})")
    if missing_any:
        raise typer.Exit(1)
    console.print("[green]every UI string has a translation[/green]")


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
