"""Use cases of the rings domain: set up a ring, join, bring a request, offer, run the live session,
assign helpers, and report. Each checks who may act, changes rows, writes the ring's event log in the
same transaction, and flushes; it never commits (the route, job or command owns the transaction).

A ring request *is* an ask (its SMART coaching, offers, done and thanks are the asks domain's), shared
with the ring's members through the ask's audience with the reason "ring": nobody is told "asked you
directly", and responsiveness statistics ignore it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from askwell.asks import repository as asks_repo
from askwell.asks import rules as ask_rules
from askwell.asks import service as asks_service
from askwell.asks.models import AudienceReason, OfferKind, OfferStatus, Visibility
from askwell.asks.schemas import AskCreate, AskWrite, OfferCreate
from askwell.core.errors import AskwellError, Conflict, InvalidInput
from askwell.core.events import RingFinished, RingInvited, RingNudged, RingUpdated, emit
from askwell.core.jobs import enqueue
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.matching import service as matching
from askwell.network import index as network_index
from askwell.network import repository as network_repo
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.rings import assignment, repository, rules
from askwell.rings.errors import (
    AlreadyOfferedInRing,
    InvalidPairing,
    NotAFacilitator,
    NotAParticipant,
    NothingToConfirm,
    NotInvited,
    OwnRequest,
    RequestAlreadyMade,
    RequestWithdrawn,
    RingChanged,
    RingClosed,
    RingFull,
    RingNotRunning,
    StatusNotAllowed,
)
from askwell.rings.models import (
    MemberStatus,
    PairingStatus,
    RequestStatus,
    Ring,
    RingEvent,
    RingMember,
    RingMode,
    RingOffer,
    RingOfferKind,
    RingPairing,
    RingRequest,
    RingStatus,
)
from askwell.rings.schemas import (
    AssignmentRead,
    ConsoleAction,
    FiguresRead,
    MemberRead,
    PairingCreate,
    PairingRead,
    PersonRef,
    RingCreate,
    RingInvite,
    RingOfferCreate,
    RingOfferRead,
    RingRead,
    RingReport,
    RingRequestCreate,
    RingRequestRead,
    RingSummary,
)

Encode = Callable[[Sequence[str]], np.ndarray]

#: How far in the past a new ring may start (a ring set up a few minutes late still starts "now").
START_SLACK = timedelta(hours=1)
#: Two people "know each other" from this current tie strength on (matching uses the same bound).
DIRECT_MIN = 0.05
#: The assignment's defaults: each helper takes at most two requests, each request gets at most two.
HELPER_CAPACITY = 2
HELPERS_PER_REQUEST = 2
SUGGESTIONS_PER_REQUEST = 5
NO_FEASIBLE = (
    "No feasible pairing: nobody offered on these requests and no participant fits them yet. "
    "Ask the ring for offers, or add a pairing by hand."
)


# --- the event log -----------------------------------------------------------------------------------


def record_event(db: Session, *, ring: Ring, kind: str, payload: dict[str, Any], now: datetime) -> int:
    """Append to the ring's event log; the sequence number is taken under the ring row's write lock, so it
    is gap-free and monotonic per ring whatever the number of writers."""
    seq = repository.next_event_seq(db, ring=ring)
    set_committed_value(ring, "event_seq", seq)
    db.add(
        RingEvent(org_id=ring.org_id, ring_id=ring.id, seq=seq, kind=kind, payload=payload, created_at=now)
    )
    db.flush()
    # Live pages are told after the commit (a rolled-back change is never announced).
    emit(db, RingUpdated(org_id=ring.org_id, at=now, ring_id=ring.id))
    return int(seq)


def events(db: Session, *, actor: Actor, ring_id: int, after: int = 0, limit: int = 200) -> list[RingEvent]:
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    return repository.events_after(db, ring=ring, after=after, limit=limit)


# --- who may act -------------------------------------------------------------------------------------


def can_facilitate(db: Session, *, ring: Ring, actor: Actor) -> bool:
    return actor.is_admin or repository.is_facilitator(db, ring=ring, person_id=actor.person_id)


def _require_facilitator(db: Session, ring: Ring, actor: Actor, action: str) -> None:
    if not can_facilitate(db, ring=ring, actor=actor):
        raise NotAFacilitator(action)


def _require_joined(db: Session, ring: Ring, actor: Actor, action: str) -> RingMember:
    found = repository.member(db, ring=ring, person_id=actor.person_id)
    if found is None or found.status != MemberStatus.JOINED.value:
        raise NotAParticipant(action)
    return found


def _me(db: Session, actor: Actor) -> Person:
    return people_repo.get_person(db, actor=actor, person_id=actor.person_id)


def _actor_of(db: Session, *, org_id: int, person_id: int) -> Actor:
    person = people_repo.person_in_org(db, org_id=org_id, person_id=person_id)
    if person is None:
        raise InvalidPairing("That person is no longer an active member of the organization.")
    return people_repo.actor_for(db, person)


def _nudge(db: Session, *, ring: Ring, person_id: int, now: datetime) -> bool:
    """Emit the nudge for an active member; someone deactivated since is not counted."""
    if people_repo.person_in_org(db, org_id=ring.org_id, person_id=person_id) is None:
        return False
    emit(db, RingNudged(org_id=ring.org_id, at=now, ring_id=ring.id, person_id=person_id))
    return True


# --- setting up --------------------------------------------------------------------------------------


def _localize(moment: datetime, tz: ZoneInfo) -> datetime:
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)).astimezone(UTC)


INVITATION_JOB = "rings.invitation"


def create_ring(db: Session, *, actor: Actor, data: RingCreate, now: datetime) -> Ring:
    """Set up a ring; the creator facilitates it. Invited people and whole teams are told in their inbox."""
    me = _me(db, actor)
    starts = _localize(data.starts_at, ZoneInfo(me.timezone))
    if starts < now - START_SLACK:
        raise InvalidInput("The ring's start is in the past.", fields={"starts_at": "Choose a later time."})
    length = (
        timedelta(minutes=data.duration_minutes)
        if data.mode == RingMode.LIVE
        else timedelta(days=data.window_days)
    )
    leader_id = data.leader_id
    if leader_id is not None:
        people_repo.get_person(db, actor=actor, person_id=leader_id)
    elif data.leader_first:
        leader_id = actor.person_id
    ring = Ring(
        org_id=actor.org_id,
        name=data.name,
        purpose=data.purpose,
        guidelines=data.guidelines,
        mode=data.mode.value,
        status=RingStatus.PREPARING.value,
        starts_at=starts,
        ends_at=starts + length,
        capacity=data.capacity,
        open_call=data.open_call,
        leader_first=data.leader_first,
        leader_id=leader_id,
        request_seconds=data.request_minutes * 60,
        version=1,
        event_seq=0,
        created_by_id=actor.person_id,
        created_at=now,
        updated_at=now,
    )
    db.add(ring)
    db.flush()
    db.add(
        RingMember(
            org_id=ring.org_id,
            ring_id=ring.id,
            person_id=actor.person_id,
            facilitator=True,
            status=(MemberStatus.JOINED if data.participate else MemberStatus.HOSTING).value,
            invited_at=now,
            joined_at=now,
        )
    )
    for person_id in dict.fromkeys(data.facilitators):
        if person_id != actor.person_id:
            people_repo.get_person(db, actor=actor, person_id=person_id)
            db.add(
                RingMember(
                    org_id=ring.org_id,
                    ring_id=ring.id,
                    person_id=person_id,
                    facilitator=True,
                    status=MemberStatus.HOSTING.value,
                    invited_at=now,
                )
            )
    db.flush()
    record_event(db, ring=ring, kind="ring.created", payload={"by": actor.person_id}, now=now)
    _invite(db, ring=ring, actor=actor, me=me, people=data.invite, teams=data.teams, now=now)
    if leader_id is not None and repository.member(db, ring=ring, person_id=leader_id) is None:
        _invite(db, ring=ring, actor=actor, me=me, people=[leader_id], teams=[], now=now)
    return ring


def invite(db: Session, *, actor: Actor, ring_id: int, data: RingInvite, now: datetime) -> int:
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "invite people")
    if ring.status == RingStatus.CLOSED.value:
        raise RingClosed("invite people")
    return _invite(
        db, ring=ring, actor=actor, me=_me(db, actor), people=data.people, teams=data.teams, now=now
    )


def _invite(
    db: Session, *, ring: Ring, actor: Actor, me: Person, people: list[int], teams: list[int], now: datetime
) -> int:
    """Invite people and every active member of the teams named; each new invitee is told once."""
    for team_id in teams:
        people_repo.get_team(db, actor=actor, team_id=team_id)
    ids = list(dict.fromkeys([*people, *repository.team_member_ids(db, org_id=ring.org_id, team_ids=teams)]))
    added = []
    for person_id in ids:
        person = people_repo.get_person(db, actor=actor, person_id=person_id)
        if repository.member(db, ring=ring, person_id=person.id) is not None:
            continue
        db.add(
            RingMember(
                org_id=ring.org_id,
                ring_id=ring.id,
                person_id=person.id,
                status=MemberStatus.INVITED.value,
                invited_at=now,
            )
        )
        added.append(person)
    db.flush()
    for person in added:
        emit(
            db,
            RingInvited(org_id=ring.org_id, at=now, ring_id=ring.id, person_id=person.id, inviter_id=me.id),
        )
    if added:
        record_event(db, ring=ring, kind="ring.invited", payload={"people": [p.id for p in added]}, now=now)
        if ring.mode == RingMode.LIVE.value:
            # The calendar invitation is built by a job, which knows the public address for its link.
            enqueue(
                db,
                INVITATION_JOB,
                {"ring_id": ring.id, "people": [p.id for p in added]},
                now=now,
                org_id=ring.org_id,
            )
    return len(added)


def set_role(db: Session, *, actor: Actor, ring_id: int, person_id: int, role: str, now: datetime) -> None:
    """Make a member a co-facilitator, or the leader whose request opens the ring."""
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "change roles")
    found = repository.member(db, ring=ring, person_id=person_id)
    if found is None:
        raise InvalidPairing("That person is not in this ring.")
    if role == "facilitator":
        found.facilitator = True
    else:
        ring.leader_id = person_id
        ring.leader_first = True
        ring.updated_at = now
    db.flush()
    record_event(db, ring=ring, kind="ring.role", payload={"person_id": person_id, "role": role}, now=now)


# --- joining and leaving -----------------------------------------------------------------------------


def join(db: Session, *, actor: Actor, ring_id: int, now: datetime) -> RingMember:
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    found = repository.member(db, ring=ring, person_id=actor.person_id)
    refusal = rules.join_refusal(
        status=ring.status,
        member_status=found.status if found else None,
        open_call=ring.open_call,
        joined=len(repository.joined_ids(db, ring=ring)),
        capacity=ring.capacity,
    )
    if refusal == "closed":
        raise RingClosed("join it")
    if refusal == "full":
        raise RingFull(ring.capacity)
    if refusal == "not_invited":
        raise NotInvited()
    if found is not None and found.status == MemberStatus.JOINED.value:
        return found
    if found is None:
        found = RingMember(org_id=ring.org_id, ring_id=ring.id, person_id=actor.person_id, invited_at=now)
        db.add(found)
    found.status = MemberStatus.JOINED.value
    found.joined_at = now
    found.left_at = None
    db.flush()
    # Everything already brought to the ring becomes visible to the newcomer.
    for request in repository.requests(db, ring=ring, active_only=True):
        ask = asks_repo.get_ask(
            db, actor=_actor_of(db, org_id=ring.org_id, person_id=request.person_id), ask_id=request.ask_id
        )
        asks_service.share_quietly(db, ask=ask, person_ids=[actor.person_id], reason=AudienceReason.RING)
    record_event(db, ring=ring, kind="ring.member_joined", payload={"person_id": actor.person_id}, now=now)
    return found


def leave(db: Session, *, actor: Actor, ring_id: int, now: datetime) -> None:
    """Leave mid-ring: the request is withdrawn (and its ask), open offers made in the ring are withdrawn,
    and pairings not yet confirmed are dropped. Help already accepted stands."""
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    if ring.status == RingStatus.CLOSED.value:
        raise RingClosed("leave it")
    found = _require_joined(db, ring, actor, "leave it")
    found.status = MemberStatus.LEFT.value
    found.left_at = now
    request = repository.request_of(db, ring=ring, person_id=actor.person_id)
    if request is not None and request.status == RequestStatus.ACTIVE.value:
        request.status = RequestStatus.WITHDRAWN.value
        ask = asks_repo.get_ask(db, actor=actor, ask_id=request.ask_id)
        if ask_rules.can_transition(ask.status, "withdrawn"):
            asks_service.withdraw_ask(db, actor=actor, ask_id=ask.id, now=now)
    for offer_id in repository.open_offers_by(db, ring=ring, helper_id=actor.person_id):
        asks_service.withdraw_offer(db, actor=actor, offer_id=offer_id, now=now)
    for pairing in repository.pairings(db, ring=ring, statuses=[PairingStatus.PROPOSED]):
        if pairing.helper_id == actor.person_id or (request is not None and pairing.request_id == request.id):
            pairing.status = PairingStatus.REMOVED.value
    db.flush()
    record_event(
        db,
        ring=ring,
        kind="ring.member_left",
        payload={"person_id": actor.person_id, "request_id": request.id if request else None},
        now=now,
    )


# --- requests ----------------------------------------------------------------------------------------


def _ask_write(data: RingRequestCreate, actor: Actor) -> dict[str, Any]:
    # A ring request is private to the ring: "people" visibility, shared with the members by the ring.
    # The author names only themself (the schema needs someone; the service drops the author).
    return {
        **data.model_dump(),
        "visibility": Visibility.PEOPLE,
        "audience": [actor.person_id],
    }


def submit_request(
    db: Session, *, actor: Actor, ring_id: int, data: RingRequestCreate, now: datetime
) -> RingRequest:
    """Bring one request to the ring (an ask, coached like any other), shared with the ring's members."""
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    if not rules.accepts_requests(ring.status):
        raise RingClosed("bring a request")
    _require_joined(db, ring, actor, "bring a request")
    if repository.request_of(db, ring=ring, person_id=actor.person_id) is not None:
        raise RequestAlreadyMade()
    ask = asks_service.create_ask(
        db, actor=actor, data=AskCreate(**_ask_write(data, actor), publish=True), now=now
    )
    asks_service.share_quietly(
        db, ask=ask, person_ids=repository.audience_ids(db, ring=ring), reason=AudienceReason.RING
    )
    last = repository.last_position(db, ring=ring)
    request = RingRequest(
        org_id=ring.org_id,
        ring_id=ring.id,
        person_id=actor.person_id,
        ask_id=ask.id,
        position=(last or 0) + 1,
        status=RequestStatus.ACTIVE.value,
        created_at=now,
    )
    db.add(request)
    db.flush()
    record_event(
        db,
        ring=ring,
        kind="ring.request_added",
        payload={"request_id": request.id, "person_id": actor.person_id, "ask_id": ask.id},
        now=now,
    )
    return request


