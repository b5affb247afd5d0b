"""Stand-ups: today's prompt, answering it, confirming the ask drafted from a need, a team's board
and its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from askwell.core.db import MAX_ID
from askwell.http.deps import ApiActor, Db, Now
from askwell.standups import service
from askwell.standups.schemas import (
    AwayWrite,
    BoardRead,
    CheckinRead,
    CheckinWrite,
    NeedConfirm,
    StandupSettingsRead,
    StandupSettingsWrite,
    TodayRead,
)

router = APIRouter(tags=["standups"])

TeamId = Annotated[int, Path(ge=1, le=MAX_ID, description="A team's id")]
CheckinId = Annotated[int, Path(ge=1, le=MAX_ID, description="A check-in's id")]


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
