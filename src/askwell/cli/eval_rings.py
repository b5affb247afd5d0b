"""`askwell eval rings`: ring assignment replayed on a Stack Exchange dump, beside simple baselines."""

from __future__ import annotations

import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from askwell.cli.common import fail
from askwell.evals.report import update_section
from askwell.evals.rings import (
    CANDIDATES,
    CAPACITY,
    HELPERS,
    LABELS,
    METHODS,
    WINDOW_DAYS,
    evaluate,
    render_markdown,
)
from askwell.evals.routing import SiteDataError

KEYS = ("n_rings", "n_requests", "capacity", "hit_rate", "max_load")


def rings_command(
    site: Annotated[Path, typer.Option("--site", help="A Stack Exchange site folder holding Posts.xml")],
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object and nothing else")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Also write the table into this Markdown file (e.g. docs/evaluation.md)"
        ),
    ] = None,
) -> None:
    """Replay later questions as weekly rings; hit rate and load against most active and random."""
    try:
        result = evaluate(site / "Posts.xml")
    except SiteDataError as error:
        fail(escape(str(error)), code=2)
    if json_output:
        sys.stdout.write(json.dumps({key: result[key] for key in KEYS}) + "\n")
    else:
        console = Console()
        console.print(
            f"{WINDOW_DAYS}-day rings after the routing split; capacity {CAPACITY}, k = {HELPERS}, "
            f"{CANDIDATES} who-can-help candidates per request, no offers."
        )
        table = Table(
            title=f"Ring assignment: {result['n_rings']} rings, {result['n_requests']} requests "
            f"({result['n_answerable']} answered by a participant)"
        )
        for column in ("method", "hit rate", "max load", "within capacity"):
            table.add_column(column, justify="left" if column == "method" else "right")
        for m in METHODS:
            table.add_row(
                LABELS[m],
                f"{result['hit_rate'][m]:.3f}",  # type: ignore[index]  # the result is JSON-shaped (object values)
                str(result["max_load"][m]),  # type: ignore[index]  # the result is JSON-shaped (object values)
                f"{result['within_capacity'][m]:.1%}",  # type: ignore[index]  # the result is JSON-shaped (object values)
            )
        console.print(table)
    if report is not None:
        flags = ["--site", str(site), *(["--json"] if json_output else []), "--report", str(report)]
        command = shlex.join(["askwell", "eval", "rings", *flags])
        name = site.name or "site"
        update_section(
            report, f"rings-{name}", render_markdown(name, result, command=command, when=datetime.now(UTC))
        )
