"""What every CLI command shares: settings, a unit of work, and errors printed without tracebacks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from askwell import wiring
from askwell.core.config import Settings, get_settings
from askwell.core.db import create_db_engine
from askwell.core.errors import AskwellError
from askwell.core.uow import unit_of_work
from askwell.integrations.edges import edges_from_settings

err_console = Console(stderr=True)
out_console = Console()


def engine_from_settings(settings: Settings | None = None) -> Engine:
    return create_db_engine((settings or get_settings()).database_url)


@contextmanager
def cli_unit_of_work(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction for the command; AskwellErrors become a red message and exit code 1."""
    settings = get_settings()
    engine = engine or engine_from_settings(settings)
    try:
        # The command's events reach the same subscribers as a page's (the inbox, live pages).
        factory = wiring.session_factory(engine, edges_from_settings(settings, engine=engine))
        with unit_of_work(factory) as db:
            yield db
    except AskwellError as exc:
        fail(exc.message)
    finally:
        engine.dispose()


def fail(message: str, code: int = 1) -> None:
    # Soft wrap: the terminal wraps the line, so a path or id in the message stays whole when copied.
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)
