"""Reciprocity rings: set up, join, bring a request, offer, run the session, assign helpers, report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from askwell.core.db import MAX_ID
from askwell.http.deps import ApiActor, Ctx, Db, Now
from askwell.matching.service import encoder
from askwell.rings import repository, service
from askwell.rings.schemas import (
    AssignmentRead,
    ConsoleAction,
    PairingCreate,
    RingCreate,
    RingEventRead,
    RingInvite,
    RingOfferCreate,
    RingOfferRead,
    RingRead,
    RingReport,
    RingRequestCreate,
    RingRequestRead,
    RingSummary,
)

router = APIRouter(tags=["rings"])

RingId = Annotated[int, Path(ge=1, le=MAX_ID, description="A ring's id")]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="A ring request's id")]
PairingId = Annotated[int, Path(ge=1, le=MAX_ID, description="A pairing's id")]


def _read(db: Db, actor: ApiActor, ring_id: int, now: Now) -> RingRead:
    return service.ring_read(db, ring=repository.get_ring(db, actor=actor, ring_id=ring_id), now=now)


@router.get("/rings", response_model=list[RingSummary], summary="Rings you can see")
def list_rings(db: Db, actor: ApiActor) -> list[RingSummary]:
    return [service.summary(db, ring=r) for r in repository.list_rings(db, actor=actor)]


@router.post("/rings", response_model=RingRead, status_code=201, summary="Set up a ring (you facilitate it)")
def create_ring(data: RingCreate, db: Db, actor: ApiActor, now: Now) -> RingRead:
    ring = service.create_ring(db, actor=actor, data=data, now=now)
    db.commit()
    return service.ring_read(db, ring=ring, now=now)


@router.get("/rings/{ring_id}", response_model=RingRead, summary="A ring with its members and board")
def get_ring(ring_id: RingId, db: Db, actor: ApiActor, now: Now) -> RingRead:
    return _read(db, actor, ring_id, now)


@router.post("/rings/{ring_id}/invite", response_model=RingRead, summary="Invite people and whole teams")
def invite(ring_id: RingId, data: RingInvite, db: Db, actor: ApiActor, now: Now) -> RingRead:
    service.invite(db, actor=actor, ring_id=ring_id, data=data, now=now)
    db.commit()
    return _read(db, actor, ring_id, now)


@router.post(
    "/rings/{ring_id}/join", response_model=RingRead, summary="Join a ring (invited, or an open call)"
)
def join(ring_id: RingId, db: Db, actor: ApiActor, now: Now) -> RingRead:
    service.join(db, actor=actor, ring_id=ring_id, now=now)
    db.commit()
    return _read(db, actor, ring_id, now)


@router.post("/rings/{ring_id}/leave", response_model=RingRead, summary="Leave; your request is withdrawn")
def leave(ring_id: RingId, db: Db, actor: ApiActor, now: Now) -> RingRead:
    service.leave(db, actor=actor, ring_id=ring_id, now=now)
    db.commit()
    return _read(db, actor, ring_id, now)


@router.post(
    "/rings/{ring_id}/requests",
    response_model=RingRequestRead,
    status_code=201,
    summary="Bring your one request (an ask shared with the ring)",
)
def make_request(
    ring_id: RingId, data: RingRequestCreate, db: Db, actor: ApiActor, now: Now
) -> RingRequestRead:
    made = service.submit_request(db, actor=actor, ring_id=ring_id, data=data, now=now)
    db.commit()
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    row = next(r for r in repository.board(db, ring=ring) if r.request.id == made.id)
    return service.request_read(row)


@router.post(
    "/rings/{ring_id}/requests/{request_id}/offers",
    response_model=RingOfferRead,
    status_code=201,
    summary="Offer help on a request in one click",
)
def make_offer(
    ring_id: RingId, request_id: RequestId, data: RingOfferCreate, db: Db, actor: ApiActor, now: Now
) -> RingOfferRead:
    made = service.make_offer(db, actor=actor, ring_id=ring_id, request_id=request_id, data=data, now=now)
    db.commit()
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    row = next(r for r in repository.board(db, ring=ring) if r.request.id == request_id)
    return next(o for o in service.request_read(row).offers if o.id == made.offer_id)


@router.post(
    "/rings/{ring_id}/console",
    response_model=RingRead,
    summary="Start, next, pause, resume or close (with the version you saw; 409 if it moved on)",
)
def console(ring_id: RingId, data: ConsoleAction, db: Db, actor: ApiActor, now: Now) -> RingRead:
    service.console(db, actor=actor, ring_id=ring_id, data=data, now=now)
    db.commit()
    return _read(db, actor, ring_id, now)


@router.get(
    "/rings/{ring_id}/events",
    response_model=list[RingEventRead],
    summary="The ring's changes after a sequence number",
)
def events(
    ring_id: RingId, db: Db, actor: ApiActor, after: Annotated[int, Query(ge=0, le=MAX_ID)] = 0
) -> list[RingEventRead]:
    return [
        RingEventRead(seq=e.seq, kind=e.kind, payload=e.payload, created_at=e.created_at)
        for e in service.events(db, actor=actor, ring_id=ring_id, after=after)
    ]


@router.get(
    "/rings/{ring_id}/assignment",
    response_model=AssignmentRead,
    summary="The proposed and confirmed pairings",
)
def assignment(ring_id: RingId, db: Db, actor: ApiActor) -> AssignmentRead:
    return service.assignment_of(db, actor=actor, ring_id=ring_id)


@router.post("/rings/{ring_id}/assignment", response_model=AssignmentRead, summary="Propose who helps whom")
def propose(ring_id: RingId, db: Db, actor: ApiActor, ctx: Ctx, now: Now) -> AssignmentRead:
    view = service.propose_assignment(db, actor=actor, ring_id=ring_id, now=now, encode=encoder(ctx.edges))
    db.commit()
    return view


@router.post(
    "/rings/{ring_id}/assignment/pairings", response_model=AssignmentRead, summary="Add a pairing by hand"
)
def add_pairing(ring_id: RingId, data: PairingCreate, db: Db, actor: ApiActor, now: Now) -> AssignmentRead:
    service.add_pairing(db, actor=actor, ring_id=ring_id, data=data, now=now)
    db.commit()
    return service.assignment_of(db, actor=actor, ring_id=ring_id)


@router.delete(
    "/rings/{ring_id}/assignment/pairings/{pairing_id}",
    response_model=AssignmentRead,
    summary="Remove a proposed pairing",
)
def remove_pairing(
    ring_id: RingId, pairing_id: PairingId, db: Db, actor: ApiActor, now: Now
) -> AssignmentRead:
    service.remove_pairing(db, actor=actor, ring_id=ring_id, pairing_id=pairing_id, now=now)
    db.commit()
    return service.assignment_of(db, actor=actor, ring_id=ring_id)


@router.post(
    "/rings/{ring_id}/assignment/confirm",
    response_model=AssignmentRead,
    summary="Confirm: every proposed pairing becomes an accepted offer",
)
def confirm(ring_id: RingId, db: Db, actor: ApiActor, now: Now) -> AssignmentRead:
    service.confirm_assignment(db, actor=actor, ring_id=ring_id, now=now)
    db.commit()
    return service.assignment_of(db, actor=actor, ring_id=ring_id)


@router.get(
    "/rings/{ring_id}/report", response_model=RingReport, summary="The ring's report (counts and shares only)"
)
def report(ring_id: RingId, db: Db, actor: ApiActor, now: Now) -> RingReport:
    return service.report(db, actor=actor, ring_id=ring_id, now=now).report
