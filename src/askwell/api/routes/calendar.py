"""Your private calendar feed: whether you have one, a new address (shown once), revoke it."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from starlette.responses import Response

from askwell.calendars import service as calendars
from askwell.calendars.schemas import FeedCreated, FeedRead
from askwell.http.deps import ApiActor, Ctx, Db, Now

router = APIRouter(tags=["calendar"])


@router.get(
    "/me/calendar-feed",
    response_model=FeedRead | None,
    summary="Your calendar feed, without its address (null when you have none)",
)
def get_feed(db: Db, actor: ApiActor) -> FeedRead | None:
    row = calendars.current(db, actor=actor)
    return None if row is None else FeedRead.model_validate(row)


@router.post(
    "/me/calendar-feed",
    response_model=FeedCreated,
    status_code=status.HTTP_201_CREATED,
    summary="A new calendar feed address (the old one stops working); copy `url` now, it is never shown again",
)
def create_feed(request: Request, db: Db, ctx: Ctx, actor: ApiActor, now: Now) -> FeedCreated:
    row, secret = calendars.create(db, actor=actor, now=now)
    db.commit()
    url = ctx.settings.public_url(str(request.base_url)) + calendars.feed_path(secret)
    return FeedCreated(**FeedRead.model_validate(row).model_dump(), url=url)


@router.delete(
    "/me/calendar-feed",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Revoke your calendar feed address (it answers 404 from now on)",
)
def revoke_feed(db: Db, actor: ApiActor, now: Now) -> Response:
    calendars.revoke(db, actor=actor, now=now)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
