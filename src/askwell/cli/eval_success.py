"""`askwell eval success`: does coaching predict which requests get help (Random Acts of Pizza)?"""

from __future__ import annotations

import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import Progress

from askwell.evals.coaching import EvalInputError, read_jsonl
from askwell.evals.report import update_section
from askwell.evals.success import (
    REQUIRED_FIELDS,
    Encoder,
    evaluate_success,
    load_narratives,
    public_result,
    render_success,
)


def _packaged_encoder() -> Encoder:
    """The packaged sentence model (verified and loaded offline), imported only when an eval runs."""
    from askwell.matching.embeddings import encode

    return lambda texts: encode(texts)


def success_command(
    train: Annotated[Path, typer.Option("--train", help="RAOP-format JSONL, sorted or not by time")],
    test: Annotated[
        Path | None, typer.Option("--test", help="Held-out JSONL: train on all of --train, report on this")
    ] = None,
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
    """ROC AUC of the untrained coaching score and of a model trained on a time split."""
    err = Console(stderr=True)
    try:
        train_rows = read_jsonl(train, REQUIRED_FIELDS)
        test_rows = read_jsonl(test, REQUIRED_FIELDS) if test is not None else None
    except EvalInputError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    narratives = load_narratives(train)
    total = len(train_rows) + (len(test_rows) if test_rows is not None else 0)
    encode = _packaged_encoder()
    try:
        if json_output:
            result = evaluate_success(train_rows, test_rows, narratives=narratives, encode=encode)
        else:
            with Progress(console=err, transient=True) as bar:
                task = bar.add_task("coaching requests", total=total)
                vectors = bar.add_task("embedding requests", total=total)
                result = evaluate_success(
                    train_rows,
                    test_rows,
                    narratives=narratives,
                    encode=encode,
                    progress=lambda: bar.advance(task),
                    encode_progress=lambda n: bar.advance(vectors, n),
                )
    except (ValueError, TypeError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    argv = ["askwell", "eval", "success", "--train", str(train)]
    argv += ["--test", str(test)] if test is not None else []
    argv += ["--json"] if json_output else []
    argv += ["--report", str(report)] if report is not None else []
    markdown = render_success(result, command=shlex.join(argv), when=datetime.now(UTC))
    if report is not None:
        update_section(report, "success", markdown)
    if json_output:
        sys.stdout.write(json.dumps(public_result(result)) + "\n")
    else:
        Console().print(Markdown(markdown))