def update_request(
    db: Session, *, actor: Actor, ring_id: int, data: RingRequestCreate, now: datetime
) -> RingRequest:
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    if not rules.accepts_requests(ring.status):
        raise RingClosed("edit your request")
    request = repository.request_of(db, ring=ring, person_id=actor.person_id)
    if request is None or request.status != RequestStatus.ACTIVE.value:
        raise NotAParticipant("edit a request")
    asks_service.update_ask(
        db, actor=actor, ask_id=request.ask_id, data=AskWrite(**_ask_write(data, actor)), now=now
    )
    record_event(db, ring=ring, kind="ring.request_edited", payload={"request_id": request.id}, now=now)
    return request


def nudge(db: Session, *, actor: Actor, ring_id: int, now: datetime) -> int:
    """Remind those not ready: participants without a request, and invitees who have not joined.
    Each person is nudged at most every ``rules.NUDGE_EVERY``."""
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "nudge participants")
    if ring.status == RingStatus.CLOSED.value:
        raise RingClosed("nudge anyone")
    ready = {r.person_id for r in repository.requests(db, ring=ring, active_only=True)}
    sent = 0
    for member, _person in repository.members(db, ring=ring):
        if member.person_id in ready or member.status not in (
            MemberStatus.JOINED.value,
            MemberStatus.INVITED.value,
        ):
            continue
        if member.nudged_at is not None and member.nudged_at > now - rules.NUDGE_EVERY:
            continue
        if _nudge(db, ring=ring, person_id=member.person_id, now=now):
            member.nudged_at = now
            sent += 1
    db.flush()
    record_event(db, ring=ring, kind="ring.nudged", payload={"count": sent}, now=now)
    return sent


