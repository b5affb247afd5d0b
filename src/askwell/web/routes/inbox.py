"""The in-app inbox: what happened on my asks and offers, newest first.

Opening an item is a POST (``/inbox/{id}/open``): it marks the item read and redirects to where it
leads. A GET that marked it read would be a GET that writes, which the architecture forbids (a
prefetching browser or a link checker would read the inbox for the person). The item is a button in
a form, so it works without JavaScript and carries the CSRF token like every other form.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import urlencode

import anyio
from fastapi import APIRouter, Form, Query, Request
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from askwell.core.db import DEFERRED
from askwell.http.deps import SESSION_COOKIE, Db, LoginRequired, Now, PageActor, app_context, session_actor
from askwell.http.links import path_for
from askwell.http.metrics import SSE_CONNECTIONS
from askwell.http.params import Id
from askwell.notifications import inbox as rendered
from askwell.notifications import repository, service
from askwell.notifications.subscribers import live_channel
from askwell.web.templating import TEMPLATES, render

router = APIRouter()

PAGE_SIZE = 30
Page = Annotated[int, Form(ge=1, le=10_000)]


#: A comment line this often keeps proxies from closing a quiet stream (and notices a gone client).
LIVE_PING_SECONDS = 20
#: How long one stream lives before the browser reconnects (it does so by itself, at once): a
#: signed-out or deactivated person's stream ends at the latest then, and connections rebalance.
LIVE_MAX_SECONDS = 30 * 60


@router.get("/inbox/live", response_class=EventSourceResponse)
async def inbox_live(request: Request) -> Response:
    """The inbox badge, live: its markup now, then again whenever the inbox changes (server-sent
    events; ``hx-ext="sse"`` swaps it into the navigation).

    A streaming route: ``async``, and no transaction held while it streams. Sign-in is checked in a
    short read of its own, and each update reads the count in another (checking the session again,
    so a stream ends once its session does). Changes arrive through the ``Broadcaster`` as a bare
    signal, from this process or, on PostgreSQL, any other. The badge is state, not history, so a
    reconnecting browser (``Last-Event-ID``) simply gets the current count first.
    """
    ctx = app_context(request)
    token = request.cookies.get(SESSION_COOKIE)
    actor = await run_in_threadpool(session_actor, ctx, token)
    if actor is None:
        raise LoginRequired()
    channel = live_channel(actor.org_id, actor.person_id)
    last_event_id = request.headers.get("last-event-id")

    def badge() -> str | None:
        """The badge's markup, or None once the session no longer holds."""
        if session_actor(ctx, token) is None:
            return None
        with ctx.session_factory() as db:
            db.connection(execution_options={DEFERRED: True})
            unread = repository.unread_count(db, org_id=actor.org_id, person_id=actor.person_id)
        # Never empty: browsers drop an event without data, and "none unread" must arrive too.
        return TEMPLATES.get_template("inbox/_badge.html").render(unread=unread).strip()

    async def events() -> AsyncIterator[ServerSentEvent]:
        SSE_CONNECTIONS.inc()
        try:
            with anyio.move_on_after(LIVE_MAX_SECONDS):
                async with ctx.edges.broadcaster.subscribe(channel, last_event_id=last_event_id) as changes:
                    # Subscribed first, counted second: a change between the two is not missed.
                    markup = await run_in_threadpool(badge)
                    while markup is not None:
                        yield ServerSentEvent(data=markup, event="badge")
                        await anext(changes)
                        markup = await run_in_threadpool(badge)
        finally:
            SSE_CONNECTIONS.dec()

    return EventSourceResponse(events(), ping=LIVE_PING_SECONDS, headers={"Cache-Control": "no-store"})


@router.get("/inbox")
def inbox(
    request: Request, db: Db, actor: PageActor, page: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> Response:
    rows = repository.inbox(
        db, org_id=actor.org_id, person_id=actor.person_id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    more = len(rows) > PAGE_SIZE
    return render(
        request,
        "inbox/index.html",
        {
            # Written now, as this reader may see them (an ask no longer shared shows no title).
            "items": rendered.render(db, actor=actor, rows=rows[:PAGE_SIZE]),
            "unread": repository.unread_count(db, org_id=actor.org_id, person_id=actor.person_id),
            "page": page,
            "prev_url": f"/inbox?page={page - 1}" if page > 1 else None,
            "next_url": f"/inbox?page={page + 1}" if more else None,
        },
    )


def _back_to_inbox(page: int, notification_id: int | None = None, flash: str | None = None) -> Response:
    query = urlencode({k: v for k, v in (("page", page if page > 1 else None), ("flash", flash)) if v})
    fragment = f"#n-{notification_id}" if notification_id else ""
    return RedirectResponse(f"/inbox{'?' + query if query else ''}{fragment}", status_code=303)


@router.post("/inbox/read")
def mark_all_read(db: Db, actor: PageActor, now: Now) -> Response:
    marked = service.mark_read(db, org_id=actor.org_id, person_id=actor.person_id, now=now)
    db.commit()
    message = "Nothing new." if marked == 0 else f"Marked {marked} as read."
    return RedirectResponse(f"/inbox?{urlencode({'flash': message})}", status_code=303)


@router.post("/inbox/{notification_id}/open")
def open_item(notification_id: Id, db: Db, actor: PageActor, now: Now) -> Response:
    note = service.open_notification(
        db, org_id=actor.org_id, person_id=actor.person_id, notification_id=notification_id, now=now
    )
    [item] = rendered.render(db, actor=actor, rows=[note])
    db.commit()
    return RedirectResponse(path_for(item.target), status_code=303)


@router.post("/inbox/{notification_id}/read")
def mark_one_read(notification_id: Id, db: Db, actor: PageActor, now: Now, page: Page = 1) -> Response:
    service.mark_read(
        db, org_id=actor.org_id, person_id=actor.person_id, now=now, notification_id=notification_id
    )
    db.commit()
    return _back_to_inbox(page, notification_id)


@router.post("/inbox/{notification_id}/unread")
def mark_one_unread(notification_id: Id, db: Db, actor: PageActor, now: Now, page: Page = 1) -> Response:
    service.mark_unread(
        db, org_id=actor.org_id, person_id=actor.person_id, notification_id=notification_id, now=now
    )
    db.commit()
    return _back_to_inbox(page, notification_id)
