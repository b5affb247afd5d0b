"""Huddle pages: call one when stuck, my huddles, join / can't, cancel, and the outcome afterwards."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from pydantic import ValidationError
from starlette.responses import Response

from askwell.core.db import MAX_ID
from askwell.core.errors import AskwellError, NotFound, PermissionDenied
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.http.params import parse_id
from askwell.huddles import service
from askwell.huddles.schemas import HuddleAnswer, HuddleCreate, HuddleOutcome, HuddleReschedule
from askwell.matching.service import encoder
from askwell.web.templating import redirect, render

router = APIRouter()

HuddleId = Annotated[int, Path(ge=1, le=MAX_ID, description="A huddle's id")]
Flag = Annotated[str, Form(max_length=5)]
PAGE = "/huddles"


def _back(db: Db, url: str, exc: AskwellError) -> Response:
    if isinstance(exc, NotFound | PermissionDenied):
        raise exc
    db.rollback()
    return redirect(url, exc.message)


@router.get("/huddles")
def my_huddles(request: Request, db: Db, actor: PageActor) -> Response:
    return render(request, "huddles/list.html", {"huddles": service.my_huddles(db, actor=actor)})


@router.post("/huddles")
def call(
    db: Db,
    actor: PageActor,
    now: Now,
    ctx: Ctx,
    topic: Annotated[str, Form(max_length=200)],
    minutes: Annotated[str, Form(max_length=3)] = "15",
) -> Response:
    try:
        data = HuddleCreate(topic=topic, minutes=int(minutes) if minutes.isdigit() else 15)
    except ValidationError:
        return redirect(PAGE, "Say in a few words what you are stuck on (3 to 200 characters).")
    try:
        huddle = service.call_huddle(
            db,
            actor=actor,
            data=data,
            now=now,
            encode=encoder(ctx.edges),
            link_template=ctx.settings.huddle_link_template,
        )
    except AskwellError as exc:
        return _back(db, PAGE, exc)
    db.commit()
    return redirect(f"/huddles/{huddle.id}", "Huddle called: the invitations are on their way.")


@router.get("/huddles/{huddle_id}")
def detail(huddle_id: HuddleId, request: Request, db: Db, actor: PageActor) -> Response:
    huddle = service.get(db, actor=actor, huddle_id=huddle_id)
    return render(request, "huddles/detail.html", {"huddle": huddle})


@router.post("/huddles/{huddle_id}/answer")
def answer(huddle_id: HuddleId, db: Db, actor: PageActor, now: Now, join: Flag) -> Response:
    url = f"/huddles/{huddle_id}"
    try:
        service.answer(db, actor=actor, huddle_id=huddle_id, data=HuddleAnswer(join=join == "yes"), now=now)
    except AskwellError as exc:
        return _back(db, url, exc)
    db.commit()
    return redirect(url, "See you there." if join == "yes" else "Thanks for letting them know.")


@router.post("/huddles/{huddle_id}/cancel")
def cancel(huddle_id: HuddleId, db: Db, actor: PageActor, now: Now) -> Response:
    url = f"/huddles/{huddle_id}"
    try:
        service.cancel(db, actor=actor, huddle_id=huddle_id, now=now)
    except AskwellError as exc:
        return _back(db, url, exc)
    db.commit()
    return redirect(url, "Huddle cancelled: everyone's calendar is told.")


@router.post("/huddles/{huddle_id}/reschedule")
def reschedule(
    huddle_id: HuddleId, db: Db, actor: PageActor, now: Now, starts_at: Annotated[str, Form(max_length=40)]
) -> Response:
    """Move the huddle (the caller); the time comes from a datetime-local field, in the caller's zone."""
    url = f"/huddles/{huddle_id}"
    try:
        data = HuddleReschedule.model_validate({"starts_at": starts_at})
    except ValidationError:
        return redirect(url, "Give the new start as a date and time.")
    try:
        service.reschedule(db, actor=actor, huddle_id=huddle_id, data=data, now=now)
    except AskwellError as exc:
        return _back(db, url, exc)
    db.commit()
    return redirect(url, "Huddle moved: everyone's calendar is updated.")


@router.post("/huddles/{huddle_id}/outcome")
def outcome(
    huddle_id: HuddleId,
    db: Db,
    actor: PageActor,
    now: Now,
    resolved: Flag = "no",
    thank: Annotated[list[str] | None, Form()] = None,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    url = f"/huddles/{huddle_id}"
    ids = [i for i in (parse_id(raw[:20]) for raw in (thank or [])[:10]) if i is not None]
    try:
        data = HuddleOutcome(resolved=resolved == "yes", thank=ids, note=note)
        service.record_outcome(db, actor=actor, huddle_id=huddle_id, data=data, now=now)
    except AskwellError as exc:
        return _back(db, url, exc)
    except ValidationError:
        return redirect(url, "Thank at most ten people, and keep the note under 2000 characters.")
    db.commit()
    return redirect(url, "Outcome recorded. Thanks sent.")
