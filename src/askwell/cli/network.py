"""`askwell network ...`: import and list ties, find connectors, list dormant ties and introductions.

Commands act for one person of one organization (``--org`` and ``--email``), as an operator on the
server would: the same use cases and privacy rules as the pages and the API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from askwell.cli.common import cli_unit_of_work, err_console, fail, out_console
from askwell.core.clock import Clock
from askwell.network import csv_import, dormant, intros, jobs, service
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.policy import Actor
from askwell.people.schemas import normalise_email

network_app = typer.Typer(help="Ties, two-step introductions and dormant ties.", no_args_is_help=True)
ties_app = typer.Typer(help="Import and list ties.", no_args_is_help=True)
intros_app = typer.Typer(help="Two-step introductions.", no_args_is_help=True)
network_app.add_typer(ties_app, name="ties")
network_app.add_typer(intros_app, name="intros")

Org = Annotated[str, typer.Option("--org", help="Organization slug.")]
Email = Annotated[str, typer.Option("--email", help="The person's email in that organization.")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Months = Annotated[int, typer.Option("--months", min=1, max=120, help="Silence that makes a tie dormant.")]


def _person_actor(db: Session, org: str, email: str) -> Actor:
    organization = people_repo.organization_by_slug(db, org)
    person = people_repo.person_by_email(db, org_id=organization.id, email=normalise_email(email))
    if person is None:
        fail(f"nobody with email {email!r} in {org}")
        raise AssertionError("unreachable")
    return people_repo.actor_for(db, person)


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, default=str))


@ties_app.command("import")
def import_ties_command(
    file: Annotated[
        Path, typer.Argument(help="CSV: email_a,email_b[,strength][,last_interaction YYYY-MM-DD].")
    ],
    org: Org,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")] = False,
) -> None:
    """Import ties from CSV: every line valid, or nothing is written."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
        raise AssertionError("unreachable") from exc
    with cli_unit_of_work() as db:
        organization = people_repo.organization_by_slug(db, org)
        actor = people_service.admin_actor(organization)
        report = csv_import.import_ties(db, actor=actor, data=data, now=Clock().now(), dry_run=dry_run)
        if report.errors:
            for error in report.errors[:50]:
                where = f"line {error.line}" if error.line else "file"
                err_console.print(f"[red]{where}:[/] {error.message}")
            fail(f"{len(report.errors)} problem(s); nothing was imported", code=2)
    verb = "would import" if dry_run else "imported"
    err_console.print(f"[green]{verb} {report.created} ties[/] into {org}")


@ties_app.command("list")
def list_ties_command(org: Org, email: Email, months: Months = 12, json_output: Json = False) -> None:
    """One person's ties, strongest now first."""
    with cli_unit_of_work() as db:
        actor = _person_actor(db, org, email)
        ties = service.my_ties(
            db, actor=actor, now=Clock().now(), dormant_days=service.dormant_days_for(months)
        )
    if json_output:
        _print_json([t.model_dump(mode="json") for t in ties])
        return
    table = Table("person", "strength", "past", "last contact", "origins", "dormant")
    for t in ties:
        table.add_row(
            t.person.name,
            f"{t.strength:.2f}",
            f"{t.past_strength:.2f}",
            t.last_at.strftime("%Y-%m-%d"),
            ", ".join(t.origins),
            "yes" if t.dormant else "",
        )
    out_console.print(table)


@network_app.command("connectors")
def connectors_command(
    org: Org,
    email: Email,
    ask: Annotated[int | None, typer.Option("--ask", min=1, help="One of the person's asks.")] = None,
    query: Annotated[str, typer.Option("--query", help="A free query, e.g. 'SOC 2 audits'.")] = "",
    limit: Annotated[int, typer.Option("--limit", min=1, max=50)] = 5,
    json_output: Json = False,
) -> None:
    """People the person knows who know someone for an ask or a query, and whom each would introduce."""
    if (ask is None) == (not query.strip()):
        fail("give either --ask ID or --query TEXT", code=2)
    with cli_unit_of_work() as db:
        actor = _person_actor(db, org, email)
        routes = intros.find_connectors(
            db, actor=actor, now=Clock().now(), ask_id=ask, query=query, limit=limit
        )
        reads = [intros.connector_read(r) for r in routes]
    if json_output:
        _print_json([r.model_dump(mode="json") for r in reads])
        return
    if not reads:
        err_console.print("No connector found: nobody they know is tied to someone who matches.")
        return
    table = Table("connector", "introduces you to", "score", "your tie", "who matches on")
    for r in reads:
        table.add_row(
            r.connector.name, r.target.name, f"{r.score:.3f}", f"{r.your_tie:.2f}", ", ".join(r.matched)
        )
    out_console.print(table)


@network_app.command("dormant")
def dormant_command(org: Org, email: Email, months: Months = 12, json_output: Json = False) -> None:
    """One person's dormant ties, ranked for their open asks by relevance and novelty."""
    with cli_unit_of_work() as db:
        actor = _person_actor(db, org, email)
        found = dormant.dormant_ties(
            db, actor=actor, now=Clock().now(), dormant_days=service.dormant_days_for(months)
        )
    if json_output:
        _print_json([d.model_dump(mode="json") for d in found])
        return
    table = Table("person", "score", "relevance", "novelty", "past", "silent (months)", "for ask")
    for d in found:
        table.add_row(
            d.person.name,
            f"{d.score:.3f}",
            f"{d.relevance:.2f}",
            f"{d.novelty:.2f}",
            f"{d.past_strength:.2f}",
            str(d.months_silent),
            d.ask_title or "",
        )
    out_console.print(table)


@intros_app.command("list")
def list_intros_command(org: Org, email: Email, json_output: Json = False) -> None:
    """Introductions the person takes part in (as asker, connector or target)."""
    with cli_unit_of_work() as db:
        actor = _person_actor(db, org, email)
        found = intros.my_intros(db, actor=actor)
    if json_output:
        _print_json([i.model_dump(mode="json") for i in found])
        return
    table = Table("id", "role", "status", "asker", "connector", "target", "about")
    for i in found:
        table.add_row(
            str(i.id),
            i.role.value,
            i.status.value,
            i.asker.name,
            i.connector.name,
            i.target.name if i.target else "(not yet revealed)",
            i.ask_title or i.query,
        )
    out_console.print(table)


@network_app.command("learn")
def learn_command() -> None:
    """Catch up now on what the worker does every few minutes: ties from the ledger and from teams."""
    now = Clock().now()
    with cli_unit_of_work() as db:
        learned = jobs.learn_from_ledger(db, now=now, max_batches=10_000)
        team = jobs.sync_all_team_ties(db, now=now)
    err_console.print(f"[green]learned[/] {learned} interactions from the ledger, {team} same-team ties")
