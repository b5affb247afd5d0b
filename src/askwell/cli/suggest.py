"""`askwell suggest ASK_ID --org SLUG --email EMAIL`: who can help with an ask, as its author sees it."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from askwell.cli.common import cli_unit_of_work, err_console, fail, out_console
from askwell.core.clock import Clock
from askwell.core.db import MAX_ID
from askwell.core.edges import Edges
from askwell.matching import service
from askwell.matching.schemas import SuggestionsRead
from askwell.people import repository as people_repo
from askwell.people.policy import Actor
from askwell.people.schemas import normalise_email


def _actor(db: Session, org: str, email: str) -> Actor:
    organization = people_repo.organization_by_slug(db, org)
    person = people_repo.person_by_email(db, org_id=organization.id, email=normalise_email(email))
    if person is None:
        fail(f"nobody with email {email!r} in {org}", code=2)
        raise AssertionError("unreachable")
    return people_repo.actor_for(db, person)


def _table(result: SuggestionsRead) -> Table:
    table = Table(title=f"Who can help with ask {result.ask_id}")
    table.add_column("#", justify="right")
    table.add_column("person")
    table.add_column("score", justify="right")
    table.add_column("why")
    for number, s in enumerate(result.suggestions, start=1):
        who = s.person.name + (f" ({s.person.title})" if s.person.title else "")
        table.add_row(str(number), who, f"{s.score:.2f}", "; ".join(s.reasons))
    return table


def suggest_command(
    ask_id: Annotated[int, typer.Argument(min=1, max=MAX_ID, help="The ask's id.")],
    org: Annotated[str, typer.Option("--org", help="Organization slug.")],
    email: Annotated[str, typer.Option("--email", help="The asker's email in that organization.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=20, help="How many people.")] = 5,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
) -> None:
    """Suggest who can help with your ask, with the reasons, as the ask page does."""
    with cli_unit_of_work() as db:
        actor = _actor(db, org, email)
        result = service.suggest(
            db, actor=actor, ask_id=ask_id, now=Clock().now(), encode=service.encoder(Edges()), limit=limit
        )
    if json_output:
        typer.echo(json.dumps(result.model_dump(mode="json")))
        return
    if result.hint:
        err_console.print(f"[yellow]{result.hint}[/]")
    if result.suggestions:
        out_console.print(_table(result))
