"""Stand-up pages: today's check-in (a short, phone-friendly form), confirming the ask drafted from a
need, a team's board, a team's settings for its leads, and the 30–45-day practice (start, report with
its server-drawn charts, the mid-point retro, stop)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from pydantic import ValidationError
from starlette.responses import Response

from askwell.core.db import MAX_ID
from askwell.core.errors import AskwellError, NotFound, PermissionDenied
from askwell.http.deps import Db, Now, PageActor
from askwell.insights import chart
from askwell.people.policy import can_manage_team
from askwell.standups import practice, repository, service
from askwell.standups.errors import NotATeamLead
from askwell.standups.schemas import (
    ANSWER_MAX,
    CheckinWrite,
    NeedConfirm,
    PracticeStart,
    RetroWrite,
    StandupSettingsWrite,
)
from askwell.web.forms import field_errors
from askwell.web.templating import redirect, render

router = APIRouter()

TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="A team's id")]
CheckinId = Annotated[int, Path(ge=1, le=MAX_ID, description="A check-in's id")]
Answer = Annotated[str, Form(max_length=ANSWER_MAX * 2)]
Short = Annotated[str, Form(max_length=400)]
Flag = Annotated[str, Form(max_length=5)]
KEYS = (
    "worked_on",
    "working_on",
    "help_needed",
    "help_others",
    "rotating",
    *(f"custom_{i}" for i in range(1, 6)),
)
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def _today_page(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    *,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    try:
        today = service.today(db, actor=actor, now=now)
    except AskwellError:
        today = None
    return render(
        request,
        "standups/today.html",
        {"today": today, "values": values, "errors": errors, "answer_max": ANSWER_MAX},
        status_code=status,
    )


@router.get("/standups")
def today_page(request: Request, db: Db, actor: PageActor, now: Now) -> Response:
    return _today_page(request, db, actor, now, values={}, errors={})


@router.post("/standups")
def answer(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    worked_on: Answer = "",
    working_on: Answer = "",
    help_needed: Answer = "",
    help_others: Answer = "",
    rotating: Answer = "",
    custom_1: Answer = "",
    custom_2: Answer = "",
    custom_3: Answer = "",
    custom_4: Answer = "",
    custom_5: Answer = "",
    private: Flag = "",
) -> Response:
    given = dict(
        zip(
            KEYS,
            (
                worked_on,
                working_on,
                help_needed,
                help_others,
                rotating,
                custom_1,
                custom_2,
                custom_3,
                custom_4,
                custom_5,
            ),
            strict=True,
        )
    )
    values = {k: v for k, v in given.items() if v.strip()}
    try:
        data = CheckinWrite(answers=values, private=bool(private))
    except ValidationError as exc:
        errors = {k.removeprefix("answers."): v for k, v in field_errors(exc).items()}
        return _today_page(request, db, actor, now, values=given, errors=errors, status=422)
    try:
        checkin = service.answer(db, actor=actor, data=data, now=now)
    except AskwellError as exc:
        db.rollback()
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        return _today_page(
            request, db, actor, now, values=given, errors={"__all__": exc.message}, status=exc.status_code
        )
    db.commit()
    flash = "Thanks, your stand-up is in." + (" (after the window: marked late)" if checkin.late else "")
    if checkin.ask_id is not None and checkin.need_text:
        flash = "Thanks. It sounds like you could use help: check the drafted ask below and confirm it."
    return redirect("/standups", flash)


@router.post("/standups/checkins/{checkin_id}/confirm")
def confirm(
    request: Request,
    checkin_id: CheckinId,
    db: Db,
    actor: PageActor,
    now: Now,
    title: Short = "",
    body: Answer = "",
) -> Response:
    try:
        data = NeedConfirm(title=title.strip() or None, body=body.strip() or None)
    except ValidationError as exc:
        return redirect("/standups", next(iter(field_errors(exc).values()), "Please check the title."))
    try:
        ask = service.confirm_need(db, actor=actor, checkin_id=checkin_id, data=data, now=now)
    except AskwellError as exc:
        db.rollback()
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        return redirect("/standups", exc.message)
    db.commit()
    return redirect(f"/asks/{ask.id}", "Your ask is open: your team will see it and can offer help.")


@router.get("/standups/teams/{team_id}")
def board_page(request: Request, team_id: TeamId, db: Db, actor: PageActor, now: Now) -> Response:
    board = service.board(db, actor=actor, team_id=team_id, now=now)
    return render(
        request,
        "standups/board.html",
        {"board": board, "can_manage": can_manage_team(actor, team_id=team_id)},
    )


def _require_lead(db: Db, actor: PageActor, team_id: int) -> None:
    if repository.team_in_org(db, org_id=actor.org_id, team_id=team_id) is None:
        raise NotFound("No such team.")
    if not can_manage_team(actor, team_id=team_id):
        raise NotATeamLead()


def _settings_page(
    request: Request,
    db: Db,
    actor: PageActor,
    team_id: int,
    *,
    values: dict[str, Any] | None,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    current = service.settings_read(db, actor=actor, team_id=team_id)
    if values is None:
        values = {
            "enabled": current.enabled,
            "weekdays": current.weekdays,
            "prompt_time": current.prompt_time,
            "window_minutes": current.window_minutes,
            "ask_help_others": any(q.key == "help_others" for q in current.questions),
            "custom_questions": "\n".join(q.text for q in current.questions if q.key.startswith("custom_")),
            "rotating_questions": "\n".join(current.rotating_questions),
            "holiday_country": current.holiday_country or "",
            "holiday_subdivision": current.holiday_subdivision or "",
        }
    return render(
        request,
        "standups/settings.html",
        {"settings": current, "values": values, "errors": errors, "weekday_names": WEEKDAY_NAMES},
        status_code=status,
    )


@router.get("/standups/teams/{team_id}/settings")
def settings_page(request: Request, team_id: TeamId, db: Db, actor: PageActor) -> Response:
    _require_lead(db, actor, team_id)
    return _settings_page(request, db, actor, team_id, values=None, errors={})


@router.post("/standups/teams/{team_id}/settings")
async def save_settings(request: Request, team_id: TeamId, db: Db, actor: PageActor, now: Now) -> Response:
    _require_lead(db, actor, team_id)
    form = await request.form()
    weekdays = [int(d) for d in form.getlist("weekdays") if isinstance(d, str) and d.isdigit()][:7]
    text = {
        k: str(form.get(k) or "")[:4000]
        for k in (
            "prompt_time",
            "window_minutes",
            "custom_questions",
            "rotating_questions",
            "holiday_country",
            "holiday_subdivision",
        )
    }
    values: dict[str, Any] = {
        **text,
        "weekdays": weekdays,
        "enabled": bool(form.get("enabled")),
        "ask_help_others": bool(form.get("ask_help_others")),
    }
    try:
        data = StandupSettingsWrite(
            enabled=values["enabled"],
            weekdays=weekdays,
            prompt_time=text["prompt_time"] or "09:30",
            window_minutes=text["window_minutes"] or 240,
            ask_help_others=values["ask_help_others"],
            custom_questions=[line.strip() for line in text["custom_questions"].splitlines() if line.strip()],
            rotating_questions=[
                line.strip() for line in text["rotating_questions"].splitlines() if line.strip()
            ],
            holiday_country=text["holiday_country"].strip() or None,
            holiday_subdivision=text["holiday_subdivision"].strip() or None,
        )
    except ValidationError as exc:
        return _settings_page(
            request, db, actor, team_id, values=values, errors=field_errors(exc), status=422
        )
    try:
        service.configure(db, actor=actor, team_id=team_id, data=data, now=now)
    except AskwellError as exc:
        db.rollback()
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        return _settings_page(
            request,
            db,
            actor,
            team_id,
            values=values,
            errors={"__all__": exc.message},
            status=exc.status_code,
        )
    db.commit()
    return redirect(
        f"/standups/teams/{team_id}",
        "Stand-up saved: each member is prompted at this time on their own clock.",
    )


# --- the 30–45-day practice --------------------------------------------------------------------------

PracticeId = Annotated[int, Path(ge=1, le=MAX_ID, description="A stand-up practice's id")]


def _practice_page(
    request: Request, db: Db, actor: PageActor, now: Now, *, team_id: int, practice_id: int | None
) -> Response:
    report = (
        service.report(db, actor=actor, practice_id=practice_id, now=now) if practice_id is not None else None
    )
    team_name = (
        report.practice.team_name
        if report
        else service.settings_read(db, actor=actor, team_id=team_id).team_name
    )
    can_manage = can_manage_team(actor, team_id=team_id)
    trend = None
    if report is not None and report.weeks:
        trend = chart.line_chart(
            [w.starts_on for w in report.weeks],
            [
                (
                    "participation",
                    "Stand-up days answered (%)",
                    [
                        None if w.participation is None else round(w.participation * 100, 1)
                        for w in report.weeks
                    ],
                ),
                ("needs", "Help needed raised", [float(w.needs_raised) for w in report.weeks]),
            ],
        )
    pairs = []
    if report is not None:
        b, d = report.before, report.during
        pairs = [
            practice.bar_pair("Asks per person-week", b.asks_per_person_week, d.asks_per_person_week),
            practice.bar_pair("Asks that got help", b.helped_share, d.helped_share, unit="%"),
            practice.bar_pair(
                "Median hours to a first offer",
                b.median_hours_to_first_offer,
                d.median_hours_to_first_offer,
                unit=" h",
            ),
            practice.bar_pair(
                "Help given across teams", b.across_teams_share, d.across_teams_share, unit="%"
            ),
        ]
    return render(
        request,
        "standups/practice.html",
        {
            "report": report,
            "team_id": team_id,
            "team_name": team_name,
            "can_manage": can_manage,
            "can_start": can_manage and (report is None or report.practice.status in ("finished", "stopped")),
            "trend": trend,
            "pairs": pairs,
            "bar_width": practice.BAR_WIDTH,
            "lengths": practice.LENGTHS,
            "is_member": team_id in actor.teams,
        },
    )


@router.get("/standups/teams/{team_id}/practice")
def team_practice_page(request: Request, team_id: TeamId, db: Db, actor: PageActor, now: Now) -> Response:
    found = service.team_practice(db, actor=actor, team_id=team_id)
    return _practice_page(
        request, db, actor, now, team_id=team_id, practice_id=found.id if found is not None else None
    )


@router.get("/standups/practices/{practice_id}")
def practice_page(request: Request, practice_id: PracticeId, db: Db, actor: PageActor, now: Now) -> Response:
    found = service.get_practice(db, actor=actor, practice_id=practice_id)
    return _practice_page(request, db, actor, now, team_id=found.team_id, practice_id=found.id)


@router.post("/standups/teams/{team_id}/practice")
def start_practice(
    request: Request,
    team_id: TeamId,
    db: Db,
    actor: PageActor,
    now: Now,
    days: Annotated[str, Form(max_length=3)] = "30",
    starts_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    back = f"/standups/teams/{team_id}/practice"
    try:
        data = PracticeStart.model_validate(
            {"days": int(days) if days.isdigit() else days, "starts_on": starts_on.strip() or None}
        )
    except ValidationError as exc:
        _require_lead(db, actor, team_id)
        return redirect(back, next(iter(field_errors(exc).values()), "Please check the dates."))
    try:
        row = service.start_practice(db, actor=actor, team_id=team_id, data=data, now=now)
    except AskwellError as exc:
        db.rollback()
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        return redirect(back, exc.message)
    db.commit()
    return redirect(
        f"/standups/practices/{row.id}",
        f"The {row.days}-day practice is on: the team gets a gentle reminder each week, naming nobody.",
    )


@router.post("/standups/practices/{practice_id}/retro")
async def practice_retro(
    request: Request, practice_id: PracticeId, db: Db, actor: PageActor, now: Now
) -> Response:
    back = f"/standups/practices/{practice_id}"
    form = await request.form()
    votes = {
        str(k).removeprefix("vote_")[:40]: str(v)[:10]
        for k, v in list(form.multi_items())[:40]
        if str(k).startswith("vote_") and isinstance(v, str) and v
    }
    try:
        data = RetroWrite.model_validate({"votes": votes})
    except ValidationError:
        service.get_practice(db, actor=actor, practice_id=practice_id)
        return redirect(back, "Pick keep, change or drop for at least one question.")
    try:
        service.vote_retro(db, actor=actor, practice_id=practice_id, data=data, now=now)
    except AskwellError as exc:
        db.rollback()
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        return redirect(back, exc.message)
    db.commit()
    return redirect(back, "Thanks: your votes count, your name is never shown.")


@router.post("/standups/practices/{practice_id}/stop")
def stop_practice(request: Request, practice_id: PracticeId, db: Db, actor: PageActor, now: Now) -> Response:
    back = f"/standups/practices/{practice_id}"
    try:
        service.stop_practice(db, actor=actor, practice_id=practice_id, now=now)
    except AskwellError as exc:
        db.rollback()
        if isinstance(exc, NotFound | PermissionDenied):
            raise
        return redirect(back, exc.message)
    db.commit()
    return redirect(back, "The practice is stopped: no more reminders; its report stays here.")
