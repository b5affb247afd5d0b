"""`askwell import people|org` and `askwell export`: moving people and whole organizations in and out."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from askwell.accounts import transfer as accounts_transfer
from askwell.asks import transfer as asks_transfer
from askwell.cli.common import cli_unit_of_work, err_console, fail, out_console
from askwell.core.clock import Clock
from askwell.core.config import get_settings
from askwell.huddles import transfer as huddles_transfer
from askwell.network import transfer as network_transfer
from askwell.notifications.transfer import notifications_section
from askwell.people import repository
from askwell.people import transfer as people_transfer
from askwell.people.csv_import import FILE_LINE, import_people
from askwell.people.service import admin_actor
from askwell.people.transfer import export_org, import_org
from askwell.rings import transfer as rings_transfer
from askwell.routing import transfer as routing_transfer
from askwell.standups import transfer as standups_transfer

# Every domain's part of an organization export, in dependency order (people, invitations, asks,
# network, rings, stand-ups, routing, huddles, then the inbox, whose items point at rows of all of them).
SECTIONS = [
    *people_transfer.SECTIONS,
    *accounts_transfer.SECTIONS,
    *asks_transfer.SECTIONS,
    *network_transfer.SECTIONS,
    *rings_transfer.SECTIONS,
    *standups_transfer.SECTIONS,
    *routing_transfer.SECTIONS,
    *huddles_transfer.SECTIONS,
    notifications_section(),
]

# Below this many bytes an import finishes before a progress bar would be worth drawing.
PROGRESS_MIN_BYTES = 64 * 1024


def _read(file: Path, limit: int | None = None) -> bytes:
    try:
        with file.open("rb") as fh:
            return fh.read() if limit is None else fh.read(limit + 1)
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    raise AssertionError("unreachable")


def import_people_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with columns email,name and optionally title, timezone, "
            "skills, teams, lead_of, role, can_help_with, learning."
        ),
    ],
    org: Annotated[str, typer.Option("--org", help="Organization slug.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid rows and list the skipped ones.")
    ] = False,
) -> None:
    """Import people from a CSV file: all rows or none, unless --skip-invalid."""
    max_bytes = get_settings().max_upload_bytes
    data = _read(file, max_bytes)
    progress = Progress(
        TextColumn("importing people"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=len(data) < PROGRESS_MIN_BYTES,
    )
    with progress, cli_unit_of_work() as db:
        organization = repository.organization_by_slug(db, org)
        task = progress.add_task("import", total=max(1, data.count(b"\n")))
        report = import_people(
            db,
            actor=admin_actor(organization),
            data=data,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            now=Clock().now(),
            max_bytes=max_bytes,
            on_progress=lambda n: progress.advance(task, n),
        )
    if report.errors:
        table = Table("line", "column", "problem", title=f"{len(report.errors)} problem(s) in {file.name}")
        for e in report.errors:
            table.add_row("file" if e.line == FILE_LINE else str(e.line), e.column or "", e.message)
        out_console.print(table)
    if report.written:
        skipped = (
            f"; skipped lines {', '.join(map(str, report.skipped_lines))}" if report.skipped_lines else ""
        )
        err_console.print(f"[green]Imported {report.created} people[/] into {org}{skipped}.")
    elif report.errors and not (skip_invalid and report.created):
        fail("nothing was imported; fix the lines above (or use --skip-invalid to import the valid ones).")
    elif dry_run:
        skipped = (
            f", skipping lines {', '.join(map(str, report.skipped_lines))}" if report.skipped_lines else ""
        )
        err_console.print(
            f"[green]Dry run:[/] {report.created} people would be imported{skipped}; nothing written."
        )
    else:
        fail("nothing to import: no valid rows.")


def export_command(
    file: Annotated[Path, typer.Argument(help="Where to write the JSON document.")],
    org: Annotated[str, typer.Option("--org", help="Organization slug.")],
) -> None:
    """Export a whole organization to JSON. The file holds password hashes: keep it like a backup."""
    with cli_unit_of_work() as db:
        document = export_org(db, org_id=repository.organization_by_slug(db, org).id, sections=SECTIONS)
    try:
        # Created private (0600): the document holds everyone's password hash.
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    except OSError as exc:
        fail(f"cannot write {file}: {exc.strerror or exc}")
    err_console.print(
        f"[green]Exported[/] {org}: {len(document['people'])} people, {len(document['teams'])} teams → {file}\n"
        "[yellow]This file contains password hashes and personal data: store it securely.[/]"
    )


def import_org_command(
    file: Annotated[Path, typer.Argument(help="A JSON document written by `askwell export`.")],
    slug: Annotated[str | None, typer.Option("--slug", help="Import under this slug instead.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Import under this name instead.")] = None,
) -> None:
    """Create an organization from an export (refuses an existing slug unless --slug NEW is given)."""
    try:
        document = json.loads(_read(file).decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"{file} is not a JSON document: {exc}")
    with cli_unit_of_work() as db:
        org = import_org(db, document=document, now=Clock().now(), slug=slug, name=name, sections=SECTIONS)
        people = len(document.get("people", []))
    err_console.print(f"[green]Imported[/] {org.name} ([bold]{org.slug}[/]) with {people} people.")
