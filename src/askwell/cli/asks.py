"""`askwell ask ...`: write an ask with live coaching, and list the board, acting as one person.

The commands use the same use cases, coaching and visibility rules as the pages and the API.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table
from sqlalchemy.orm import Session

from askwell.asks import repository, service
from askwell.asks.schemas import AskCreate, ask_summary
from askwell.cli.coach import print_review
from askwell.cli.common import cli_unit_of_work, err_console, fail, out_console
from askwell.core.clock import Clock
from askwell.core.errors import InvalidInput, NotFound
from askwell.core.localtime import zone
from askwell.matching.judge import packaged_judge
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.web.forms import field_errors, split_list

ask_app = typer.Typer(help="Asks: write one with SMART coaching, or list the board.", no_args_is_help=True)

Org = Annotated[str, typer.Option("--org", help="Organization slug.")]
Email = Annotated[str, typer.Option("--email", help="The email of the person you act as.")]
CHOICES = {"p": "post", "post": "post", "r": "revise", "revise": "revise", "d": "draft", "draft": "draft"}
CHOICES |= {"q": "quit", "quit": "quit"}


def _acting(db: Session, org: str, email: str) -> tuple[Actor, Person]:
    try:
        organization = people_repo.organization_by_slug(db, org)
    except NotFound as exc:
        fail(exc.message, code=2)
        raise
    person = people_repo.person_by_email(db, org_id=organization.id, email=email)
    if person is None:
        fail(f"nobody with email {email!r} in {org}", code=2)
        raise AssertionError("unreachable")
    return people_repo.actor_for(db, person), person


def _due(raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        fail(f"--due {raw!r} is not a date; use YYYY-MM-DD", code=2)
        raise


def _problems(exc: ValidationError | InvalidInput) -> list[str]:
    if isinstance(exc, InvalidInput):
        return [exc.message]
    # Each message names its field already ("Title needs at least 3 characters.").
    return list(field_errors(exc).values())


@ask_app.command("new")
def new_command(
    org: Org,
    email: Email,
    title: Annotated[str | None, typer.Option("--title", help="Skip the title prompt.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="Skip the text prompt.")] = None,
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD (end of that working day).")] = "",
    tags: Annotated[str, typer.Option("--tags", help="Comma-separated tags.")] = "",
    guess: Annotated[
        int | None,
        typer.Option("--guess", min=0, max=100, help="How likely you think you are to get help (0-100)."),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Post without asking (for scripts).")] = False,
) -> None:
    """Write an ask: see its SMART review, then revise it, post it, or save it as a draft."""
    day = _due(due)
    with cli_unit_of_work() as db:
        actor, person = _acting(db, org, email)
        tz, now = zone(person.timezone), Clock().now()
        while True:
            if title is None:
                title = typer.prompt("Title")
            if text is None:
                text = typer.prompt(
                    "Your ask (what, why, the action, by when)", default="", show_default=False
                )
            try:
                data = AskCreate(
                    title=title, body=text, due=day, tags=split_list(tags), own_guess=guess, publish=True
                )
            except ValidationError as exc:
                for problem in _problems(exc):
                    err_console.print(f"[red]✗[/] {problem}", markup=True, highlight=False)
                if yes:
                    fail("the ask was not saved", code=2)
                title = text = None
                continue
            print_review(out_console, service.coach(data, tz=tz, now=now, judge=packaged_judge()))
            choice = "post" if yes else _choose()
            if choice == "quit":
                err_console.print("Nothing saved.")
                raise typer.Exit(0)
            if choice == "revise":
                title = typer.prompt("Title", default=title)
                text = typer.prompt("Your ask", default=text)
                continue
            data.publish = choice == "post"
            try:
                ask = service.create_ask(db, actor=actor, data=data, now=now)
            except InvalidInput as exc:
                db.rollback()
                err_console.print(f"[red]✗[/] {exc.message}", highlight=False)
                if yes:
                    fail("the ask was not saved", code=2)
                title = text = None
                continue
            break
        ask_id, status = ask.id, ask.status
    verb = "saved as a draft" if status == "draft" else "posted"
    err_console.print(f"[green]Ask #{ask_id} {verb}.[/]")


def _choose() -> str:
    while True:
        answer = typer.prompt("[p]ost, [r]evise, save as [d]raft, or [q]uit", default="p").strip().lower()
        if answer in CHOICES:
            return CHOICES[answer]
        err_console.print("Type p, r, d or q.")


@ask_app.command("list")
def list_command(
    org: Org,
    email: Email,
    scope: Annotated[
        str, typer.Option("--scope", help="open, mine, team, offered or all (open by default).")
    ] = "open",
    query: Annotated[str, typer.Option("--q", help="Words in the title or text.")] = "",
    tag: Annotated[str, typer.Option("--tag", help="Only asks with this tag.")] = "",
    limit: Annotated[int, typer.Option("--limit", min=1, max=repository.MAX_PAGE)] = 20,
    page: Annotated[int, typer.Option("--page", min=1, max=100_000)] = 1,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The ask board as this person sees it (private asks only for the people they are shared with)."""
    if scope not in repository.SCOPES:
        fail(f"--scope must be one of {', '.join(repository.SCOPES)}", code=2)
    with cli_unit_of_work() as db:
        actor, _ = _acting(db, org, email)
        board = repository.board(
            db, actor=actor, scope=scope, query=query, tag=tag, limit=limit, offset=(page - 1) * limit
        )
        items = [ask_summary(a, offer_count=board.offer_counts.get(a.id, 0)) for a in board.asks]
    if json_output:
        typer.echo(
            json.dumps(
                {"total": board.total, "items": [i.model_dump(mode="json") for i in items]}, default=str
            )
        )
        return
    table = Table("id", "title", "status", "asked by", "due", "offers", "tags", title=f"{board.total} asks")
    for item in items:
        table.add_row(
            str(item.id),
            item.title,
            item.status.replace("_", " "),
            item.author.name,
            item.due_at.strftime("%Y-%m-%d") if item.due_at else "",
            str(item.offer_count),
            ", ".join(item.tags),
        )
    out_console.print(table)
