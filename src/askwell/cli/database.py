"""`askwell db upgrade|status`."""

from __future__ import annotations

from askwell.cli.common import engine_from_settings, err_console, out_console
from askwell.core.migrations import is_up_to_date, upgrade


def upgrade_command() -> None:
    """Bring the database schema up to date (creates the SQLite file if needed)."""
    engine = engine_from_settings()
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    err_console.print(f"[green]Database is up to date[/] ({engine.url.render_as_string(hide_password=True)})")


def status_command() -> None:
    """Say whether the schema is at the latest migration."""
    engine = engine_from_settings()
    try:
        current = is_up_to_date(engine)
    finally:
        engine.dispose()
    out_console.print("up to date" if current else "needs `askwell db upgrade`")
