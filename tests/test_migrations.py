"""Migrations and models agree (autogenerate finds nothing to add), on SQLite and PostgreSQL,
and the whole chain downgrades to an empty database and upgrades again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from assistant.db import alembic_config, import_all_models, make_engine, upgrade

ALEMBIC_TABLE = "alembic_version"


def _differences(url: str) -> list:
    import_all_models()
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {ALEMBIC_TABLE}
    finally:
        engine.dispose()


def test_models_and_migrations_agree(empty_database_url):
    upgrade(empty_database_url)
    differences = _differences(empty_database_url)
    assert differences == [], (
        "models and migrations disagree; put the missing operations in your area's migration:\n"
        + "\n".join(map(str, differences)))


def test_migration_chain_is_linear_with_one_head():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == [script.get_current_head()]
    revisions = [rev.revision for rev in script.walk_revisions("base", "heads")]
    assert revisions[-1] == "0001"


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(empty_database_url):
    upgrade(empty_database_url)
    tables = _tables(empty_database_url)
    assert {"user", "team", "case", "auditevent", "apitoken", "loginfailure"} <= tables
    command.downgrade(alembic_config(empty_database_url), "base")
    assert _tables(empty_database_url) == set()
    upgrade(empty_database_url)
    assert _tables(empty_database_url) == tables
