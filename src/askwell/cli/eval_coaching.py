"""`askwell eval coaching`: SMART coaching against labelled asks; leave-one-set-out; training the judge."""

from __future__ import annotations

import json
import re
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import Progress

from askwell.asks.coaching.judge import SHIPPED_PATH, Judge
from askwell.asks.coaching.learn import DEFAULT_SEED, Featurised, featurise, loso, train
from askwell.evals.coaching import (
    EVAL_NOW,
    LABEL_FIELDS,
    EvalInputError,
    default_label_files,
    evaluate_coaching,
    labelled_sets,
    loso_json,
    read_jsonl,
    render_coaching,
    render_loso,
)
from askwell.evals.report import update_section

# A section name becomes an HTML comment marker in the report, so it stays to plain characters.
_SECTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,40}")


def coaching_command(
    labels: Annotated[
        list[Path] | None,
        typer.Option(
            "--labels",
            help="JSONL of labelled asks (id text S M A R T due_text); repeat for --loso/--train "
            "(default there: the dev set and every data/asks/smart_fresh*.jsonl)",
        ),
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
    section: Annotated[
        str,
        typer.Option(
            "--section",
            help="Name of the report section, so several label sets keep separate tables (default: coaching)",
        ),
    ] = "coaching",
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="Score the rules alone, without the shipped judge")
    ] = False,
    run_loso: Annotated[
        bool,
        typer.Option("--loso", help="Leave one labelled set out at a time (nested choice of settings)"),
    ] = False,
    train_to: Annotated[
        Path | None,
        typer.Option(
            "--train",
            help=f"Train the judge on all the labelled sets and write it here (shipped: {SHIPPED_PATH.name})",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the calibration folds")] = DEFAULT_SEED,
) -> None:
    """Per-criterion accuracy and F1 of SMART coaching, and how often the deadline text is found."""
    err = Console(stderr=True)
    if not _SECTION_NAME.fullmatch(section):
        err.print("error: --section takes letters, digits, '-' and '_' only", soft_wrap=True)
        raise typer.Exit(2)
    if run_loso or train_to is not None:
        _loso_or_train(labels, json_output, report, run_loso, train_to, seed, err)
        return
    if not labels or len(labels) != 1:
        err.print("error: give one --labels file (several only with --loso or --train)", soft_wrap=True)
        raise typer.Exit(2)
    path = labels[0]
    try:
        rows = read_jsonl(path, LABEL_FIELDS)
    except EvalInputError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    judge, procedure = _judge_for(path, rows, rules_only)
    if json_output:
        result = evaluate_coaching(rows, judge=judge)
    else:
        with Progress(console=err, transient=True) as bar:
            task = bar.add_task("coaching", total=len(rows))
            result = evaluate_coaching(rows, progress=lambda: bar.advance(task), judge=judge)
    args = ["--labels", str(path)] + (["--rules-only"] if rules_only else [])
    command = _command(args, json_output, report, section)
    title = "SMART coaching" if section == "coaching" else f"SMART coaching — {path.name}"
    markdown = render_coaching(
        result, command=command, when=datetime.now(UTC), title=title, procedure=procedure
    )
    if report is not None:
        update_section(report, section, markdown)
    if json_output:
        sys.stdout.write(json.dumps(result) + "\n")
    else:
        Console().print(Markdown(markdown))


def _judge_for(path: Path, rows: list[dict[str, Any]], rules_only: bool) -> tuple[Judge | None, str]:
    """The shipped judge (or none), and a line saying whether this set was part of its training."""
    if rules_only:
        return None, "Coaching: the rules alone (`--rules-only`)."
    from askwell.asks.coaching.learn import LabelledSet
    from askwell.matching.judge import packaged_judge

    judge = packaged_judge()
    if judge is None:
        return None, "Coaching: the rules alone (the shipped judge could not be loaded)."
    trained_on = judge.model.training.get("sets", {})
    digest = LabelledSet(path.stem, rows).sha256
    inside = any(entry.get("sha256") == digest for entry in trained_on.values())
    split = (
        "this set IS part of its training data, so these are training figures"
        if inside
        else "this set is NOT part of its training data (held out)"
    )
    return judge, f"Coaching: rules with the shipped judge {judge.model.version}; {split}."


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
    if len(paths) < 3:
        err.print("error: leave-one-set-out needs at least three labelled sets", soft_wrap=True)
        raise typer.Exit(2)
    try:
        sets = labelled_sets(paths)
    except EvalInputError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    from askwell.matching.judge import _encode_fp32

    data: Featurised = featurise(sets, _encode_fp32, now=EVAL_NOW, tz=_tz())
    out: dict[str, Any] = {}
    args = [a for p in (labels or []) for a in ("--labels", str(p))] + (
        ["--seed", str(seed)] if seed != DEFAULT_SEED else []
    )
    if run_loso:
        result = loso(data, seed=seed)
        command = _command([*args, "--loso"], json_output, report, "coaching-loso")
        markdown = render_loso(result, command=command, when=datetime.now(UTC))
        if report is not None:
            update_section(report, "coaching-loso", markdown)
        out["loso"] = loso_json(result)
        if not json_output:
            Console().print(Markdown(markdown))
    if train_to is not None:
        from askwell.asks.coaching.judge import JUDGE_VERSION

        model = train(data, seed=seed, version=JUDGE_VERSION)
        train_to.write_text(model.to_json(), encoding="utf-8")
        out["trained"] = {"path": str(train_to), "version": model.version, **model.training}
        if not json_output:
            err.print(
                f"Wrote {train_to} ({model.version}; {sum(len(s.rows) for s in sets)} asks from "
                f"{len(sets)} sets; data sha256 {model.training['data_sha256'][:12]}, seed {seed})",
                soft_wrap=True,
            )
    if json_output:
        sys.stdout.write(json.dumps(out) + "\n")


def _tz() -> ZoneInfo:
    return EVAL_NOW.tzinfo if isinstance(EVAL_NOW.tzinfo, ZoneInfo) else ZoneInfo("UTC")


def _command(args: list[str], json_output: bool, report: Path | None, section: str) -> str:
    if json_output:
        args = [*args, "--json"]
    if report is not None:
        args += ["--report", str(report)]
    if section not in ("coaching", "coaching-loso"):
        args += ["--section", section]
    return "askwell eval coaching " + " ".join(shlex.quote(a) for a in args)
