"""`askwell eval coaching`: SMART coaching against labelled asks."""

from __future__ import annotations

import json
import re
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import Progress

from askwell.evals.coaching import (
    LABEL_FIELDS,
    EvalInputError,
    evaluate_coaching,
    read_jsonl,
    render_coaching,
)
from askwell.evals.report import update_section

# A section name becomes an HTML comment marker in the report, so it stays to plain characters.
_SECTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


def coaching_command(
    labels: Annotated[
        Path, typer.Option("--labels", help="JSONL of labelled asks (id text S M A R T due_text)")
    ],
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object and nothing else")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Also write the table into this Markdown file (e.g. docs/evaluation.md)"
        ),
    ] = None,
    section: Annotated[
        str,
        typer.Option(
            "--section",
            help="Name of the report section, so several label sets keep separate tables (default: coaching)",
        ),
    ] = "coaching",
) -> None:
    """Per-criterion accuracy and F1 of SMART coaching, and how often the deadline text is found."""
    if not _SECTION_NAME.fullmatch(section):
        Console(stderr=True).print("error: --section takes letters, digits, '-' and '_' only", soft_wrap=True)
        raise typer.Exit(2)
    err = Console(stderr=True)
    try:
        rows = read_jsonl(labels, LABEL_FIELDS)
    except EvalInputError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if json_output:
        result = evaluate_coaching(rows)
    else:
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("coaching", total=len(rows))
            result = evaluate_coaching(rows, progress=lambda: bar.advance(task))
    command = "askwell eval coaching " + " ".join(
        shlex.quote(a) for a in _cli_args(labels, json_output, report, section)
    )
    title = "SMART coaching" if section == "coaching" else f"SMART coaching — {labels.name}"
    markdown = render_coaching(result, command=command, when=datetime.now(UTC), title=title)
    if report is not None:
        update_section(report, section, markdown)
    if json_output:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        Console().print(Markdown(markdown))


def _cli_args(labels: Path, json_output: bool, report: Path | None, section: str) -> list[str]:
    args = ["--labels", str(labels)]
    if json_output:
        args.append("--json")
    if report is not None:
        args += ["--report", str(report)]
    if section != "coaching":
        args += ["--section", section]
    return args
