"""The in-app inbox: what happened on my asks and offers, newest first.

Opening an item is a POST (``/inbox/{id}/open``): it marks the item read and redirects to where it
leads. A GET that marked it read would be a GET that writes, which the architecture forbids (a
prefetching browser or a link checker would read the inbox for the person). The item is a button in
a form, so it works without JavaScript and carries the CSRF token like every other form.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from askwell.asks.models import Ask
from askwell.asks.repository import visible_asks
from askwell.http.deps import Db, Now, PageActor
from askwell.http.params import Id
from askwell.notifications import repository, service
from askwell.notifications.models import Notification
from askwell.web.templating import render

router = APIRouter()

PAGE_SIZE = 30
Page = Annotated[int, Form(ge=1, le=10_000)]


@router.get("/inbox")
def inbox(
    request: Request, db: Db, actor: PageActor, page: Annotated[int, Query(ge=1, le=10_000)] = 1
) -> Response:
    items = repository.inbox(
        db, org_id=actor.org_id, person_id=actor.person_id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    more = len(items) > PAGE_SIZE
    items = items[:PAGE_SIZE]
    # An ask can stop being shared with someone after they were told about it (an edit narrowed its
    # audience): its title must not keep showing in their inbox.
    ask_ids = {n.ask_id for n in items if n.ask_id is not None}
    rows = db.execute(
        visible_asks(actor).where(Ask.id.in_(ask_ids or {-1})).with_only_columns(Ask.id, Ask.author_id)
    )
    author_of = {ask_id: author_id for ask_id, author_id in rows}
    return render(
        request,
        "inbox/index.html",
        {
            "items": items,
            "hidden": {n.id for n in items if n.ask_id is not None and n.ask_id not in author_of},
            "others": _other_zones(db, actor.org_id, actor.person_id, items, author_of),
            "unread": repository.unread_count(db, org_id=actor.org_id, person_id=actor.person_id),
            "page": page,
            "prev_url": f"/inbox?page={page - 1}" if page > 1 else None,
            "next_url": f"/inbox?page={page + 1}" if more else None,
        },
    )


def _other_zones(
    db: Db, org_id: int, me: int, items: list[Notification], author_of: dict[int, int]
) -> dict[int, list[str]]:
    """Per item, the timezones of the other people in it (who acted, whose ask it is).

    Times are shown on the reader's clock; where one of these people lives on another clock, the
    time says which zone it is in, so "16:10" is never read as the other person's 16:10.
    """
    people = {
        n.id: {p for p in (n.actor_id, author_of.get(n.ask_id or -1)) if p is not None and p != me}
        for n in items
    }
    zones = repository.timezones(db, org_id=org_id, person_ids=set().union(*people.values()))
    return {n_id: [zones[p] for p in ids if p in zones] for n_id, ids in people.items()}


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
    target = service.open_notification(
        db, org_id=actor.org_id, person_id=actor.person_id, notification_id=notification_id, now=now
    )
    db.commit()
    return RedirectResponse(target, status_code=303)


@router.post("/inbox/{notification_id}/read")
def mark_one_read(notification_id: Id, db: Db, actor: PageActor, now: Now, page: Page = 1) -> Response:
    service.mark_read(
        db, org_id=actor.org_id, person_id=actor.person_id, now=now, notification_id=notification_id
    )
    db.commit()
    return _back_to_inbox(page, notification_id)


@router.post("/inbox/{notification_id}/unread")
def mark_one_unread(notification_id: Id, db: Db, actor: PageActor, page: Page = 1) -> Response:
    service.mark_unread(db, org_id=actor.org_id, person_id=actor.person_id, notification_id=notification_id)
    db.commit()
    return _back_to_inbox(page, notification_id)