# --- the live session (and opening/closing an async ring) -----------------------------------------


def console(db: Session, *, actor: Actor, ring_id: int, data: ConsoleAction, now: datetime) -> Ring:
    """A console button. The version the console showed must still be current: of two facilitators
    pressing "next" at once, exactly one advances the ring; the other gets ``RingChanged`` (409)."""
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "run the session")
    if data.version != ring.version:
        raise RingChanged()
    values: dict[str, Any] = {"updated_at": now}
    positions: list[int] = []
    if data.action == "next":
        if ring.status != RingStatus.LIVE.value:
            raise RingNotRunning("move to the next request")
        following = _next_position(db, ring)
        if following is None:
            raise Conflict("That was the last request: end the session when you are ready.")
        values |= {"current_position": following, "current_started_at": now}
    else:
        target = rules.next_status(data.action, status=ring.status, mode=ring.mode)
        if target is None:
            raise StatusNotAllowed(ring.status, data.action)
        values["status"] = target.value
        if data.action == "start":
            positions = rules.order_requests(
                [
                    rules.QueuedRequest(r.id, r.person_id, r.created_at)
                    for r in repository.requests(db, ring=ring, active_only=True)
                ],
                leader_id=ring.leader_id,
                leader_first=ring.leader_first,
            )
            values |= {"started_at": now}
            if target is RingStatus.LIVE and positions:
                values |= {"current_position": 1, "current_started_at": now}
        elif data.action == "pause":
            values["paused_at"] = now
        elif data.action == "resume":
            values |= {
                "paused_at": None,
                "current_started_at": rules.resumed_start(
                    started_at=ring.current_started_at, paused_at=ring.paused_at, now=now
                ),
            }
        elif data.action == "close":
            values |= {
                "closed_at": now,
                "paused_at": None,
                "current_position": None,
                "current_started_at": None,
            }
    if not repository.advance_version(db, ring=ring, version=data.version, values=values):
        raise RingChanged()
    if positions:
        # Withdrawn requests go last so that the active ones are numbered 1..n in session order.
        repository.renumber_requests(db, ring=ring, positions=positions)
    db.refresh(ring)
    current = repository.request_at(db, ring=ring, position=ring.current_position)
    record_event(
        db,
        ring=ring,
        kind=f"ring.{_EVENT_OF[data.action]}",
        payload={
            "status": ring.status,
            "version": ring.version,
            "position": ring.current_position,
            "request_id": current.id if current else None,
            "by": actor.person_id,
        },
        now=now,
    )
    if data.action == "close":
        emit(db, RingFinished(org_id=ring.org_id, at=now, ring_id=ring.id))
    return ring


