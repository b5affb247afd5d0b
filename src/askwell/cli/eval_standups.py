"""`askwell eval standups`: help needs found in stand-up answers against labels; leave-one-set-out; training."""

from __future__ import annotations

import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markdown import Markdown

from askwell.evals.coaching import EvalInputError, read_jsonl
from askwell.evals.report import update_section
from askwell.evals.standups import (
    LABEL_FIELDS,
    default_label_files,
    evaluate_standups,
    labelled_sets,
    loso_json,
    render_loso,
    render_standups,
)
from askwell.standups.needs import SHIPPED_PATH, NeedsModel, NeedsModelInvalid, load_model
from askwell.standups.needs_learn import DEFAULT_SEED, LabelledSet, featurise, loso, train


def standups_command(
    labels: Annotated[
        list[Path] | None,
        typer.Option(
            "--labels",
            help="JSONL of labelled answers (text help_needed need); repeat for --loso/--train "
            "(default there: every data/standups/standups_set*.jsonl)",
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object and nothing else")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the table into this Markdown file")
    ] = None,
    model_path: Annotated[
        Path | None,
        typer.Option(
            "--model", help=f"Score with this model file instead of the shipped {SHIPPED_PATH.name}"
        ),
    ] = None,
    run_loso: Annotated[
        bool, typer.Option("--loso", help="Leave one labelled set out at a time (nested choice of settings)")
    ] = False,
    train_to: Annotated[
        Path | None,
        typer.Option("--train", help=f"Train on the labelled sets and write the model here ({SHIPPED_PATH})"),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the inner folds")] = DEFAULT_SEED,
) -> None:
    """Precision, recall and F1 of "this answer needs help", and how well the need's span is found."""
    err = Console(stderr=True)
    if run_loso or train_to is not None:
        _loso_or_train(labels, json_output, report, run_loso, train_to, seed, err)
        return
    if not labels or len(labels) != 1:
        err.print("error: give one --labels file (several only with --loso or --train)", soft_wrap=True)
        raise typer.Exit(2)
    path = labels[0]
    try:
        rows = read_jsonl(path, LABEL_FIELDS)
        model = load_model(model_path or SHIPPED_PATH)
    except (EvalInputError, NeedsModelInvalid, OSError, ValueError, KeyError) as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    result = evaluate_standups(rows, model)
    markdown = render_standups(
        result,
        name=path.name,
        procedure=_procedure(model, LabelledSet(path.stem, rows)),
        command=_command(["--labels", str(path)], json_output, report, model_path),
        when=datetime.now(UTC),
    )
    if report is not None:
        update_section(report, f"standups-{_slug(path.stem)}", markdown)
    if json_output:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        Console().print(Markdown(markdown))


def _procedure(model: NeedsModel, labelled: LabelledSet) -> str:
    inside = any(e.get("sha256") == labelled.sha256 for e in model.training.get("sets", {}).values())
    split = (
        "this set IS part of its training data, so these are training figures"
        if inside
        else "this set is NOT part of its training data (held out)"
    )
    return f"Model {model.version} (C={model.C:g}, threshold {model.threshold:g}); {split}."


def _slug(stem: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)[:40]


def _loso_or_train(
    labels: list[Path] | None,
    json_output: bool,
    report: Path | None,
    run_loso: bool,
    train_to: Path | None,
    seed: int,
    err: Console,
) -> None:
    paths = labels or default_label_files()
    if run_loso and len(paths) < 2:
        err.print("error: leave-one-set-out needs at least two labelled sets", soft_wrap=True)
        raise typer.Exit(2)
    if not paths:
        err.print("error: no labelled sets (give --labels)", soft_wrap=True)
        raise typer.Exit(2)
    try:
        sets = labelled_sets(paths)
    except EvalInputError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    data = featurise(sets)
    out: dict[str, Any] = {}
    args = [a for p in (labels or []) for a in ("--labels", str(p))] + (
        ["--seed", str(seed)] if seed != DEFAULT_SEED else []
    )
    if run_loso:
        rows = loso(data, seed=seed)
        markdown = render_loso(
            rows, command=_command([*args, "--loso"], json_output, report, None), when=datetime.now(UTC)
        )
        if report is not None:
            update_section(report, "standups-loso", markdown)
        out["loso"] = loso_json(rows)
        if not json_output:
            Console().print(Markdown(markdown))
    if train_to is not None:
        model = train(data, seed=seed)
        train_to.write_text(model.to_json(), encoding="utf-8")
        out["trained"] = {
            "path": str(train_to),
            "version": model.version,
            "C": model.C,
            "threshold": model.threshold,
            **model.training,
        }
        if not json_output:
            err.print(
                f"Wrote {train_to} ({model.version}; {sum(len(s.rows) for s in sets)} answers from {len(sets)} "
                f"sets; C={model.C:g}, threshold {model.threshold:g}, {len(model.weights)} weights)",
                soft_wrap=True,
            )
    if json_output:
        sys.stdout.write(json.dumps(out) + "\n")


def _command(args: list[str], json_output: bool, report: Path | None, model_path: Path | None) -> str:
    if model_path is not None:
        args = [*args, "--model", str(model_path)]
    if json_output:
        args = [*args, "--json"]
    if report is not None:
        args = [*args, "--report", str(report)]
    return "askwell eval standups " + " ".join(shlex.quote(a) for a in args)
