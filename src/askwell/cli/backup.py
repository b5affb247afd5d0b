"""`askwell backup FILE` and `askwell restore FILE`: the whole database, to one file and back.

SQLite: SQLite's online backup API, so a backup can be taken while the server runs and is a
consistent snapshot (never a torn copy of a file being written). The backup is one self-contained
file (rollback journal, no ``-wal`` beside it). A restore refuses to replace a database that looks
in use (its ``-wal``/``-shm`` files exist, or it is locked) unless ``--force``.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean`` when those programs are present;
a restore refuses while other sessions are connected, unless ``--force``.

Both check what they restore: the file before (integrity, and a schema revision this version of
Askwell knows), the database after (integrity on SQLite, and the migrations' head).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from alembic.script import ScriptDirectory
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import make_url

from askwell.cli.common import engine_from_settings, err_console, fail
from askwell.core.config import Settings, get_settings
from askwell.core.db import other_sessions as db_other_sessions
from askwell.core.migrations import alembic_config, is_up_to_date

# Work that has run this long gets a progress bar; quicker work finishes before one would help.
PROGRESS_AFTER_SECONDS = 2.0
# Pages copied per backup step: small enough that the bar moves and other writers get the lock.
PAGES_PER_STEP = 1024

FileArg = Annotated[Path, typer.Argument(help="The backup file.", dir_okay=False)]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite even if the target exists or is in use.")]


class _LateProgress:
    """A progress bar that appears only once the work has taken ``PROGRESS_AFTER_SECONDS``."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def update(self, done: int, total: int) -> None:
        if self.progress is None:
            if time.monotonic() - self.started < PROGRESS_AFTER_SECONDS:
                return
            self.progress = Progress(
                TextColumn(self.label),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task(self.label, total=total)
        assert self.task is not None
        self.progress.update(self.task, completed=done, total=total)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@contextmanager
def _late_progress(label: str) -> Iterator[_LateProgress]:
    bar = _LateProgress(label)
    try:
        yield bar
    finally:
        bar.close()


# --- SQLite -----------------------------------------------------------------------------------------


def sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        fail("an in-memory database cannot be backed up or restored")
    return Path(str(database))


def _integrity(conn: sqlite3.Connection) -> str:
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(rows[:3])


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


def check_backup_file(path: Path) -> str:
    """The file's schema revision, after checking it is an intact Askwell database we can restore."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            integrity = _integrity(conn)
            revision = _revision(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fail(f"{path} is not a SQLite backup: {exc}")
    if integrity != "ok":
        fail(f"{path} is damaged (integrity check: {integrity})")
    if revision is None:
        fail(f"{path} is not an Askwell database (no schema revision)")
    if revision not in known_revisions():
        fail(f"{path} has schema revision {revision}, newer than this Askwell: upgrade Askwell first")
    return str(revision)


def in_use_reason(path: Path) -> str | None:
    """Why the database at ``path`` looks in use, or None. Each connection in WAL mode keeps the
    ``-wal`` and ``-shm`` files beside it (the last to close removes them); a lock says the same."""
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            return f"{companion.name} exists (a server or worker has it open, or one stopped uncleanly)"
    if not path.exists():
        return None
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return "it is locked by another process"
    finally:
        conn.close()
    return None


Step = Callable[[int, int], None]


def snapshot_to(source_path: Path, target_path: Path, *, on_step: Step) -> str:
    """Copy the database at ``source_path`` into a new file, as one consistent snapshot; returns the
    copy's integrity check ("ok" when sound).

    The copy goes ``PAGES_PER_STEP`` pages at a time (so a progress bar can move) inside one read
    transaction held on the source. Without it, SQLite restarts a stepped backup whenever another
    connection writes between two steps, and a busy server would keep it from ever finishing; with
    it (WAL), writers go on and the copy is the database as it was when the backup began.
    """
    # Not read-only: a read-only connection cannot remove the -wal/-shm files when it closes, and
    # they would then make the database look in use.
    source = sqlite3.connect(source_path, timeout=30, isolation_level=None)
    target = sqlite3.connect(target_path, isolation_level=None)
    try:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # pins the snapshot
        source.backup(
            target,
            pages=PAGES_PER_STEP,
            progress=lambda _status, remaining, total: on_step(total - remaining, total),
        )
        source.execute("ROLLBACK")
        # One self-contained file: no -wal beside it to lose when the file is copied elsewhere.
        target.execute("PRAGMA journal_mode=DELETE")
        return _integrity(target)
    finally:
        target.close()
        source.close()


def sqlite_backup(settings: Settings, file: Path) -> None:
    source_path = sqlite_path(settings)
    if not source_path.exists():
        fail(f"no database at {source_path}")
    partial = file.with_name(f".{file.name}.partial")
    partial.unlink(missing_ok=True)
    with _late_progress("Backing up") as bar:
        integrity = snapshot_to(source_path, partial, on_step=bar.update)
    if integrity != "ok":
        partial.unlink(missing_ok=True)
        fail(f"the backup failed its integrity check ({integrity}); nothing was written to {file}")
    partial.replace(file)


def sqlite_restore(settings: Settings, file: Path, *, force: bool) -> None:
    target_path = sqlite_path(settings)
    revision = check_backup_file(file)
    reason = in_use_reason(target_path)
    if reason and not force:
        fail(
            f"the database {target_path} looks in use: {reason}. "
            "Stop `askwell serve` and workers first, or pass --force"
        )
    source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, isolation_level=None)
    try:
        with _late_progress("Restoring") as bar:
            source.backup(
                target,
                pages=PAGES_PER_STEP,
                progress=lambda _status, remaining, total: bar.update(total - remaining, total),
            )
        integrity = _integrity(target)
        restored = _revision(target)
    finally:
        target.close()
        source.close()
    if integrity != "ok" or restored != revision:
        fail(f"the restored database {target_path} failed its check (integrity: {integrity})")


# --- PostgreSQL -------------------------------------------------------------------------------------


def _program(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        fail(
            f"{name} not found: install the PostgreSQL client programs (e.g. `apt install postgresql-client`)"
        )
    return str(path)


def libpq_target(database_url: str) -> tuple[str, dict[str, str]]:
    """A URL libpq programs accept, and the environment that carries the password (kept out of
    the process list, where anyone on the machine could read a URL's password)."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str], label: str) -> None:
    with err_console.status(label):
        result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        fail(f"{Path(argv[0]).name} failed: {detail[-1] if detail else f'exit status {result.returncode}'}")


def pg_backup(settings: Settings, file: Path) -> None:
    url, env = libpq_target(settings.database_url)
    partial = file.with_name(f".{file.name}.partial")
    partial.unlink(missing_ok=True)
    _run([_program("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={url}"], env, "Backing up")
    partial.replace(file)


def other_sessions(settings: Settings) -> int:
    engine = engine_from_settings(settings)
    try:
        with engine.connect() as conn:
            return db_other_sessions(conn)
    finally:
        engine.dispose()


def pg_restore(settings: Settings, file: Path, *, force: bool) -> None:
    program = _program("pg_restore")
    if not file.is_file():
        fail(f"no backup file at {file}")
    url, env = libpq_target(settings.database_url)
    sessions = other_sessions(settings)
    if sessions and not force:
        fail(
            f"the database is in use ({sessions} other connection(s)): "
            "stop `askwell serve` and workers first, or pass --force"
        )
    argv = [program, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _run([*argv, f"--dbname={url}", str(file)], env, "Restoring")


# --- commands ---------------------------------------------------------------------------------------


def _verify_head(settings: Settings) -> None:
    engine = engine_from_settings(settings)
    try:
        current = is_up_to_date(engine)
    finally:
        engine.dispose()
    if not current:
        err_console.print(
            "[yellow]The restored database is at an older schema: run `askwell db upgrade` before serving.[/]"
        )


def _size(file: Path) -> str:
    return f"{file.stat().st_size / 1024 / 1024:.1f} MiB"


def backup_command(file: FileArg, force: ForceOpt = False) -> None:
    """Back the whole database up to FILE (safe while Askwell runs)."""
    settings = get_settings()
    if file.exists() and not force:
        fail(f"{file} exists: choose another name, or pass --force to overwrite it")
    run: Callable[[Settings, Path], None] = sqlite_backup if settings.is_sqlite else pg_backup
    run(settings, file)
    err_console.print(f"[green]Backed up[/] to {file} ({_size(file)})")


def restore_command(file: FileArg, force: ForceOpt = False) -> None:
    """Replace the whole database with the backup in FILE (stop the server and workers first)."""
    settings = get_settings()
    if not file.is_file():
        fail(f"no backup file at {file}")
    if settings.is_sqlite:
        sqlite_restore(settings, file, force=force)
    else:
        pg_restore(settings, file, force=force)
    _verify_head(settings)
    err_console.print(f"[green]Restored[/] from {file}")
