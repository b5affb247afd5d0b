"""Migrations on the suite's database: upgrade from empty, no drift from the models, down and up again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from askwell.core.migrations import alembic_config, is_up_to_date, upgrade
from askwell.models import Base
from tests.conftest import create_test_database

if TYPE_CHECKING:
    from tests.conftest import TestDatabase


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[TestDatabase]:
    db = create_test_database(tmp_path, migrate=False)
    yield db
    db.drop()


def _downgrade_to_base(db: TestDatabase) -> None:
    cfg = alembic_config(db.engine.url.render_as_string(hide_password=False))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")


def _tables(db: TestDatabase) -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_creates_every_model_table(empty_db: TestDatabase) -> None:
    assert not is_up_to_date(empty_db.engine)

    upgrade(empty_db.engine)

    assert is_up_to_date(empty_db.engine)
    assert _tables(empty_db) == set(Base.metadata.tables)


def test_models_and_migrations_do_not_drift(empty_db: TestDatabase) -> None:
    upgrade(empty_db.engine)

    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)

    assert diff == [], "models differ from migrations; write a migration for these changes"


def test_downgrade_to_base_then_upgrade_again(empty_db: TestDatabase) -> None:
    upgrade(empty_db.engine)

    _downgrade_to_base(empty_db)
    assert _tables(empty_db) == set()

    upgrade(empty_db.engine)
    assert is_up_to_date(empty_db.engine)
    assert _tables(empty_db) == set(Base.metadata.tables)