_EVENT_OF = {
    "start": "started",
    "next": "advanced",
    "pause": "paused",
    "resume": "resumed",
    "close": "closed",
}


def _next_position(db: Session, ring: Ring) -> int | None:
    return repository.next_active_position(db, ring=ring)


def remaining_seconds(ring: Ring, *, now: datetime) -> int | None:
    if ring.status not in (RingStatus.LIVE.value, RingStatus.PAUSED.value):
        return None
    return rules.remaining_seconds(
        request_seconds=ring.request_seconds,
        started_at=ring.current_started_at,
        paused_at=ring.paused_at,
        now=now,
    )


# --- offers ------------------------------------------------------------------------------------------


def make_offer(
    db: Session, *, actor: Actor, ring_id: int, request_id: int, data: RingOfferCreate, now: datetime
) -> RingOffer:
    """One click: "I can help", "I know someone" or "I have a resource", with an optional note. The offer
    is the ask's own offer, so the requester accepts, marks done and thanks it as any other."""
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    if ring.status == RingStatus.CLOSED.value:
        raise RingClosed("offer help")
    if not rules.accepts_offers(ring.status):
        raise RingNotRunning("offer help")
    found = repository.member(db, ring=ring, person_id=actor.person_id)
    if found is None or not (found.status == MemberStatus.JOINED.value or found.facilitator):
        raise NotAParticipant("offer help")
    request = repository.get_request(db, ring=ring, request_id=request_id)
    if request.person_id == actor.person_id:
        raise OwnRequest()
    if request.status != RequestStatus.ACTIVE.value:
        raise RequestWithdrawn()
    if repository.ring_offer_of(db, ring=ring, request_id=request.id, helper_id=actor.person_id) is not None:
        raise AlreadyOfferedInRing()
    kind, label = rules.OFFER_KINDS[data.kind]
    offer = asks_service.offer_help(
        db,
        actor=actor,
        ask_id=request.ask_id,
        data=OfferCreate(kind=kind, message=f"{label}: {data.note}" if data.note else label),
        now=now,
    )
    ring_offer = RingOffer(
        org_id=ring.org_id,
        ring_id=ring.id,
        request_id=request.id,
        offer_id=offer.id,
        helper_id=actor.person_id,
        kind=data.kind.value,
        created_at=now,
    )
    db.add(ring_offer)
    db.flush()
    record_event(
        db,
        ring=ring,
        kind="ring.offer_made",
        payload={
            "request_id": request.id,
            "offer_id": offer.id,
            "helper_id": actor.person_id,
            "kind": data.kind.value,
        },
        now=now,
    )
    return ring_offer


