"""`askwell coach`: review an ask as written, with reasons, rewrites and the signals that make help likely."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from askwell.asks.coaching import CRITERION_NAMES, AskDraft, Review, review
from askwell.matching.judge import packaged_judge

_STYLE = {"met": "green", "weak": "yellow", "missing": "red"}
_MARK = {"met": "✓", "weak": "~", "missing": "✗"}


def coach_command(
    text: Annotated[str | None, typer.Argument(help="The ask; read from stdin when absent or '-'")] = None,
    tz: Annotated[
        str, typer.Option("--tz", help="Your IANA timezone, for deadlines like 'by Friday'")
    ] = "UTC",
    guess: Annotated[
        float | None,
        typer.Option("--guess", min=0.0, max=1.0, help="Your own guess (0-1) that someone helps"),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object and nothing else")
    ] = False,
    rules_only: Annotated[
        bool,
        typer.Option(
            "--rules-only", help="The rules alone, without the learned judgement (no sentence model to load)"
        ),
    ] = False,
) -> None:
    """Coach one ask against the SMART criteria (the rules with the learned judgement)."""
    err = Console(stderr=True)
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        err.print(
            f"error: unknown timezone {tz!r} (use an IANA name such as Europe/Berlin)",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(2) from None
    body = sys.stdin.read() if text in (None, "-") else text
    if not body or not body.strip():
        err.print("error: the ask is empty; pass it as an argument or on stdin", markup=False, soft_wrap=True)
        raise typer.Exit(2)
    judge = None if rules_only else packaged_judge()
    result = review(AskDraft(body), now=datetime.now(UTC), tz=zone, own_guess=guess, judge=judge)
    if json_output:
        sys.stdout.write(json.dumps(review_to_dict(result)) + "\n")
    else:
        _print(Console(), result)


def review_to_dict(result: Review) -> dict[str, Any]:
    data = asdict(result)
    deadline = result.deadline
    data["deadline"] = (
        None
        if deadline is None
        else {
            "text": deadline.text,
            "kind": deadline.kind,
            "when": deadline.when.isoformat() if deadline.when else None,
            "past": deadline.past,
        }
    )
    if result.effort_hours is not None and result.effort_hours == float("inf"):
        data["effort_hours"] = None
    data["deliverables"] = [
        {**d, "hours": None if d["hours"] == float("inf") else d["hours"]} for d in data["deliverables"]
    ]
    return data


def _print(console: Console, result: Review) -> None:
    """The review as a table. Everything from the ask is escaped: "[WIP]" and the rewrites' "[do what]"
    placeholders are text, not Rich markup."""
    table = Table(title="SMART review", show_lines=True)
    table.add_column("criterion")
    table.add_column("verdict")
    table.add_column("why")
    table.add_column("try instead")
    for c in result.criteria:
        style = _STYLE[c.status]
        table.add_row(
            CRITERION_NAMES[c.criterion],
            f"[{style}]{_MARK[c.status]} {c.status}[/]",
            escape(c.reason),
            escape(c.rewrite or ""),
        )
    console.print(table)
    if result.deadline is not None and result.deadline.when is not None:
        flag = " [red](already passed)[/]" if result.deadline.past else ""
        console.print(
            f"Deadline: '{escape(result.deadline.text)}' → {result.deadline.when:%A %d %B %Y, %H:%M %Z}{flag}"
        )
    if result.bundled:
        console.print(
            "[yellow]Several asks in one:[/] " + escape("; ".join(d.text for d in result.deliverables))
        )
    # Signal names are machine keys (kept in --json); people read the sentence for each.
    for signal in result.signals:
        if signal.present:
            console.print(f"[green]✓ {escape(signal.hint)}[/]")
        else:
            console.print(f"[dim]○ {escape(signal.hint)}[/]")
    line = f"Score [bold]{result.score}[/]/100 · likely help ≈ {result.likely_rate:.0%}"
    if result.own_guess is not None:
        gap = result.likely_rate - result.own_guess
        line += f" · your guess {result.own_guess:.0%}"
        if gap > 0:
            line += f" [cyan](askers tend to underestimate help; {gap * 100:.0f} points more likely)[/]"
    console.print(line)


def print_review(console: Console, result: Review) -> None:
    """The coloured review, for other commands that coach an ask (``askwell ask new``)."""
    _print(console, result)
