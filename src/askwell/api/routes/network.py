"""Ties, two-step introductions, dormant ties and network health over JSON (/api/v1/network/...)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, status

from askwell.core.errors import InvalidInput
from askwell.http.deps import ApiActor, Db, Now
from askwell.http.params import MAX_ID, AskId, IntroId, PersonId
from askwell.network import csv_import, dormant, intros, overview, service
from askwell.network.schemas import (
    ConnectorAnswer,
    ConnectorRead,
    DormantRead,
    HealthRead,
    IntroRead,
    IntroRequest,
    ReconnectRequest,
    TargetAnswer,
    TieCreate,
    TieImportRead,
    TieRead,
)

router = APIRouter(tags=["network"])

Months = Annotated[int, Query(ge=1, le=120, description="Months without interaction that make a tie dormant")]


@router.get("/network/ties", response_model=list[TieRead], summary="Your ties, strongest now first")
def list_ties(db: Db, actor: ApiActor, now: Now, months: Months = 12) -> list[TieRead]:
    return service.my_ties(db, actor=actor, now=now, dormant_days=service.dormant_days_for(months))


@router.post(
    "/network/ties",
    response_model=TieRead,
    status_code=status.HTTP_201_CREATED,
    summary="Record that you know someone (optionally how well, and when you last worked together)",
)
def add_tie(body: TieCreate, db: Db, actor: ApiActor, now: Now) -> TieRead:
    service.add_tie(db, actor=actor, data=body, now=now)
    db.commit()
    return next(t for t in service.my_ties(db, actor=actor, now=now) if t.person.id == body.person_id)


@router.post(
    "/network/ties/import",
    response_model=TieImportRead,
    summary="Admins: import ties from CSV (email_a,email_b[,strength][,last_interaction]); all or nothing",
    openapi_extra={
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}
    },
)
async def import_ties(
    request: Request,
    db: Db,
    actor: ApiActor,
    now: Now,
    dry_run: Annotated[bool, Query(description="Check the file without writing anything")] = False,
) -> TieImportRead:
    data = await request.body()
    report = csv_import.import_ties(db, actor=actor, data=data, now=now, dry_run=dry_run)
    if report.errors:
        first = report.errors[0]
        raise InvalidInput(
            f"{len(report.errors)} problem(s); nothing was imported. Line {first.line}: {first.message}",
            fields={str(e.line): e.message for e in report.errors[:50]},
        )
    db.commit()
    return report


@router.get(
    "/network/connectors",
    response_model=list[ConnectorRead],
    summary="People you know, each with the person they could introduce you to for your ask or query",
)
def connectors(
    db: Db,
    actor: ApiActor,
    now: Now,
    ask_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    q: Annotated[str, Query(max_length=300, description="A free query, e.g. 'SOC 2 audits'")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[ConnectorRead]:
    routes = intros.find_connectors(db, actor=actor, now=now, ask_id=ask_id, query=q, limit=limit)
    return [intros.connector_read(r) for r in routes]


@router.get("/network/intros", response_model=list[IntroRead], summary="Introductions you take part in")
def list_intros(db: Db, actor: ApiActor) -> list[IntroRead]:
    return intros.my_intros(db, actor=actor)


@router.post(
    "/network/intros",
    response_model=IntroRead,
    status_code=status.HTTP_201_CREATED,
    summary="Ask a connector for an introduction",
)
def request_intro(body: IntroRequest, db: Db, actor: ApiActor, now: Now) -> IntroRead:
    intro = intros.request_intro(db, actor=actor, data=body, now=now)
    db.commit()
    return intros.intro(db, actor=actor, intro_id=intro.id)


@router.get("/network/intros/{intro_id}", response_model=IntroRead, summary="One introduction")
def get_intro(intro_id: IntroId, db: Db, actor: ApiActor) -> IntroRead:
    return intros.intro(db, actor=actor, intro_id=intro_id)


@router.post(
    "/network/intros/{intro_id}/connector",
    response_model=IntroRead,
    summary="As the connector: accept (with a note), decline, or suggest someone else",
)
def answer_as_connector(
    intro_id: IntroId, body: ConnectorAnswer, db: Db, actor: ApiActor, now: Now
) -> IntroRead:
    intros.answer_as_connector(db, actor=actor, intro_id=intro_id, data=body, now=now)
    db.commit()
    return intros.intro(db, actor=actor, intro_id=intro_id)


@router.post(
    "/network/intros/{intro_id}/target",
    response_model=IntroRead,
    summary="As the person introduced: accept or decline",
)
def answer_as_target(intro_id: IntroId, body: TargetAnswer, db: Db, actor: ApiActor, now: Now) -> IntroRead:
    intros.answer_as_target(db, actor=actor, intro_id=intro_id, data=body, now=now)
    db.commit()
    return intros.intro(db, actor=actor, intro_id=intro_id)


@router.post("/network/intros/{intro_id}/withdraw", response_model=IntroRead, summary="Withdraw your request")
def withdraw_intro(intro_id: IntroId, db: Db, actor: ApiActor, now: Now) -> IntroRead:
    intros.withdraw_intro(db, actor=actor, intro_id=intro_id, now=now)
    db.commit()
    return intros.intro(db, actor=actor, intro_id=intro_id)


@router.get(
    "/asks/{ask_id}/introductions",
    response_model=list[IntroRead],
    summary="The introductions of one ask that you take part in",
)
def ask_introductions(ask_id: AskId, db: Db, actor: ApiActor) -> list[IntroRead]:
    return intros.intros_for_ask(db, actor=actor, ask_id=ask_id)


@router.get(
    "/network/dormant",
    response_model=list[DormantRead],
    summary="Your dormant ties, ranked for your open asks by relevance and novelty",
)
def list_dormant(db: Db, actor: ApiActor, now: Now, months: Months = 12) -> list[DormantRead]:
    return dormant.dormant_ties(db, actor=actor, now=now, dormant_days=service.dormant_days_for(months))


@router.post(
    "/network/dormant/{person_id}/reconnect",
    response_model=TieRead,
    summary="Send a reconnect message to a tie (the suggested one when `message` is empty)",
)
def reconnect(
    person_id: PersonId,
    db: Db,
    actor: ApiActor,
    now: Now,
    body: Annotated[ReconnectRequest | None, Body()] = None,
) -> TieRead:
    dormant.reconnect(db, actor=actor, person_id=person_id, data=body or ReconnectRequest(), now=now)
    db.commit()
    return next(t for t in service.my_ties(db, actor=actor, now=now) if t.person.id == person_id)


@router.get(
    "/network/health",
    response_model=HealthRead,
    summary="Leads and admins: share of cross-team ties, isolated people, bridges (aggregates)",
)
def health(db: Db, actor: ApiActor, now: Now) -> HealthRead:
    return overview.network_health(db, actor=actor, now=now)
