"""The in-app inbox: what happened on my asks and offers, newest first."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from askwell.asks.models import Ask
from askwell.asks.repository import visible_asks
from askwell.http.deps import Db, Now, PageActor
from askwell.notifications import repository, service
from askwell.web.templating import render

router = APIRouter()

PAGE_SIZE = 30


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
    visible = set(
        db.scalars(visible_asks(actor).where(Ask.id.in_(ask_ids or {-1})).with_only_columns(Ask.id))
    )
    return render(
        request,
        "inbox/index.html",
        {
            "items": items,
            "hidden": {n.id for n in items if n.ask_id is not None and n.ask_id not in visible},
            "unread": repository.unread_count(db, org_id=actor.org_id, person_id=actor.person_id),
            "page": page,
            "prev_url": f"/inbox?page={page - 1}" if page > 1 else None,
            "next_url": f"/inbox?page={page + 1}" if more else None,
        },
    )


@router.post("/inbox/read")
def mark_all_read(db: Db, actor: PageActor, now: Now) -> Response:
    marked = service.mark_read(db, org_id=actor.org_id, person_id=actor.person_id, now=now)
    db.commit()
    message = "Nothing new." if marked == 0 else f"Marked {marked} as read."
    return RedirectResponse(f"/inbox?{urlencode({'flash': message})}", status_code=303)
