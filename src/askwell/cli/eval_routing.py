"""`askwell eval routing`: question routing on a Stack Exchange dump, beside simple baselines."""

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
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from askwell.cli.common import fail
from askwell.evals.report import update_section
from askwell.evals.routing import ANCHORS, LABELS, METHODS, METRICS, SiteDataError, evaluate, render_markdown
from askwell.matching.embeddings import EmbeddingModelMissing


def _print_table(result: dict[str, object], console: Console) -> None:
    table = Table(title=f"Question routing: {result['n_test']} test questions")
    table.add_column("method")
    for truth in ("any", "accepted"):
        for metric in METRICS:
            table.add_column(f"{truth} {metric}", justify="right")
    for method in METHODS:
        cells = [f"{result[truth][method][m]:.3f}" for truth in ("any", "accepted") for m in METRICS]  # type: ignore[index]
        table.add_row(LABELS[method], *cells)
    console.print(table)
    console.print(
        "Published anchors on StackOverflow (TUEF 2024, accepted answerer): "
        + ", ".join(f"{name} {value:.3f}" for name, value in ANCHORS.items())
    )


def routing_command(
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
    """Rank earlier answerers for each later question; MRR, P@1, R@5, R@10 against baselines."""
    stderr = Console(stderr=True)
    try:
        if json_output:
            result = evaluate(site / "Posts.xml")
        else:
            with Progress(
                TextColumn("routing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=stderr
            ) as bar:
                task = bar.add_task("routing", total=None)
                result = evaluate(
                    site / "Posts.xml",
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    except (SiteDataError, EmbeddingModelMissing) as error:
        fail(escape(str(error)), code=2)

    shown = {key: result[key] for key in ("n_test", "any", "accepted")}
    if json_output:
        sys.stdout.write(json.dumps(shown) + "\n")
    else:
        _print_table(result, Console())
    if report is not None:
        flags = ["--site", str(site), *(["--json"] if json_output else []), "--report", str(report)]
        command = shlex.join(["askwell", "eval", "routing", *flags])
        update_section(report, "routing", render_markdown(result, command=command, when=datetime.now(UTC)))
