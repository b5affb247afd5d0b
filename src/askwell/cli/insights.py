"""`askwell insights ...`: rebuild the rollups, and read a balance or a team's trends as one person
(the same use cases and permissions as the pages and the API)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from askwell.cli.asks import Email, Org, _acting
from askwell.cli.common import cli_unit_of_work, fail, out_console
from askwell.core.clock import Clock
from askwell.insights import repository, service

insights_app = typer.Typer(help="Give/ask balance and team insight: rebuild, me, team.", no_args_is_help=True)


@insights_app.command("rebuild")
def rebuild_command(
    check: Annotated[
        bool, typer.Option("--check", help="Compare with the rows the job built and say whether they match.")
    ] = False,
) -> None:
    """Recreate every rollup row from the ledger (up to the job's cursor): the same rows the job builds."""
    with cli_unit_of_work() as db:
        before = repository.snapshot(db) if check else None
        done = service.rebuild(db, now=Clock().now())
        if before is not None:
            same = repository.snapshot(db) == before
            out_console.print(
                "Rebuilt rows match the job's rows." if same else "Rebuilt rows differ from the job's."
            )
            if not same:
                raise typer.Exit(1)
    out_console.print(f"Rebuilt the insights rollups from {done} ledger entries.")


@insights_app.command("run")
def run_command() -> None:
    """Run the rollup job once now (the worker runs it every 5 minutes)."""
    with cli_unit_of_work() as db:
        done = service.roll_up(db, now=Clock().now(), max_batches=10_000)
    out_console.print(f"Rolled up {done} new ledger entries.")


@insights_app.command("me")
def me_command(
    org: Org,
    email: Email,
    as_json: Annotated[bool, typer.Option("--json", help="Print the balance as JSON.")] = False,
) -> None:
    """Your own balance: counts over 30/90/365 days, your pattern and a nudge."""
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        view = service.balance_of(db, actor=actor, person_id=actor.person_id, now=Clock().now())
    if as_json:
        out_console.print_json(view.model_dump_json())
        return
    table = Table("", *(f"{w.days} days" for w in view.windows))
    for key in ("asks", "help_received", "offers", "help_given", "thanks_given", "thanks_received"):
        table.add_row(key.replace("_", " "), *(str(getattr(w, key)) for w in view.windows))
    out_console.print(table)
    out_console.print(view.pattern_words)
    out_console.print(f"{view.nudge.text} ({view.nudge.href})")


@insights_app.command("team")
def team_command(
    org: Org,
    email: Email,
    team: Annotated[
        int, typer.Option("--team", min=0, max=2**31 - 1, help="Team id; 0 for the organization.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the insight as JSON.")] = False,
) -> None:
    """A team's weekly trends (its leads and admins), or the organization's with --team 0 (admins)."""
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        now = Clock().now()
        view = (
            service.org_insight(db, actor=actor, now=now)
            if team == 0
            else service.team_insight(db, actor=actor, team_id=team, now=now)
        )
    if as_json:
        out_console.print_json(view.model_dump_json())
        return
    if view.suppressed:
        fail(f"{view.name} has fewer than {service.MIN_GROUP} people: its figures are not shown.")
    table = Table(*service.CSV_COLUMNS)
    for row in service.csv_rows(view)[1:]:
        table.add_row(*row)
    out_console.print(f"{view.name}: {view.people} people")
    out_console.print(table)
