"""`askwell standup ...`: answer today's stand-up and see a team's board, acting as one person
(the same use cases and permissions as the pages and the API)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from pydantic import ValidationError

from askwell.cli.asks import Email, Org, _acting
from askwell.cli.common import cli_unit_of_work, fail, out_console
from askwell.core.clock import Clock
from askwell.core.errors import AskwellError
from askwell.people import repository as people_repo
from askwell.standups import service
from askwell.standups.schemas import CheckinWrite, NeedConfirm

standup_app = typer.Typer(help="Stand-ups: answer today's, see a team's board.", no_args_is_help=True)


@standup_app.command("answer")
def answer_command(
    org: Org,
    email: Email,
    worked_on: Annotated[str, typer.Option("--worked-on", help="What you worked on.")] = "",
    working_on: Annotated[str, typer.Option("--working-on", help="What you are working on today.")] = "",
    help_needed: Annotated[str, typer.Option("--help-needed", help="What help you need.")] = "",
    help_others: Annotated[str, typer.Option("--help-others", help="What you could help others with.")] = "",
    private: Annotated[bool, typer.Option("--private", help="Only your team's lead sees it.")] = False,
    confirm: Annotated[
        bool, typer.Option("--confirm", help="Open the ask drafted from a need at once (as drafted).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the check-in as JSON.")] = False,
) -> None:
    """Answer today's stand-up. A need found in any answer is drafted into an ask: confirm it with
    --confirm, on the page, or with POST /api/v1/standups/checkins/{id}/confirm."""
    given = {"worked_on": worked_on, "working_on": working_on, "help_needed": help_needed}
    given["help_others"] = help_others
    now = Clock().now()
    try:
        data = CheckinWrite(answers={k: v for k, v in given.items() if v.strip()}, private=private)
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()), code=2)
        raise
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        try:
            checkin = service.answer(db, actor=actor, data=data, now=now)
            if confirm and checkin.ask_id is not None:
                service.confirm_need(db, actor=actor, checkin_id=checkin.id, data=NeedConfirm(), now=now)
        except AskwellError as exc:
            fail(exc.message, code=2)
            raise
        read = service.checkin_read(db, actor=actor, checkin=checkin, now=now, coach=True)
    if as_json:
        out_console.print_json(read.model_dump_json())
        return
    out_console.print(f"Check-in {read.id} for {read.local_date}{' (late)' if read.late else ''} saved.")
    if read.need is not None:
        out_console.print(
            f"Help needed: “{read.need.need}” → ask {read.need.ask_id} ({read.need.ask_status})."
        )
        for gap in read.need.gaps:
            out_console.print(f"  · {gap}")


@standup_app.command("board")
def board_command(
    org: Org,
    email: Email,
    team: Annotated[str, typer.Option("--team", help="The team's slug.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the board as JSON.")] = False,
) -> None:
    """A team's stand-up today: help needed first; who has not answered is counted, never named."""
    now = Clock().now()
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        try:
            found = people_repo.team_by_slug(db, actor=actor, slug=team)
            board = service.board(db, actor=actor, team_id=found.id, now=now)
        except AskwellError as exc:
            fail(exc.message, code=2)
            raise
    if as_json:
        out_console.print_json(json.dumps(board.model_dump(mode="json")))
        return
    out_console.print(f"{board.team_name}, {board.local_date}: {board.answered} of {board.members} answered.")
    for c in board.checkins:
        out_console.print(f"\n[bold]{c.person_name}[/bold]{' (late)' if c.late else ''}")
        if c.need is not None:
            out_console.print(f"  Help needed: {c.need.title} [{c.need.ask_status}, {c.need.offers} offers]")
        for a in c.answers:
            out_console.print(f"  {a.question} {a.text}", markup=False)
    for r in board.resolved:
        helpers = ", ".join(r.helpers)
        out_console.print(
            f"\nResolved: {r.title} ({r.author_name}){', helped by ' + helpers if helpers else ''}"
        )
