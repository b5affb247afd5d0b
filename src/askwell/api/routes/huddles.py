"""Huddles: call one when stuck, answer an invitation, cancel, record the outcome; the calendar file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from askwell.core.db import MAX_ID
from askwell.http.deps import ApiActor, Ctx, Db, Now
from askwell.huddles import service
from askwell.huddles.schemas import HuddleAnswer, HuddleCreate, HuddleOutcome, HuddleRead, HuddleReschedule
from askwell.integrations import ics
from askwell.matching.service import encoder

router = APIRouter(tags=["huddles"])

HuddleId = Annotated[int, Path(ge=1, le=MAX_ID, description="A huddle's id")]


@router.get("/huddles", response_model=list[HuddleRead], summary="Huddles I called or am invited to")
def my_huddles(db: Db, actor: ApiActor) -> list[HuddleRead]:
    return service.my_huddles(db, actor=actor)


@router.post(
    "/huddles",
    response_model=HuddleRead,
    status_code=201,
    summary="Call a huddle: helpers working now are invited to a short slot (409 when nobody is working)",
)
def call(data: HuddleCreate, db: Db, actor: ApiActor, now: Now, ctx: Ctx) -> HuddleRead:
    huddle = service.call_huddle(
        db,
        actor=actor,
        data=data,
        now=now,
        encode=encoder(ctx.edges),
        link_template=ctx.settings.huddle_link_template,
    )
    db.commit()
    return service.get(db, actor=actor, huddle_id=huddle.id)


@router.get("/huddles/{huddle_id}", response_model=HuddleRead, summary="One huddle")
def get(huddle_id: HuddleId, db: Db, actor: ApiActor) -> HuddleRead:
    return service.get(db, actor=actor, huddle_id=huddle_id)


@router.get(
    "/huddles/{huddle_id}/invite.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
    summary="The huddle's calendar entry (REQUEST, or CANCEL once cancelled)",
)
def invitation(huddle_id: HuddleId, db: Db, actor: ApiActor) -> Response:
    text = service.invitation_ics(db, actor=actor, huddle_id=huddle_id)
    return Response(text, media_type=ics.content_type(ics.Method.REQUEST).split(";")[0])


@router.post("/huddles/{huddle_id}/answer", response_model=HuddleRead, summary="Join, or can't")
def answer(huddle_id: HuddleId, data: HuddleAnswer, db: Db, actor: ApiActor, now: Now) -> HuddleRead:
    service.answer(db, actor=actor, huddle_id=huddle_id, data=data, now=now)
    db.commit()
    return service.get(db, actor=actor, huddle_id=huddle_id)


@router.post("/huddles/{huddle_id}/cancel", response_model=HuddleRead, summary="Call it off (the caller)")
def cancel(huddle_id: HuddleId, db: Db, actor: ApiActor, now: Now) -> HuddleRead:
    service.cancel(db, actor=actor, huddle_id=huddle_id, now=now)
    db.commit()
    return service.get(db, actor=actor, huddle_id=huddle_id)


@router.post(
    "/huddles/{huddle_id}/outcome",
    response_model=HuddleRead,
    summary="Resolved? Thanks to whom? (the caller)",
)
def outcome(huddle_id: HuddleId, data: HuddleOutcome, db: Db, actor: ApiActor, now: Now) -> HuddleRead:
    service.record_outcome(db, actor=actor, huddle_id=huddle_id, data=data, now=now)
    db.commit()
    return service.get(db, actor=actor, huddle_id=huddle_id)


@router.post(
    "/huddles/{huddle_id}/reschedule",
    response_model=HuddleRead,
    summary="Move a huddle (the caller): everyone gets the updated invitation (same UID, next SEQUENCE)",
)
def reschedule(huddle_id: HuddleId, data: HuddleReschedule, db: Db, actor: ApiActor, now: Now) -> HuddleRead:
    service.reschedule(db, actor=actor, huddle_id=huddle_id, data=data, now=now)
    db.commit()
    return service.get(db, actor=actor, huddle_id=huddle_id)
