"""`askwell ring ...`: set up a ring, see where it stands, assign helpers and print its report, acting
as one person (the same use cases and permissions as the pages and the API)."""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from askwell.cli.asks import Email, Org, _acting
from askwell.cli.common import cli_unit_of_work, fail, out_console
from askwell.core.clock import Clock
from askwell.core.edges import Edges
from askwell.matching.service import encoder
from askwell.people import repository as people_repo
from askwell.rings import repository, rules, service
from askwell.rings.models import RingMode
from askwell.rings.schemas import RingCreate

ring_app = typer.Typer(help="Reciprocity rings: create, status, assign, report.", no_args_is_help=True)

RingOpt = Annotated[int, typer.Option("--ring", min=1, max=2**31 - 1, help="The ring's id.")]


@ring_app.command("create")
def create_command(
    org: Org,
    email: Email,
    name: Annotated[str, typer.Option("--name", help="The ring's name.")],
    at: Annotated[str, typer.Option("--at", help="Start, YYYY-MM-DDTHH:MM in your timezone.")],
    mode: Annotated[str, typer.Option("--mode", help="live or async.")] = "live",
    minutes: Annotated[int, typer.Option("--minutes", min=10, max=480, help="Live: length.")] = 60,
    days: Annotated[int, typer.Option("--days", min=1, max=60, help="Async: days open.")] = 5,
    invite: Annotated[str, typer.Option("--invite", help="Comma-separated emails to invite.")] = "",
    open_call: Annotated[bool, typer.Option("--open", help="Anyone in the organization may join.")] = False,
    leader_first: Annotated[
        bool, typer.Option("--leader-first", help="Your request opens the ring.")
    ] = False,
) -> None:
    """Set up a ring that you facilitate; invitees are told in their inbox."""
    try:
        starts = datetime.fromisoformat(at)
    except ValueError:
        fail(f"--at {at!r} is not a date and time; use YYYY-MM-DDTHH:MM", code=2)
        raise
    if mode not in (RingMode.LIVE.value, RingMode.ASYNC.value):
        fail("--mode is live or async", code=2)
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        ids = []
        for address in (a.strip().lower() for a in invite.split(",") if a.strip()):
            found = people_repo.person_by_email(db, org_id=actor.org_id, email=address)
            if found is None:
                fail(f"nobody with email {address!r} in {org}", code=2)
                raise AssertionError("unreachable")
            ids.append(found.id)
        ring = service.create_ring(
            db,
            actor=actor,
            data=RingCreate(
                name=name,
                starts_at=starts,
                mode=RingMode(mode),
                duration_minutes=minutes,
                window_days=days,
                invite=ids,
                open_call=open_call,
                leader_first=leader_first,
            ),
            now=Clock().now(),
        )
        out_console.print(f"Ring {ring.id} “{ring.name}” set up; {len(ids)} invited.")


@ring_app.command("status")
def status_command(org: Org, email: Email, ring: RingOpt) -> None:
    """Where the ring stands: who is ready, the board with its offers."""
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        found = repository.get_ring(db, actor=actor, ring_id=ring)
        read = service.ring_read(db, ring=found, now=Clock().now())
        ready = sum(1 for m in read.members if m.status == "joined" and m.ready)
        joined = sum(1 for m in read.members if m.status == "joined")
        out_console.print(f"{read.name}: {read.status} ({read.mode}), {ready}/{joined} participants ready")
        table = Table("#", "request", "by", "offers", "status")
        for r in read.requests:
            table.add_row(str(r.position), r.title, r.requester.name, str(len(r.offers)), r.status)
        out_console.print(table)


@ring_app.command("assign")
def assign_command(
    org: Org,
    email: Email,
    ring: RingOpt,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Confirm the proposal: each pairing becomes an accepted offer.")
    ] = False,
    offers_only: Annotated[
        bool, typer.Option("--offers-only", help="Pair only people who offered (no suggestions).")
    ] = False,
) -> None:
    """Propose who helps whom (offers first, then suggestions among participants), and optionally confirm."""
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        now = Clock().now()
        view = service.propose_assignment(
            db, actor=actor, ring_id=ring, now=now, encode=None if offers_only else encoder(Edges())
        )
        if view.message:
            out_console.print(view.message)
        for p in view.pairings:
            out_console.print(f"{p.helper.name} → {p.requester.name}: “{p.title}” ({p.explanation})")
        if confirm and any(p.status == "proposed" for p in view.pairings):
            done = service.confirm_assignment(db, actor=actor, ring_id=ring, now=now)
            out_console.print(f"Confirmed {len(done)} pairing{'s' if len(done) != 1 else ''}.")


@ring_app.command("report")
def report_command(
    org: Org,
    email: Email,
    ring: RingOpt,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the report as CSV.")] = False,
) -> None:
    """The ring's figures beside ordinary asks: a table, CSV or JSON."""
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        view = service.report(db, actor=actor, ring_id=ring, now=Clock().now())
        if as_json:
            out_console.print_json(view.report.model_dump_json())
            return
        rows = service.report_csv_rows(view)
        if as_csv:
            csv.writer(sys.stdout).writerows(rows)
            return
        table = Table(*rows[0])
        for row in rows[1:]:
            table.add_row(*row)
        out_console.print(table)
        out_console.print(
            f"Ring vs ordinary asks, with an offer: {rules.percent(view.ring_figures.with_offer)} vs "
            f"{rules.percent(view.ordinary_figures.with_offer)}"
        )
