"""`askwell eval balance`: pattern shares and retention on Stack Exchange sites."""

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
from askwell.evals.balance import evaluate, render_markdown
from askwell.evals.report import update_section
from askwell.evals.routing import SiteDataError

KEYS = ("n_people", "patterns", "retention")


def balance_command(
    site: Annotated[
        list[Path], typer.Option("--site", help="A Stack Exchange site folder holding Posts.xml (repeatable)")
    ],
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON object per site")] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Also write the table into this Markdown file (docs/evaluation.md)"),
    ] = None,
) -> None:
    """Classify each site's first-half posters by the balance rule; who still posts in the second half?"""
    results: dict[str, dict[str, object]] = {}
    for folder in site:
        try:
            results[folder.name or "site"] = evaluate(folder / "Posts.xml")
        except SiteDataError as error:
            fail(escape(str(error)), code=2)
    for name, result in results.items():
        if json_output:
            sys.stdout.write(json.dumps({key: result[key] for key in KEYS}) + "\n")
            continue
        table = Table(title=f"{name}: {result['n_people']} people active in the first half")
        for column in ("pattern", "share", "still active"):
            table.add_column(column)
        patterns, retention = result["patterns"], result["retention"]
        assert isinstance(patterns, dict) and isinstance(retention, dict)
        for p, share in patterns.items():
            kept = retention[p]
            table.add_row(p, f"{share:.1%}", "–" if kept is None else f"{kept:.1%}")
        Console().print(table)
    if report is not None:
        flags = [x for folder in site for x in ("--site", str(folder))] + ["--report", str(report)]
        command = shlex.join(["askwell", "eval", "balance", *flags])
        update_section(report, "balance", render_markdown(results, command=command, when=datetime.now(UTC)))
