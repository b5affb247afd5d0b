"""`askwell serve`: the web app and API, with the in-process worker on a single-machine setup."""

from __future__ import annotations

import os
import socket
from typing import Annotated

import typer
import uvicorn

from askwell import wiring
from askwell.cli.common import engine_from_settings, err_console, fail, out_console
from askwell.cli.worker import configure_logging, require_encryption_keys, require_migrated
from askwell.core.config import Settings, get_settings
from askwell.integrations.edges import edges_from_settings
from askwell.matching.embeddings import EmbeddingModelMissing, packaged_model_dir, verify_model_dir
from askwell.server import create_app
from askwell.worker.registry import build_registry
from askwell.worker.runner import Worker


def wants_in_process_worker(settings: Settings, flag: bool | None) -> bool:
    """The flag wins; else the setting; else on for SQLite (one machine), off for PostgreSQL."""
    if flag is not None:
        return flag
    if settings.in_process_worker is not None:
        return settings.in_process_worker
    return settings.is_sqlite


def served_url(host: str, port: int) -> str:
    """The address this server answers on, for links in emails when ASKWELL_BASE_URL is unset."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.getfqdn()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def with_served_url(settings: Settings, *, host: str, port: int) -> Settings:
    """The settings with links pointing at this server, unless a public base URL is configured."""
    if settings.base_url:
        return settings
    return settings.model_copy(update={"base_url": served_url(host, port)})


def check_several_processes(settings: Settings, *, worker: bool | None) -> None:
    """Several app processes are the PostgreSQL layout: SQLite has one writer, and each process would
    otherwise run its own in-process worker."""
    if settings.is_sqlite:
        fail(
            "--workers above 1 needs PostgreSQL (ASKWELL_DATABASE_URL=postgresql://...): SQLite "
            "serves from one process."
        )
    if worker:
        fail("--workers above 1 runs no jobs in the app processes: start `askwell worker` beside them.")


def serve_processes(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """uvicorn's process manager: each worker process builds the app from the environment
    (``create_app_from_env``), so the served address travels to them as ``ASKWELL_BASE_URL``."""
    if settings.base_url:
        os.environ["ASKWELL_BASE_URL"] = settings.base_url
    out_console.print(
        f"Askwell on http://{host}:{port}/ with {workers} app processes (jobs need `askwell worker`)"
    )
    uvicorn.run(
        "askwell.server:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            help="Run jobs in this process (default: on for SQLite, off for PostgreSQL, "
            "where `askwell worker` processes run them).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="App processes (uvicorn workers) sharing the port; more than one needs PostgreSQL, "
            "with jobs run by `askwell worker` processes.",
        ),
    ] = 1,
) -> None:
    """Serve the web pages and the API."""
    settings = with_served_url(get_settings(), host=host, port=port)
    if workers > 1:
        check_several_processes(settings, worker=worker)
    engine = engine_from_settings(settings)
    require_migrated(engine)
    require_encryption_keys(settings)
    try:
        # Who-can-help needs the packaged model: say so now, not on the first ask page.
        verify_model_dir(packaged_model_dir())
    except EmbeddingModelMissing as exc:
        fail(exc.message)
    configure_logging()
    if workers > 1:
        engine.dispose()
        serve_processes(settings, host=host, port=port, workers=workers)
        return
    # One set of edges for the app and its in-process worker: a reminder the worker writes reaches
    # the badge of a page this process serves through the same in-memory broadcaster.
    edges = edges_from_settings(settings, engine=engine)
    factory = wiring.session_factory(engine, edges)
    background: Worker | None = None
    if wants_in_process_worker(settings, worker):
        background = Worker(factory, build_registry(), settings=settings, edges=edges)
    thread = background.run_in_thread() if background else None
    out_console.print(
        f"Askwell on http://{host}:{port}/ "
        + ("(jobs run in this process)" if background else "(jobs need `askwell worker`)")
    )
    try:
        # The app gets these settings (with the served address), not a fresh read of the environment.
        uvicorn.run(
            create_app(settings, session_factory=factory, edges=edges),
            host=host,
            port=port,
            proxy_headers=True,
            forwarded_allow_ips=settings.forwarded_allow_ips,
        )
    finally:
        if background and thread:
            background.stop()
            thread.join(timeout=settings.job_lease_seconds)
            if thread.is_alive():
                err_console.print(
                    "[yellow]the running job did not finish; it will be retried after its lease[/]"
                )
        engine.dispose()