# --- assignment --------------------------------------------------------------------------------------


def _reach(db: Session, *, org_id: int, requester: int, helpers: set[int], now: datetime) -> dict[int, float]:
    """1 for a direct tie, 0.5 for two steps through someone, 0 otherwise (network's tie graph)."""
    graph = network_index.org_graph(db, org_id=org_id)
    me = graph.index.get(requester)
    if me is None:
        return {}
    current = graph.current(now)
    out: dict[int, float] = {}
    for helper in helpers:
        position = graph.index.get(helper)
        if position is None:
            continue
        if current.strength(me, position) >= DIRECT_MIN:
            out[helper] = 1.0
        elif float(current.two_step(me, [position])[0]) > 0:
            out[helper] = 0.5
    return out


def _suggested(
    db: Session, *, ring: Ring, request: RingRequest, participants: set[int], encode: Encode, now: datetime
) -> list[assignment.Candidate]:
    """Who-can-help suggestions among the participants, for a request nobody offered on."""
    try:
        found = matching.suggest(
            db,
            actor=_actor_of(db, org_id=ring.org_id, person_id=request.person_id),
            ask_id=request.ask_id,
            now=now,
            encode=encode,
            limit=20,
        )
    except AskwellError:
        return []
    out = []
    for s in found.suggestions:
        if s.person.id in participants and s.person.id != request.person_id:
            out.append(
                assignment.Candidate(
                    request_id=request.id,
                    helper_id=s.person.id,
                    fit=max(0.0, min(1.0, s.score)),
                    offered=False,
                    reach={"direct": 1.0, "two_step": 0.5}.get(s.tie or "", 0.0),
                    reasons=tuple(s.terms or s.reasons)[:3],
                )
            )
    return out[:SUGGESTIONS_PER_REQUEST]


def propose_assignment(
    db: Session, *, actor: Actor, ring_id: int, now: datetime, encode: Encode | None = None
) -> AssignmentRead:
    """Propose who helps whom: offers first, then (with ``encode``) suggestions among participants for
    requests without offers; pairings the facilitator removed are never proposed again. Replaces the
    previous proposal; confirmed pairings stay."""
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "propose an assignment")
    if ring.status == RingStatus.PREPARING.value:
        raise RingNotRunning("propose an assignment")
    participants = set(repository.joined_ids(db, ring=ring))
    confirmed = repository.pairings(db, ring=ring, statuses=[PairingStatus.CONFIRMED])
    removed = repository.pairings(db, ring=ring, statuses=[PairingStatus.REMOVED])
    served = {p.request_id for p in confirmed}
    facts = repository.ask_facts(
        db,
        org_id=ring.org_id,
        ask_ids=[r.ask_id for r in repository.requests(db, ring=ring, active_only=True)],
    )
    slots = [
        r
        for r in repository.requests(db, ring=ring, active_only=True)
        if r.id not in served and r.ask_id in facts and ask_rules.accepts_offers(facts[r.ask_id].status)
    ]
    candidates: list[assignment.Candidate] = []
    rows = {row.request.id: row for row in repository.board(db, ring=ring)}
    for request in slots:
        offers = [
            o
            for o in rows[request.id].offers
            if o.status in (OfferStatus.PROPOSED.value, OfferStatus.ACCEPTED.value)
            and o.helper_id in participants
        ]
        reach = _reach(
            db,
            org_id=ring.org_id,
            requester=request.person_id,
            helpers={o.helper_id for o in offers},
            now=now,
        )
        for o in offers:
            candidates.append(
                assignment.Candidate(
                    request_id=request.id,
                    helper_id=o.helper_id,
                    fit=0.0,
                    offered=True,
                    reach=reach.get(o.helper_id, 0.0),
                    offer_note=rules.OFFER_KINDS[RingOfferKind(o.kind)][1],
                )
            )
        if not offers and encode is not None:
            candidates.extend(
                _suggested(db, ring=ring, request=request, participants=participants, encode=encode, now=now)
            )
    load: dict[int, int] = {}
    for p in confirmed:
        load[p.helper_id] = load.get(p.helper_id, 0) + 1
    result = assignment.propose(
        [assignment.RequestSlot(request_id=r.id, requester_id=r.person_id) for r in slots],
        candidates,
        assignment.AssignmentRules(
            capacity=HELPER_CAPACITY,
            max_helpers_per_request=HELPERS_PER_REQUEST,
            capacities={h: max(0, HELPER_CAPACITY - n) for h, n in load.items()},
            declined=frozenset((p.request_id, p.helper_id) for p in removed),
        ),
    )
    repository.delete_proposed_pairings(db, ring=ring)
    for pairing in result.pairings:
        db.add(
            RingPairing(
                org_id=ring.org_id,
                ring_id=ring.id,
                request_id=pairing.request_id,
                helper_id=pairing.helper_id,
                source=pairing.source,
                explanation=pairing.explanation,
                status=PairingStatus.PROPOSED.value,
                created_at=now,
            )
        )
    db.flush()
    # Nothing at all: our own words (what to do next); partly feasible: the assignment's message.
    message = NO_FEASIBLE if slots and not result.pairings else result.message
    record_event(
        db,
        ring=ring,
        kind="ring.assignment_proposed",
        payload={"pairings": len(result.pairings), "unfilled": list(result.unfilled), "message": message},
        now=now,
    )
    return assignment_view(db, ring=ring, message=message)


