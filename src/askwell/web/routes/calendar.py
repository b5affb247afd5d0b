"""The private calendar feed (``/calendar/{secret}.ics``, no sign-in) and the settings page that makes
and revokes its address (Settings → Calendar).

The feed's address is shown once, on the page that made it (rendered, never redirected, so it does not
travel in a URL other than the feed's own); a lost address is replaced by making a new one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.responses import RedirectResponse, Response

from askwell.calendars import service as calendars
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.people.policy import Actor
from askwell.web.templating import render

router = APIRouter()

# Long enough for any secret we issue; anything longer is not ours (404 before any lookup).
FeedSecret = Annotated[str, Path(max_length=100)]


@router.get("/calendar/{secret}.ics")
def feed(secret: FeedSecret, request: Request, db: Db, ctx: Ctx, now: Now) -> Response:
    text = calendars.render(
        db, secret=secret, now=now, base_url=ctx.settings.public_url(str(request.base_url))
    )
    db.commit()  # last_read_at
    return Response(
        text,
        media_type="text/calendar; charset=utf-8",
        # Private to one person: no shared cache may keep it; the address must not leak as a referrer.
        headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"},
    )


def _page(request: Request, db: Db, actor: Actor, *, status: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {"feed": calendars.current(db, actor=actor), "new_url": None, **extra}
    return render(request, "settings/calendar.html", context, status_code=status)


@router.get("/settings/calendar")
def settings_page(request: Request, db: Db, actor: PageActor) -> Response:
    return _page(request, db, actor)


@router.post("/settings/calendar")
def create_feed(request: Request, db: Db, ctx: Ctx, actor: PageActor, now: Now) -> Response:
    _row, secret = calendars.create(db, actor=actor, now=now)
    db.commit()
    url = ctx.settings.public_url(str(request.base_url)) + calendars.feed_path(secret)
    return _page(request, db, actor, status=201, new_url=url)


@router.post("/settings/calendar/revoke")
def revoke_feed(db: Db, actor: PageActor, now: Now) -> Response:
    revoked = calendars.revoke(db, actor=actor, now=now)
    db.commit()
    flash = "Calendar+feed+revoked." if revoked else "There+was+no+calendar+feed."
    return RedirectResponse(f"/settings/calendar?flash={flash}", status_code=303)
