"""Asks, offers, thanks and live coaching."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from askwell.asks import repository, service
from askwell.asks.schemas import (
    AskClose,
    AskCreate,
    AskExtend,
    AskRead,
    AskSummary,
    AskWrite,
    CoachingRead,
    CoachRequest,
    OfferCreate,
    OfferRead,
    ThanksCreate,
    ask_read,
    ask_summary,
    coaching_read,
    offer_read,
)
from askwell.core.localtime import zone
from askwell.core.validation import EntityId
from askwell.http.deps import ApiActor, ApiPerson, Ctx, Db, Now, reads_only
from askwell.http.params import Id
from askwell.matching.judge import coaching_judge
from askwell.people.schemas import Page

router = APIRouter(tags=["asks"])


class AskDirectly(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: EntityId


class RevisionRead(BaseModel):
    version: int
    edited_at: str
    snapshot: dict[str, object]


@router.post(
    "/coach", response_model=CoachingRead, summary="SMART coaching of an ask as written (nothing is saved)"
)
@reads_only
def coach(data: CoachRequest, person: ApiPerson, now: Now, ctx: Ctx) -> CoachingRead:
    judge = coaching_judge(ctx.edges)
    return coaching_read(service.coach_request(data, tz=zone(person.timezone), now=now, judge=judge))


@router.get("/asks", response_model=Page[AskSummary], summary="The ask board")
def list_asks(
    db: Db,
    actor: ApiActor,
    scope: Annotated[str, Query(pattern="^(open|mine|team|offered|all)$")] = "open",
    q: Annotated[str, Query(max_length=200)] = "",
    tag: Annotated[str, Query(max_length=60)] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[AskSummary]:
    page = repository.board(db, actor=actor, scope=scope, query=q, tag=tag, limit=limit, offset=offset)
    items = [ask_summary(a, offer_count=page.offer_counts.get(a.id, 0)) for a in page.asks]
    return Page[AskSummary](items=items, total=page.total, limit=page.limit, offset=page.offset)


@router.post(
    "/asks", response_model=AskRead, status_code=201, summary="Write an ask (draft, or open it with publish)"
)
def create_ask(data: AskCreate, db: Db, actor: ApiActor, now: Now) -> AskRead:
    ask = service.create_ask(db, actor=actor, data=data, now=now)
    db.commit()
    return ask_read(ask)


@router.get("/asks/{ask_id}", response_model=AskRead)
def get_ask(ask_id: Id, db: Db, actor: ApiActor) -> AskRead:
    return ask_read(repository.get_ask(db, actor=actor, ask_id=ask_id))


@router.put("/asks/{ask_id}", response_model=AskRead, summary="Edit an ask (the previous version is kept)")
def update_ask(ask_id: Id, data: AskWrite, db: Db, actor: ApiActor, now: Now) -> AskRead:
    ask = service.update_ask(db, actor=actor, ask_id=ask_id, data=data, now=now)
    db.commit()
    return ask_read(ask)


@router.get("/asks/{ask_id}/history", response_model=list[RevisionRead], summary="Earlier versions of an ask")
def ask_history(ask_id: Id, db: Db, actor: ApiActor) -> list[RevisionRead]:
    return [
        RevisionRead(version=r.version, edited_at=r.edited_at.isoformat(), snapshot=r.snapshot)
        for r in service.history(db, actor=actor, ask_id=ask_id)
    ]


@router.post("/asks/{ask_id}/publish", response_model=AskRead)
def publish_ask(ask_id: Id, db: Db, actor: ApiActor, now: Now) -> AskRead:
    ask = service.publish_ask(db, actor=actor, ask_id=ask_id, now=now)
    db.commit()
    return ask_read(ask)


@router.post("/asks/{ask_id}/withdraw", response_model=AskRead)
def withdraw_ask(ask_id: Id, db: Db, actor: ApiActor, now: Now) -> AskRead:
    ask = service.withdraw_ask(db, actor=actor, ask_id=ask_id, now=now)
    db.commit()
    return ask_read(ask)


@router.post("/asks/{ask_id}/close", response_model=AskRead, summary="Close with the outcome")
def close_ask(ask_id: Id, data: AskClose, db: Db, actor: ApiActor, now: Now) -> AskRead:
    ask = service.close_ask(db, actor=actor, ask_id=ask_id, data=data, now=now)
    db.commit()
    return ask_read(ask)


@router.post(
    "/asks/{ask_id}/extend", response_model=AskRead, summary="A new due date (re-opens an expired ask)"
)
def extend_ask(ask_id: Id, data: AskExtend, db: Db, actor: ApiActor, now: Now) -> AskRead:
    ask = service.extend_ask(db, actor=actor, ask_id=ask_id, data=data, now=now)
    db.commit()
    return ask_read(ask)


@router.post("/asks/{ask_id}/ask-directly", status_code=204, summary="Ask one person directly")
def ask_directly(ask_id: Id, data: AskDirectly, db: Db, actor: ApiActor, now: Now) -> None:
    service.ask_directly(db, actor=actor, ask_id=ask_id, person_id=data.person_id, now=now)
    db.commit()


@router.post("/asks/{ask_id}/offers", response_model=OfferRead, status_code=201, summary="Offer help")
def offer_help(ask_id: Id, data: OfferCreate, db: Db, actor: ApiActor, now: Now) -> OfferRead:
    offer = service.offer_help(db, actor=actor, ask_id=ask_id, data=data, now=now)
    db.commit()
    offer, _ = repository.get_offer(db, actor=actor, offer_id=offer.id)
    return offer_read(offer)


def _offer_action(action: str):  # type: ignore[no-untyped-def]  # returns a route function whose own signature FastAPI reads
    fn = {
        "accept": service.accept_offer,
        "decline": service.decline_offer,
        "withdraw": service.withdraw_offer,
        "done": service.complete_offer,
    }[action]

    def endpoint(offer_id: Id, db: Db, actor: ApiActor, now: Now) -> OfferRead:
        fn(db, actor=actor, offer_id=offer_id, now=now)
        db.commit()
        offer, _ = repository.get_offer(db, actor=actor, offer_id=offer_id)
        return offer_read(offer)

    endpoint.__name__ = f"{action}_offer"
    return endpoint


router.post("/offers/{offer_id}/accept", response_model=OfferRead, summary="The asker accepts an offer")(
    _offer_action("accept")
)
router.post("/offers/{offer_id}/decline", response_model=OfferRead, summary="The asker declines an offer")(
    _offer_action("decline")
)
router.post(
    "/offers/{offer_id}/withdraw", response_model=OfferRead, summary="The helper withdraws their offer"
)(_offer_action("withdraw"))
router.post(
    "/offers/{offer_id}/done", response_model=OfferRead, summary="The helper marks the help as given"
)(_offer_action("done"))


@router.post(
    "/offers/{offer_id}/thanks", response_model=OfferRead, status_code=201, summary="Thank the helper"
)
def thank(offer_id: Id, data: ThanksCreate, db: Db, actor: ApiActor, now: Now) -> OfferRead:
    service.thank(db, actor=actor, offer_id=offer_id, data=data, now=now)
    db.commit()
    offer, _ = repository.get_offer(db, actor=actor, offer_id=offer_id)
    return offer_read(offer)
