"""`askwell huddle call|list`: call a huddle when stuck, or list yours, acting as one person (the same
use cases and permissions as the pages and the API)."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from askwell.cli.asks import Email, Org, _acting
from askwell.cli.common import cli_unit_of_work, fail, out_console
from askwell.core.clock import Clock
from askwell.core.config import get_settings
from askwell.core.edges import Edges
from askwell.core.localtime import local_time
from askwell.huddles import service
from askwell.huddles.rules import DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES
from askwell.huddles.schemas import HuddleCreate
from askwell.matching.service import encoder

huddle_app = typer.Typer(help="Huddles: call one when stuck, list yours.", no_args_is_help=True)


@huddle_app.command("call")
def call_command(
    org: Org,
    email: Email,
    topic: Annotated[str, typer.Option("--topic", help="One line: what you are stuck on.")],
    minutes: Annotated[
        int, typer.Option("--minutes", min=MIN_MINUTES, max=MAX_MINUTES, help="How long.")
    ] = DEFAULT_MINUTES,
) -> None:
    """Invite people who may know and are working now; they get the invitation by email (.ics) and inbox."""
    try:
        data = HuddleCreate(topic=topic, minutes=minutes)
    except ValidationError:
        fail("--topic says in 3 to 200 characters what you are stuck on", code=2)
        raise
    with cli_unit_of_work() as db:
        actor, person = _acting(db, org, email)
        huddle = service.call_huddle(
            db,
            actor=actor,
            data=data,
            now=Clock().now(),
            encode=encoder(Edges()),
            link_template=get_settings().huddle_link_template,
        )
        db.commit()
        read = service.get(db, actor=actor, huddle_id=huddle.id)
        when = local_time(read.starts_at, person.timezone, label=True)
        names = ", ".join(i.name for i in read.invites)
        out_console.print(f"Huddle {read.id} at {when} with {names}: {read.link}", soft_wrap=True)


@huddle_app.command("list")
def list_command(org: Org, email: Email) -> None:
    """Huddles you called or are invited to, newest first."""
    with cli_unit_of_work() as db:
        actor, person = _acting(db, org, email)
        huddles = service.my_huddles(db, actor=actor)
        table = Table("id", "when", "topic", "status", "called by", "you")
        for h in huddles:
            table.add_row(
                str(h.id),
                local_time(h.starts_at, person.timezone),
                h.topic,
                h.status,
                h.caller_name,
                h.my_state or "caller",
            )
        out_console.print(table)
