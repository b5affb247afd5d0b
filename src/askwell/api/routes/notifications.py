"""The in-app inbox."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from askwell.http.deps import ApiActor, Db, Now
from askwell.http.links import path_for
from askwell.http.params import Id
from askwell.notifications import inbox as rendered
from askwell.notifications import repository, service

router = APIRouter(tags=["notifications"])


class NotificationRead(BaseModel):
    id: int
    kind: str
    text: str = Field(description="Written when read, as you may see it now")
    link: str = Field(description="The page it leads to, a path on this site")
    ask_id: int | None = Field(description="The ask it is about, while you may still see that ask")
    hidden: bool = Field(
        description="About an ask no longer shared with you: `text` says only that, `ask_id` is null"
    )
    created_at: datetime
    read: bool


class Inbox(BaseModel):
    unread: int
    items: list[NotificationRead]


class Marked(BaseModel):
    marked: int


@router.get("/notifications", response_model=Inbox, summary="My inbox, newest first, with the unread count")
def inbox(
    db: Db,
    actor: ApiActor,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Inbox:
    rows = repository.inbox(db, org_id=actor.org_id, person_id=actor.person_id, limit=limit, offset=offset)
    return Inbox(
        unread=repository.unread_count(db, org_id=actor.org_id, person_id=actor.person_id),
        items=[
            NotificationRead(
                id=n.id,
                kind=n.kind,
                text=n.text,
                link=path_for(n.target),
                ask_id=n.ask_id,
                hidden=n.hidden,
                created_at=n.created_at,
                read=not n.unread,
            )
            # The same rendering as the inbox page: nothing the page hides is answered here.
            for n in rendered.render(db, actor=actor, rows=rows)
        ],
    )


@router.post("/notifications/read", response_model=Marked, summary="Mark all my notifications read")
def mark_all_read(db: Db, actor: ApiActor, now: Now) -> Marked:
    marked = service.mark_read(db, org_id=actor.org_id, person_id=actor.person_id, now=now)
    db.commit()
    return Marked(marked=marked)


@router.post(
    "/notifications/{notification_id}/read", response_model=Marked, summary="Mark one notification read"
)
def mark_one_read(notification_id: Id, db: Db, actor: ApiActor, now: Now) -> Marked:
    marked = service.mark_read(
        db, org_id=actor.org_id, person_id=actor.person_id, now=now, notification_id=notification_id
    )
    db.commit()
    return Marked(marked=marked)


@router.post(
    "/notifications/{notification_id}/unread",
    response_model=Marked,
    summary="Mark one notification unread again",
)
def mark_one_unread(notification_id: Id, db: Db, actor: ApiActor, now: Now) -> Marked:
    marked = service.mark_unread(
        db, org_id=actor.org_id, person_id=actor.person_id, notification_id=notification_id, now=now
    )
    db.commit()
    return Marked(marked=marked)