def assignment_of(db: Session, *, actor: Actor, ring_id: int) -> AssignmentRead:
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "see the assignment")
    last = repository.last_event_payload(db, ring=ring, kind="ring.assignment_proposed")
    message = last.get("message") if isinstance(last, dict) else None
    return assignment_view(db, ring=ring, message=message if isinstance(message, str) else None)


def assignment_view(db: Session, *, ring: Ring, message: str | None) -> AssignmentRead:
    pairings = repository.pairings(db, ring=ring, statuses=[PairingStatus.PROPOSED, PairingStatus.CONFIRMED])
    rows = {row.request.id: row for row in repository.board(db, ring=ring)}
    names = repository.names(db, org_id=ring.org_id, ids={p.helper_id for p in pairings})
    covered = {p.request_id for p in pairings}
    return AssignmentRead(
        ring_id=ring.id,
        pairings=[
            PairingRead(
                id=p.id,
                request_id=p.request_id,
                ask_id=rows[p.request_id].ask_id,
                title=rows[p.request_id].title,
                requester=PersonRef(
                    id=rows[p.request_id].requester_id, name=rows[p.request_id].requester_name
                ),
                helper=PersonRef(id=p.helper_id, name=names.get(p.helper_id, "")),
                source=p.source,
                explanation=p.explanation,
                status=p.status,
            )
            for p in pairings
            if p.request_id in rows
        ],
        unfilled=[
            rid
            for rid, row in rows.items()
            if row.request.status == RequestStatus.ACTIVE.value and rid not in covered
        ],
        message=message,
    )


def add_pairing(
    db: Session, *, actor: Actor, ring_id: int, data: PairingCreate, now: datetime
) -> RingPairing:
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "pair people")
    if ring.status == RingStatus.PREPARING.value:
        raise RingNotRunning("pair people")
    request = repository.get_request(db, ring=ring, request_id=data.request_id)
    if request.status != RequestStatus.ACTIVE.value:
        raise RequestWithdrawn()
    if data.helper_id == request.person_id:
        raise InvalidPairing("Nobody helps with their own request: choose someone else.")
    if data.helper_id not in set(repository.joined_ids(db, ring=ring)):
        raise InvalidPairing("Pair a participant of this ring.")
    offer = repository.ring_offer_of(db, ring=ring, request_id=request.id, helper_id=data.helper_id)
    explanation = (
        f"Added by a facilitator · offered: “{rules.OFFER_KINDS[RingOfferKind(offer.kind)][1]}”"
        if offer
        else "Added by a facilitator"
    )
    pairing = repository.pairing_between(db, ring=ring, request_id=request.id, helper_id=data.helper_id)
    if pairing is not None and pairing.status != PairingStatus.REMOVED.value:
        raise Conflict("They are already paired for this request.")
    if pairing is None:
        pairing = RingPairing(
            org_id=ring.org_id,
            ring_id=ring.id,
            request_id=request.id,
            helper_id=data.helper_id,
            created_at=now,
        )
        db.add(pairing)
    pairing.source = "offer" if offer else "facilitator"
    pairing.explanation = explanation
    pairing.status = PairingStatus.PROPOSED.value
    db.flush()
    record_event(
        db,
        ring=ring,
        kind="ring.pairing_added",
        payload={"pairing_id": pairing.id, "request_id": request.id, "helper_id": data.helper_id},
        now=now,
    )
    return pairing


