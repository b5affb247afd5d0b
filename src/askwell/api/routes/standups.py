"""Stand-ups: today's prompt, answering it, confirming the ask drafted from a need, a team's board,
its settings, and its 30–45-day practice (start, read, report, retro, stop)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from askwell.core.db import MAX_ID
from askwell.http.deps import ApiActor, Db, Now
from askwell.standups import service
from askwell.standups.errors import PracticeNotFound
from askwell.standups.schemas import (
    AwayWrite,
    BoardRead,
    CheckinRead,
    CheckinWrite,
    NeedConfirm,
    PracticeRead,
    PracticeReport,
    PracticeStart,
    RetroWrite,
    StandupSettingsRead,
    StandupSettingsWrite,
    TodayRead,
)

router = APIRouter(tags=["standups"])

TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="A team's id")]
CheckinId = Annotated[int, Path(ge=1, le=MAX_ID, description="A check-in's id")]
PracticeId = Annotated[int, Path(ge=1, le=MAX_ID, description="A stand-up practice's id")]


@router.get("/standups/today", response_model=TodayRead, summary="Your stand-up today: questions and answers")
def today(db: Db, actor: ApiActor, now: Now) -> TodayRead:
    return service.today(db, actor=actor, now=now)


@router.post(
    "/standups/checkins",
    response_model=CheckinRead,
    status_code=201,
    summary="Answer your stand-up (late answers are accepted and marked late)",
)
def answer(data: CheckinWrite, db: Db, actor: ApiActor, now: Now) -> CheckinRead:
    checkin = service.answer(db, actor=actor, data=data, now=now)
    db.commit()
    return service.checkin_read(db, actor=actor, checkin=checkin, now=now, coach=True)


@router.post(
    "/standups/checkins/{checkin_id}/confirm",
    response_model=CheckinRead,
    summary="Confirm (and edit) the ask drafted from a need in your check-in: it opens",
)
def confirm(checkin_id: CheckinId, data: NeedConfirm, db: Db, actor: ApiActor, now: Now) -> CheckinRead:
    service.confirm_need(db, actor=actor, checkin_id=checkin_id, data=data, now=now)
    db.commit()
    return service.checkin_read(
        db, actor=actor, checkin=service.get_checkin(db, actor=actor, checkin_id=checkin_id), now=now
    )


@router.post("/standups/away", status_code=204, summary="Tell your stand-ups you are away (no prompts)")
def away(data: AwayWrite, db: Db, actor: ApiActor, now: Now) -> None:
    service.set_away(db, actor=actor, data=data, now=now)
    db.commit()


@router.get(
    "/standups/teams/{team_id}/board",
    response_model=BoardRead,
    summary="A team's stand-up today: help needed first; who has not answered is never named",
)
def board(team_id: TeamId, db: Db, actor: ApiActor, now: Now) -> BoardRead:
    return service.board(db, actor=actor, team_id=team_id, now=now)


@router.get(
    "/standups/teams/{team_id}/settings", response_model=StandupSettingsRead, summary="A team's stand-up"
)
def get_settings(team_id: TeamId, db: Db, actor: ApiActor) -> StandupSettingsRead:
    return service.settings_read(db, actor=actor, team_id=team_id)


@router.put(
    "/standups/teams/{team_id}/settings",
    response_model=StandupSettingsRead,
    summary="Set up or change a team's stand-up (its leads and admins)",
)
def put_settings(
    team_id: TeamId, data: StandupSettingsWrite, db: Db, actor: ApiActor, now: Now
) -> StandupSettingsRead:
    service.configure(db, actor=actor, team_id=team_id, data=data, now=now)
    db.commit()
    return service.settings_read(db, actor=actor, team_id=team_id)


# --- the 30–45-day practice --------------------------------------------------------------------------


@router.post(
    "/standups/teams/{team_id}/practices",
    response_model=PracticeRead,
    status_code=201,
    summary="Start a 30- or 45-day stand-up practice for a team (its leads and admins); 409 if one is on",
)
def start_practice(team_id: TeamId, data: PracticeStart, db: Db, actor: ApiActor, now: Now) -> PracticeRead:
    row = service.start_practice(db, actor=actor, team_id=team_id, data=data, now=now)
    db.commit()
    return service.practice_read(db, practice_=row, now=now)


@router.get(
    "/standups/teams/{team_id}/practice",
    response_model=PracticeRead,
    summary="A team's practice: the one under way, else its latest (404 when it never had one)",
)
def team_practice(team_id: TeamId, db: Db, actor: ApiActor, now: Now) -> PracticeRead:
    row = service.team_practice(db, actor=actor, team_id=team_id)
    if row is None:
        raise PracticeNotFound()
    return service.practice_read(db, practice_=row, now=now)


@router.get("/standups/practices/{practice_id}", response_model=PracticeRead, summary="A stand-up practice")
def get_practice(practice_id: PracticeId, db: Db, actor: ApiActor, now: Now) -> PracticeRead:
    row = service.get_practice(db, actor=actor, practice_id=practice_id)
    return service.practice_read(db, practice_=row, now=now)


@router.get(
    "/standups/practices/{practice_id}/report",
    response_model=PracticeReport,
    summary="A practice's report (so far, or at its end): before vs during, and keep / adjust / stop",
)
def practice_report(practice_id: PracticeId, db: Db, actor: ApiActor, now: Now) -> PracticeReport:
    return service.report(db, actor=actor, practice_id=practice_id, now=now)


@router.post(
    "/standups/practices/{practice_id}/retro",
    status_code=204,
    summary="Your keep / change / drop per stand-up question (from the mid-point; only counts are shown)",
)
def practice_retro(practice_id: PracticeId, data: RetroWrite, db: Db, actor: ApiActor, now: Now) -> None:
    service.vote_retro(db, actor=actor, practice_id=practice_id, data=data, now=now)
    db.commit()


@router.post(
    "/standups/practices/{practice_id}/stop",
    response_model=PracticeRead,
    summary="Stop a practice early (its leads and admins): reminders stop, the report stays",
)
def stop_practice(practice_id: PracticeId, db: Db, actor: ApiActor, now: Now) -> PracticeRead:
    row = service.stop_practice(db, actor=actor, practice_id=practice_id, now=now)
    db.commit()
    return service.practice_read(db, practice_=row, now=now)
