"""`askwell worker`: a job-runner process (run several against PostgreSQL)."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Engine

from askwell.cli.common import engine_from_settings, err_console, fail
from askwell.core import logs
from askwell.core.config import Settings, get_settings
from askwell.core.db import create_session_factory
from askwell.core.encryption import MissingEncryptionKey, require_keys
from askwell.core.migrations import is_up_to_date
from askwell.integrations.edges import edges_from_settings
from askwell.worker.registry import build_registry
from askwell.worker.runner import Worker


def configure_logging() -> None:
    """Logs to stderr, once, as ASKWELL_LOG_FORMAT says (text or JSON lines); leaves a host's own setup alone."""
    logs.configure_logging(get_settings().log_format)


def require_encryption_keys(settings: Settings) -> None:
    """Refuse to start where stored secrets would be guarded by the public development key."""
    try:
        require_keys(settings)
    except (MissingEncryptionKey, ValueError) as exc:
        fail(str(exc))


def require_migrated(engine: Engine) -> None:
    """Refuse to start on a database the code does not match, with the command that fixes it."""
    url = engine.url.render_as_string(hide_password=True)
    try:
        current = is_up_to_date(engine)
    except Exception as exc:  # an unreachable server or a bad URL: one line, no traceback
        engine.dispose()
        fail(f"cannot open the database {url}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    if not current:
        engine.dispose()
        fail(f"the database {url} is not migrated: run `askwell db upgrade` first")


def worker_command(
    once: Annotated[bool, typer.Option("--once", help="Run the jobs that are due now, then exit.")] = False,
) -> None:
    """Run queued jobs (emails, scheduled work) until stopped with Ctrl-C or SIGTERM."""
    settings = get_settings()
    engine = engine_from_settings(settings)
    require_migrated(engine)
    require_encryption_keys(settings)
    configure_logging()
    edges = edges_from_settings(settings, engine=engine)
    worker = Worker(create_session_factory(engine), build_registry(), settings=settings, edges=edges)
    try:
        if once:
            try:
                result = worker.drain()
            except KeyboardInterrupt:
                # The interrupted job's transaction rolled back; it runs again once its lease expires.
                fail("interrupted", code=130)
            err_console.print(
                f"ran {result.completed} job(s), {result.failed} not completed, {result.scheduled} scheduled"
            )
        else:
            err_console.print(f"worker {worker.id} running; Ctrl-C stops it after the current job")
            worker.run()
    finally:
        engine.dispose()
