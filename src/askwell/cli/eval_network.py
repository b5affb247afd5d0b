"""`askwell eval network`: tie formation and reactivation on a temporal message network."""

from __future__ import annotations

import json
import shlex
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from askwell.evals.network import (
    CUT_PAIRS,
    FIELD_ORDERS,
    FORMATION_METHODS,
    REACTIVATION_METHODS,
    SECONDS_PER_UNIT,
    NetworkDataError,
    evaluate_network,
    load_events,
    render_markdown,
)
from askwell.evals.report import update_section


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=2)


def _print_tables(result: dict[str, Any]) -> None:
    console = Console()
    formation = result["formation"]
    table = Table(title=f"Tie formation ({formation['n_positive']} new pairs)")
    table.add_column("method")
    table.add_column("ROC AUC", justify="right")
    table.add_column(f"precision@{formation['k']}", justify="right")
    for name in FORMATION_METHODS:
        table.add_row(name, f"{formation['auc'][name]:.3f}", f"{formation['precision_at_k'][name]:.3f}")
    console.print(table)
    reactivation = result["reactivation"]
    table = Table(
        title=f"Reactivation ({reactivation['n_positive']} of {reactivation['n_pairs']} silent pairs)"
    )
    table.add_column("method")
    table.add_column("ROC AUC", justify="right")
    for name in REACTIVATION_METHODS:
        table.add_row(name, f"{reactivation['auc'][name]:.3f}")
    console.print(table)
    for task in ("formation", "reactivation"):
        table = Table(title=f"{task.capitalize()}: learned model on every cut pair (fit/eval/end %)")
        for column in ("cut", "best single", "AUC", "learned AUC", "gap closed", "model"):
            table.add_column(column, justify="left" if column in {"cut", "best single", "model"} else "right")
        for cut in result["cuts"]:
            if "skipped" in cut:
                table.add_row(cut["cut"], "skipped", "", "", "", cut["skipped"])
                continue
            part = cut[task]
            table.add_row(
                cut["cut"],
                part["best_single"],
                f"{part['auc'][part['best_single']]:.3f}",
                f"{part['auc']['learned']:.3f}",
                f"{part['gap_closed']:.0%}",
                part["model"],
            )
        summary = result["summary"][task]
        table.caption = (
            f"gap closed: mean {summary['mean_gap_closed']:.0%}, worst {summary['worst_gap_closed']:.0%} "
            f"(cut {summary['worst_cut']}); target {summary['target']:.0%} on every cut: "
            + ("met" if summary["target_met_on_every_cut"] else "not met")
        )
        console.print(table)


def network_command(
    data: Annotated[
        Path, typer.Option("--data", help="Temporal network: three integers a line (two people and a time)")
    ],
    fields: Annotated[
        str, typer.Option("--fields", help=f"Column order, one of: {', '.join(FIELD_ORDERS)}")
    ] = "src,dst,t",
    time_unit: Annotated[
        str,
        typer.Option("--time-unit", help=f"Unit of the time column, one of: {', '.join(SECONDS_PER_UNIT)}"),
    ] = "seconds",
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
    """Predict new ties and reactivated silent ties on several cut pairs; compare with classic baselines."""
    if not data.is_file():
        raise _fail(f"no such file: {data}")
    try:
        events = load_events(data, fields=fields, time_unit=time_unit)
        if json_output:
            result = evaluate_network(events)
        else:
            with Progress(console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task("network evaluation", total=len(CUT_PAIRS) + 1)
                result = evaluate_network(
                    events, progress=lambda label: bar.update(task, advance=1, description=label)
                )
    except NetworkDataError as exc:
        raise _fail(str(exc)) from None
    if report is not None:
        argv = ["askwell", "eval", "network", "--data", str(data), "--fields", fields]
        argv += ["--time-unit", time_unit, "--report", str(report)]
        date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        update_section(report, "network", render_markdown(result, command=shlex.join(argv), date=date))
    if json_output:
        typer.echo(json.dumps(result))
    else:
        _print_tables(result)
