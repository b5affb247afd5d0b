"""`askwell standup ...`: answer today's stand-up, see a team's board, start a 30–45-day practice and
read its report, acting as one person (the same use cases and permissions as the pages and the API)."""

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
from askwell.standups.errors import PracticeNotFound
from askwell.standups.schemas import CheckinWrite, NeedConfirm, PracticeStart

standup_app = typer.Typer(
    help="Stand-ups: answer today's, see a team's board, run a 30–45-day practice.", no_args_is_help=True
)


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


practice_app = typer.Typer(
    help="The 30–45-day practice: start one for a team, read its report.", no_args_is_help=True
)
standup_app.add_typer(practice_app, name="practice")


@practice_app.command("start")
def practice_start_command(
    org: Org,
    email: Email,
    team: Annotated[str, typer.Option("--team", help="The team's slug.")],
    days: Annotated[int, typer.Option("--days", help="30 or 45.")] = 30,
    starts_on: Annotated[
        str, typer.Option("--starts-on", help="YYYY-MM-DD (default today; up to 7 days back, 30 ahead).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the practice as JSON.")] = False,
) -> None:
    """Start a practice for a team (its leads and admins). The baseline (the team's 6 weeks before) is
    computed and stored now; one practice at a time per team."""
    now = Clock().now()
    try:
        data = PracticeStart.model_validate({"days": days, "starts_on": starts_on or None})
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()), code=2)
        raise
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        try:
            found = people_repo.team_by_slug(db, actor=actor, slug=team)
            row = service.start_practice(db, actor=actor, team_id=found.id, data=data, now=now)
        except AskwellError as exc:
            fail(exc.message, code=2)
            raise
        read = service.practice_read(db, practice_=row, now=now)
    if as_json:
        out_console.print_json(read.model_dump_json())
        return
    out_console.print(
        f"Practice {read.id} for {read.team_name}: {read.days} days, {read.starts_on} to {read.ends_on}."
    )
    b = read.baseline
    out_console.print(
        "Baseline: "
        + (
            f"{b.asks} asks by {b.people} people over {b.weeks:g} weeks."
            if b.has_data
            else "no data (no asks or help given in the weeks before)."
        )
    )


def _pct(v: float | None) -> str:
    return "no data" if v is None else f"{round(v * 100)}%"


@practice_app.command("report")
def practice_report_command(
    org: Org,
    email: Email,
    team: Annotated[str, typer.Option("--team", help="The team's slug.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """The team's practice report (the one under way, so far; else the latest), for its members."""
    now = Clock().now()
    with cli_unit_of_work() as db:
        actor, _person = _acting(db, org, email)
        try:
            found = people_repo.team_by_slug(db, actor=actor, slug=team)
            row = service.team_practice(db, actor=actor, team_id=found.id)
            if row is None:
                raise PracticeNotFound()
            report = service.report(db, actor=actor, practice_id=row.id, now=now)
        except AskwellError as exc:
            fail(exc.message, code=2)
            raise
    if as_json:
        out_console.print_json(report.model_dump_json())
        return
    p, s = report.practice, report.standup
    out_console.print(
        f"{p.team_name}: {p.days}-day practice, {p.starts_on} to {p.ends_on} ({p.status}, up to {report.as_of})."
    )
    out_console.print(
        f"Participation {_pct(s.participation)} over {s.standup_days} stand-up days; "
        f"help needed raised {s.needs_raised}, resolved {_pct(s.resolved_share)}."
    )
    for name, key in (
        ("Asks per person-week", "asks_per_person_week"),
        ("Asks that got help", "helped_share"),
        ("Median hours to a first offer", "median_hours_to_first_offer"),
        ("Help given across teams", "across_teams_share"),
    ):
        before, during = getattr(report.before, key), getattr(report.during, key)
        show = _pct if key.endswith("share") else (lambda v: "no data" if v is None else f"{v:g}")
        out_console.print(f"  {name}: before {show(before)}, during {show(during)}")
    r = report.recommendation
    out_console.print(f"Recommendation{'' if r.final else ' so far'}: {r.verdict.upper()}")
    for reason in r.reasons:
        out_console.print(f"  · {reason}")
    if report.you:
        out_console.print(report.you)
