"""`askwell backup FILE` / `askwell restore FILE`: a round trip keeps the data; unsafe restores refuse."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell import wiring
from askwell.cli import backup
from askwell.cli.main import app
from askwell.core.config import get_settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.core.migrations import is_up_to_date, upgrade
from askwell.people.models import Organization

runner = CliRunner()


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def org_names(session: Callable[[], Session]) -> list[str]:
    """The organizations' names; closes the pooled connection after, so the database is not in use."""
    with session() as db:
        names = list(db.scalars(select(Organization.name).order_by(Organization.name)))
        engine = db.get_bind()
    engine.dispose()  # type: ignore[union-attr]
    return names


class TestSqlite:
    def test_backup_then_restore_round_trips_the_data(
        self, cli_db_url: str, cli_session: Callable[[], Session], tmp_path: Path
    ) -> None:
        assert invoke("org", "create", "Acme").exit_code == 0
        backup = tmp_path / "askwell.backup"

        result = invoke("backup", backup)
        assert result.exit_code == 0, result.output
        assert "Backed up" in result.output
        assert invoke("org", "create", "Made after the backup").exit_code == 0
        assert org_names(cli_session) == ["Acme", "Made after the backup"]

        result = invoke("restore", backup)

        assert result.exit_code == 0, result.output
        assert org_names(cli_session) == ["Acme"]
        engine = create_db_engine(cli_db_url)
        assert is_up_to_date(engine)
        engine.dispose()

    def test_the_backup_is_one_self_contained_file(self, cli_db_url: str, tmp_path: Path) -> None:
        backup = tmp_path / "one.backup"
        assert invoke("backup", backup).exit_code == 0
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("one")) == ["one.backup"]
        conn = sqlite3.connect(backup)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()

    def test_a_backup_finishes_while_another_connection_keeps_writing(self, tmp_path: Path) -> None:
        """SQLite restarts a stepped backup after each foreign write, unless the copy reads one snapshot."""
        source = tmp_path / "busy.db"
        writer = sqlite3.connect(source, isolation_level=None)
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("CREATE TABLE t (x TEXT)")
        writer.executemany("INSERT INTO t VALUES (?)", [("x" * 200,) for _ in range(20_000)])
        steps: list[int] = []

        def write_between_steps(done: int, total: int) -> None:
            steps.append(done)
            assert len(steps) < 10_000, "the backup keeps restarting"
            writer.execute("INSERT INTO t VALUES ('written during the backup')")

        target = tmp_path / "copy.db"
        assert backup.snapshot_to(source, target, on_step=write_between_steps) == "ok"

        writer.close()
        copy = sqlite3.connect(target)
        assert copy.execute("SELECT count(*) FROM t").fetchone()[0] == 20_000  # as it was at the start
        copy.close()
        assert len(steps) > 1

    def test_backup_will_not_overwrite_a_file_without_force(self, cli_db_url: str, tmp_path: Path) -> None:
        backup = tmp_path / "exists.backup"
        backup.write_bytes(b"keep me")
        result = invoke("backup", backup)
        assert result.exit_code == 1
        assert "exists" in result.output
        assert backup.read_bytes() == b"keep me"
        assert invoke("backup", backup, "--force").exit_code == 0
        assert backup.read_bytes().startswith(b"SQLite format 3")

    def test_restore_refuses_a_database_in_use_without_force(
        self, cli_db_url: str, cli_session: Callable[[], Session], tmp_path: Path
    ) -> None:
        backup = tmp_path / "b.backup"
        assert invoke("backup", backup).exit_code == 0
        assert invoke("org", "create", "Newer").exit_code == 0
        path = make_url(cli_db_url).database
        server = sqlite3.connect(str(path))  # a running server holds the database open (WAL)
        server.execute("PRAGMA journal_mode=WAL")
        server.execute("SELECT count(*) FROM organizations").fetchone()
        try:
            refused = invoke("restore", backup)
            assert refused.exit_code == 1
            assert "in use" in refused.output and "--force" in refused.output
            assert org_names(cli_session) == ["Newer"]

            forced = invoke("restore", backup, "--force")
            assert forced.exit_code == 0, forced.output
        finally:
            server.close()
        assert org_names(cli_session) == []

    def test_restore_refuses_a_file_that_is_not_a_backup(
        self, cli_db_url: str, cli_session: Callable[[], Session], tmp_path: Path
    ) -> None:
        assert invoke("org", "create", "Precious").exit_code == 0
        junk = tmp_path / "junk.backup"
        junk.write_bytes(b"not a database at all" * 100)
        empty = tmp_path / "empty.backup"
        sqlite3.connect(empty).close()

        for file, message in ((junk, "not a SQLite backup"), (empty, "not an Askwell database")):
            result = invoke("restore", file)
            assert result.exit_code == 1, result.output
            assert message in result.output
        assert invoke("restore", tmp_path / "missing.backup").exit_code == 1
        assert org_names(cli_session) == ["Precious"]

    def test_restore_refuses_a_damaged_backup(self, cli_db_url: str, tmp_path: Path) -> None:
        backup = tmp_path / "damaged.backup"
        assert invoke("backup", backup).exit_code == 0
        data = bytearray(backup.read_bytes())
        page = 4096
        for offset in range(2 * page, len(data) - page, page):  # scribble over every page past the schema
            data[offset + 100 : offset + 200] = b"\xff" * 100
        backup.write_bytes(bytes(data))

        result = invoke("restore", backup)

        assert result.exit_code == 1
        assert "damaged" in result.output or "not a SQLite backup" in result.output


