"""CLI tests run the real commands against a temporary, migrated SQLite file named by ASKWELL_DATABASE_URL."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from askwell import wiring
from askwell.core.config import get_settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.core.migrations import upgrade


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each test gets a copy of the file (much faster than migrating per test)."""
    path = tmp_path_factory.mktemp("cli-template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def cli_db_url(tmp_path: Path, migrated_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    path = tmp_path / "cli.db"
    shutil.copy(migrated_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("ASKWELL_DATABASE_URL", url)
    # Wide enough that rich does not wrap the messages the tests look for.
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def cli_session(cli_db_url: str) -> Iterator[Callable[[], Session]]:
    """Opens sessions on the CLI's database, to check what a command wrote."""
    engine = create_db_engine(cli_db_url)
    yield wiring.session_factory(engine, Edges())
    engine.dispose()