def remove_pairing(db: Session, *, actor: Actor, ring_id: int, pairing_id: int, now: datetime) -> None:
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "change pairings")
    pairing = repository.get_pairing(db, ring=ring, pairing_id=pairing_id)
    if pairing.status == PairingStatus.CONFIRMED.value:
        raise Conflict(
            "A confirmed pairing is an accepted offer now: the helper or requester can withdraw it."
        )
    pairing.status = PairingStatus.REMOVED.value
    db.flush()
    record_event(db, ring=ring, kind="ring.pairing_removed", payload={"pairing_id": pairing.id}, now=now)


def confirm_assignment(db: Session, *, actor: Actor, ring_id: int, now: datetime) -> list[RingPairing]:
    """Every proposed pairing becomes an accepted offer on the request's ask (the helper's own offer when
    they made one, else an offer made in the ring's name), so the asks' done/thanks flow and the ledger
    carry it; the ledger also records the ring match, from which the network learns a tie."""
    ring = repository.get_ring_for_update(db, actor=actor, ring_id=ring_id)
    _require_facilitator(db, ring, actor, "confirm the assignment")
    proposed = repository.pairings(db, ring=ring, statuses=[PairingStatus.PROPOSED])
    if not proposed:
        raise NothingToConfirm()
    confirmed = []
    for pairing in proposed:
        request = repository.get_request(db, ring=ring, request_id=pairing.request_id)
        requester = _actor_of(db, org_id=ring.org_id, person_id=request.person_id)
        ask = asks_repo.get_ask(db, actor=requester, ask_id=request.ask_id)
        if request.status != RequestStatus.ACTIVE.value or not ask_rules.accepts_offers(ask.status):
            pairing.status = PairingStatus.REMOVED.value
            continue
        standing = next(
            (
                o
                for o in ask.offers
                if o.helper_id == pairing.helper_id
                and o.status in (OfferStatus.PROPOSED.value, OfferStatus.ACCEPTED.value)
            ),
            None,
        )
        if standing is None:
            helper = _actor_of(db, org_id=ring.org_id, person_id=pairing.helper_id)
            standing = asks_service.offer_help(
                db,
                actor=helper,
                ask_id=ask.id,
                data=OfferCreate(
                    kind=OfferKind.DO,
                    message=f"Paired in the ring “{ring.name}”: {pairing.explanation}"[:2000],
                ),
                now=now,
            )
        if standing.status == OfferStatus.PROPOSED.value:
            asks_service.accept_offer(db, actor=requester, offer_id=standing.id, now=now)
        pairing.status = PairingStatus.CONFIRMED.value
        pairing.offer_id = standing.id
        pairing.confirmed_at = now
        record(
            db,
            org_id=ring.org_id,
            kind=EntryKind.RING_MATCH,
            actor_id=pairing.helper_id,
            subject_id=request.person_id,
            ask_id=ask.id,
            offer_id=standing.id,
            at=now,
            data={"ring_id": ring.id},
        )
        confirmed.append(pairing)
    db.flush()
    record_event(
        db,
        ring=ring,
        kind="ring.assignment_confirmed",
        payload={"pairings": [p.id for p in confirmed]},
        now=now,
    )
    return confirmed


# --- reading a ring ----------------------------------------------------------------------------------


def summary(db: Session, *, ring: Ring) -> RingSummary:
    return RingSummary(
        id=ring.id,
        name=ring.name,
        purpose=ring.purpose,
        mode=ring.mode,
        status=ring.status,
        starts_at=ring.starts_at,
        ends_at=ring.ends_at,
        open_call=ring.open_call,
        participants=len(repository.joined_ids(db, ring=ring)),
        capacity=ring.capacity,
    )


# --- the report --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportView:
    report: RingReport
    ring_figures: rules.Figures
    ordinary_figures: rules.Figures


def _figures_read(f: rules.Figures) -> FiguresRead:
    return FiguresRead(
        count=f.count,
        with_offer=f.with_offer,
        fulfilled_7=f.fulfilled_7,
        fulfilled_30=f.fulfilled_30,
        final_7=f.final_7,
        final_30=f.final_30,
    )