@pytest.fixture
def pg_db_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = os.environ.get("ASKWELL_TEST_DATABASE_URL")
    if not server:
        pytest.skip("PostgreSQL backups: set ASKWELL_TEST_DATABASE_URL to a PostgreSQL server")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed here")
    base = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"askwell_backup_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = create_db_engine(url)
    upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("ASKWELL_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class TestPostgres:
    def test_pg_dump_then_pg_restore_round_trips_the_data(self, pg_db_url: str, tmp_path: Path) -> None:
        assert invoke("org", "create", "Acme").exit_code == 0
        backup = tmp_path / "askwell.dump"
        result = invoke("backup", backup)
        assert result.exit_code == 0, result.output
        assert backup.read_bytes().startswith(b"PGDMP")
        assert invoke("org", "create", "Made after the backup").exit_code == 0

        result = invoke("restore", backup)

        assert result.exit_code == 0, result.output
        engine = create_db_engine(pg_db_url)
        try:
            assert org_names(wiring.session_factory(engine, Edges())) == ["Acme"]
            assert is_up_to_date(engine)
        finally:
            engine.dispose()

    def test_restore_refuses_while_others_are_connected(self, pg_db_url: str, tmp_path: Path) -> None:
        backup = tmp_path / "askwell.dump"
        assert invoke("backup", backup).exit_code == 0
        engine = create_db_engine(pg_db_url)
        try:
            with engine.connect() as server:
                server.execute(text("SELECT 1"))
                result = invoke("restore", backup)
        finally:
            engine.dispose()
        assert result.exit_code == 1
        assert "in use" in result.output

    def test_a_missing_program_is_one_clear_line(
        self, pg_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PATH", str(tmp_path))
        result = invoke("backup", tmp_path / "x.dump")
        assert result.exit_code == 1
        assert "pg_dump not found" in result.output
        assert len(result.output.strip().splitlines()) == 1


class TestProgress:
    def test_a_bar_appears_only_for_work_past_the_threshold(self, monkeypatch: pytest.MonkeyPatch) -> None:
        quick = backup._LateProgress("Backing up")
        quick.update(1, 10)
        assert quick.progress is None
        quick.close()

        monkeypatch.setattr(backup, "PROGRESS_AFTER_SECONDS", 0.0)
        slow = backup._LateProgress("Backing up")
        slow.update(3, 10)
        assert slow.progress is not None
        assert slow.progress.tasks[0].completed == 3
        slow.close()
