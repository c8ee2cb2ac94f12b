"""Alembic: the migrations build the schema the models describe, on SQLite and (when KIOSK_TEST_DATABASE_URL is
set) on PostgreSQL, and they go down and up again cleanly."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from kiosk.store.database import Database, alembic_config
from kiosk.store.models import Base

from ..web.conftest import database_url_for_tests

TABLES = set(Base.metadata.tables)


@pytest.fixture
def database(tmp_path):
    """An empty database (the PostgreSQL test database is emptied first) and its Alembic configuration."""
    url = database_url_for_tests(tmp_path)
    engine = create_engine(url)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
        yield engine, alembic_config(url)
    finally:
        engine.dispose()


def _tables(engine):
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _revision(engine):
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _differences(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, Base.metadata)


def test_the_migrations_have_one_head_and_one_base():
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1 and len(script.get_bases()) == 1


def test_upgrade_head_on_an_empty_database_creates_every_table(database):
    engine, config = database
    command.upgrade(config, "head")
    assert _tables(engine) == TABLES
    assert _revision(engine) == ScriptDirectory.from_config(config).get_current_head()


def test_the_models_match_the_migrated_schema(database):
    engine, config = database
    command.upgrade(config, "head")
    assert _differences(engine) == []


def test_downgrade_to_base_and_upgrade_again(database):
    engine, config = database
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert _tables(engine) == set() and _revision(engine) is None
    command.upgrade(config, "head")
    assert _tables(engine) == TABLES and _differences(engine) == []


def test_every_step_goes_up_and_down(database):
    engine, config = database
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    created = set()
    for revision in revisions:
        command.upgrade(config, revision.revision)
        assert _revision(engine) == revision.revision
        now = _tables(engine)
        assert created < now, f"{revision.revision} creates no table"
        command.downgrade(config, revision.down_revision or "base")
        assert _tables(engine) == created, f"{revision.revision} does not undo itself"
        command.upgrade(config, revision.revision)
        created = now
    assert created == TABLES


def test_upgrading_a_database_at_head_changes_nothing(database):
    engine, config = database
    url = engine.url.render_as_string(hide_password=False)
    for _ in range(2):  # as every server process does at start-up
        app_database = Database(url)
        app_database.upgrade()
        app_database.engine.dispose()
    assert _tables(engine) == TABLES and _differences(engine) == []
    assert _revision(engine) == ScriptDirectory.from_config(config).get_current_head()