def report(db: Session, *, actor: Actor, ring_id: int, now: datetime) -> ReportView:
    """The ring's figures beside the organization's ordinary asks opened over the same period (from the
    ring's start to 30 days after its end, or now): only counts and shares, never who asked what."""
    ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
    end = ring.closed_at or ring.ends_at
    requests = repository.requests(db, ring=ring)
    facts = repository.ask_facts(db, org_id=ring.org_id, ask_ids=[r.ask_id for r in requests])
    ring_facts = [
        rules.RequestFacts(offers=f.offers, since=end, status=f.status, closed_at=f.closed_at)
        for f in facts.values()
    ]
    period_end = min(now, end + timedelta(days=30))
    ordinary = [
        rules.RequestFacts(offers=f.offers, since=f.opened_at, status=f.status, closed_at=f.closed_at)
        for f in repository.ordinary_ask_facts(db, org_id=ring.org_id, start=ring.starts_at, end=period_end)
        if f.opened_at is not None
    ]
    ring_fig = rules.figures(ring_facts, now=now)
    ordinary_fig = rules.figures(ordinary, now=now)
    members = repository.members(db, ring=ring)
    took_part = {
        m.person_id for m, _ in members if m.status in (MemberStatus.JOINED.value, MemberStatus.LEFT.value)
    }
    requesters = {r.person_id for r in requests}
    leads = repository.lead_ids(db, org_id=ring.org_id, person_ids=took_part)
    confirmed = repository.pairings(db, ring=ring, statuses=[PairingStatus.CONFIRMED])
    pairs = {tuple(sorted(p)) for p in repository.ring_offer_pairs(db, ring=ring)}
    by_request = {r.id: r.person_id for r in requests}
    pairs |= {
        tuple(sorted((p.helper_id, by_request[p.request_id])))
        for p in confirmed
        if p.request_id in by_request
    }
    since = ring.started_at or ring.starts_at
    ties = network_repo.ties_for_pairs(db, org_id=ring.org_id, pairs=[(a, b) for a, b in pairs if a != b])
    new = [key for key, tie in ties.items() if tie.first_at >= since]
    teams = repository.team_sets(db, org_id=ring.org_id, person_ids={p for key in new for p in key})
    cross = [key for key in new if not (teams.get(key[0], frozenset()) & teams.get(key[1], frozenset()))]
    first = next(
        (r for r in sorted(requests, key=lambda r: r.position) if r.status == RequestStatus.ACTIVE.value),
        None,
    )
    built = RingReport(
        ring=summary(db, ring=ring),
        participants=len(took_part),
        requests=len(requests),
        offers=repository.ring_offer_count(db, ring=ring),
        pairings_confirmed=len(confirmed),
        ring_figures=_figures_read(ring_fig),
        ordinary_figures=_figures_read(ordinary_fig),
        new_ties=len(new),
        cross_team_ties=len(cross),
        leaders_participating=len(leads),
        leaders_requesting=len(leads & requesters),
        leader_first=ring.leader_first,
        leader_opened=bool(ring.leader_first and first is not None and first.person_id == ring.leader_id),
        period_start=ring.starts_at,
        period_end=period_end,
    )
    return ReportView(report=built, ring_figures=ring_fig, ordinary_figures=ordinary_fig)


def report_csv_rows(view: ReportView) -> list[list[str]]:
    r = view.report

    def pct(value: float | None) -> str:
        return "" if value is None else f"{value * 100:.1f}"

    return [
        ["measure", "ring", "ordinary asks"],
        ["participants", str(r.participants), ""],
        ["requests", str(r.requests), str(r.ordinary_figures.count)],
        ["offers made in the ring", str(r.offers), ""],
        ["pairings confirmed", str(r.pairings_confirmed), ""],
        [
            "% requests with at least one offer",
            pct(r.ring_figures.with_offer),
            pct(r.ordinary_figures.with_offer),
        ],
        ["% fulfilled by day 7", pct(r.ring_figures.fulfilled_7), pct(r.ordinary_figures.fulfilled_7)],
        ["% fulfilled by day 30", pct(r.ring_figures.fulfilled_30), pct(r.ordinary_figures.fulfilled_30)],
        ["new ties", str(r.new_ties), ""],
        ["new cross-team ties", str(r.cross_team_ties), ""],
        ["team leads taking part", str(r.leaders_participating), ""],
        ["team leads bringing a request", str(r.leaders_requesting), ""],
        ["leader opened the ring", "yes" if r.leader_opened else "no", ""],
    ]


# --- read models for the API and the CLI ----------------------------------------------------------------


def ring_read(db: Session, *, ring: Ring, now: datetime) -> RingRead:
    members = repository.members(db, ring=ring)
    rows = repository.board(db, ring=ring)
    ready = {row.requester_id for row in rows if row.request.status == RequestStatus.ACTIVE.value}
    people = {p.id: p.name for _m, p in members}
    current = next((row for row in rows if row.request.position == ring.current_position), None)
    return RingRead(
        **summary(db, ring=ring).model_dump(),
        guidelines=ring.guidelines,
        leader_first=ring.leader_first,
        leader=PersonRef(id=ring.leader_id, name=people.get(ring.leader_id, "")) if ring.leader_id else None,
        version=ring.version,
        last_seq=ring.event_seq,
        current_request_id=current.request.id if current else None,
        remaining_seconds=remaining_seconds(ring, now=now),
        request_seconds=ring.request_seconds,
        members=[
            MemberRead(
                person=PersonRef(id=p.id, name=p.name),
                status=m.status,
                facilitator=m.facilitator,
                ready=p.id in ready,
            )
            for m, p in members
        ],
        requests=[request_read(row) for row in rows],
    )


def request_read(row: repository.BoardRow) -> RingRequestRead:
    return RingRequestRead(
        id=row.request.id,
        ask_id=row.ask_id,
        title=row.title,
        requester=PersonRef(id=row.requester_id, name=row.requester_name),
        position=row.request.position,
        status=row.request.status,
        offers=[
            RingOfferRead(
                id=o.offer_id,
                helper=PersonRef(id=o.helper_id, name=o.helper_name),
                kind=o.kind,
                label=rules.OFFER_KINDS[RingOfferKind(o.kind)][1],
                note=o.note,
                status=o.status,
            )
            for o in row.offers
        ],
    )
