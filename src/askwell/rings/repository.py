"""Every query of the rings domain, scoped to the acting person's organization and rings.

A ring is visible to its organization's admins, to its members (invited, joined, left or hosting) and,
for an open call, to everyone in the organization; to anyone else it does not exist (404).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, false, func, insert, or_, select, true, update
from sqlalchemy.orm import Session

from askwell.asks.models import Ask, AskStatus, Offer
from askwell.core.db import rows_affected
from askwell.people.models import Person, TeamMembership
from askwell.people.policy import Actor
from askwell.rings.errors import PairingNotFound, RingNotFound, RingRequestNotFound
from askwell.rings.models import (
    MemberStatus,
    PairingStatus,
    RequestStatus,
    Ring,
    RingEvent,
    RingMember,
    RingMode,
    RingOffer,
    RingPairing,
    RingRequest,
    RingStatus,
)

MAX_LIST = 100
MAX_EVENTS = 500


def _visible(actor: Actor) -> ColumnElement[bool]:
    mine = select(RingMember.ring_id).where(
        RingMember.org_id == actor.org_id, RingMember.person_id == actor.person_id
    )
    return (Ring.org_id == actor.org_id) & or_(
        true() if actor.is_admin else false(), Ring.open_call.is_(True), Ring.id.in_(mine)
    )


def visible_rings(actor: Actor) -> Select[Ring]:
    """Rings this person may see: open calls of their organization, rings they belong to; admins all."""
    return select(Ring).where(_visible(actor))


def list_rings(db: Session, *, actor: Actor, limit: int = 50) -> list[Ring]:
    return list(
        db.scalars(
            visible_rings(actor)
            .order_by(Ring.starts_at.desc(), Ring.id.desc())
            .limit(max(1, min(limit, MAX_LIST)))
        )
    )


def get_ring(db: Session, *, actor: Actor, ring_id: int) -> Ring:
    ring = db.scalar(visible_rings(actor).where(Ring.id == ring_id).execution_options(populate_existing=True))
    if ring is None:
        raise RingNotFound()
    return ring


def get_ring_for_update(db: Session, *, actor: Actor, ring_id: int) -> Ring:
    """As ``get_ring``, locking the row (PostgreSQL) so changes to one ring serialise."""
    ring = db.scalar(
        visible_rings(actor)
        .where(Ring.id == ring_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if ring is None:
        raise RingNotFound()
    return ring


def member(db: Session, *, ring: Ring, person_id: int) -> RingMember | None:
    return db.scalar(
        select(RingMember).where(
            RingMember.org_id == ring.org_id, RingMember.ring_id == ring.id, RingMember.person_id == person_id
        )
    )


def members(db: Session, *, ring: Ring) -> list[tuple[RingMember, Person]]:
    """Everyone in the ring with their person row, by name (one query)."""
    rows = db.execute(
        select(RingMember, Person)
        .join(Person, (Person.org_id == RingMember.org_id) & (Person.id == RingMember.person_id))
        .where(RingMember.org_id == ring.org_id, RingMember.ring_id == ring.id)
        .order_by(Person.sort_name, Person.id)
    ).all()
    return [(m, p) for m, p in rows]


def joined_ids(db: Session, *, ring: Ring) -> list[int]:
    return list(
        db.scalars(
            select(RingMember.person_id).where(
                RingMember.org_id == ring.org_id,
                RingMember.ring_id == ring.id,
                RingMember.status == MemberStatus.JOINED.value,
            )
        )
    )


def audience_ids(db: Session, *, ring: Ring) -> list[int]:
    """Who sees the ring's requests: participants and facilitators (not those who left or only invited)."""
    return list(
        db.scalars(
            select(RingMember.person_id).where(
                RingMember.org_id == ring.org_id,
                RingMember.ring_id == ring.id,
                or_(
                    RingMember.status.in_([MemberStatus.JOINED.value, MemberStatus.HOSTING.value]),
                    RingMember.facilitator.is_(True),
                ),
            )
        )
    )


def is_facilitator(db: Session, *, ring: Ring, person_id: int) -> bool:
    found = member(db, ring=ring, person_id=person_id)
    return found is not None and found.facilitator


def requests(db: Session, *, ring: Ring, active_only: bool = False) -> list[RingRequest]:
    stmt = select(RingRequest).where(RingRequest.org_id == ring.org_id, RingRequest.ring_id == ring.id)
    if active_only:
        stmt = stmt.where(RingRequest.status == RequestStatus.ACTIVE.value)
    return list(db.scalars(stmt.order_by(RingRequest.position, RingRequest.created_at, RingRequest.id)))


def get_request(db: Session, *, ring: Ring, request_id: int) -> RingRequest:
    found = db.scalar(
        select(RingRequest).where(
            RingRequest.org_id == ring.org_id, RingRequest.ring_id == ring.id, RingRequest.id == request_id
        )
    )
    if found is None:
        raise RingRequestNotFound()
    return found


def request_of(db: Session, *, ring: Ring, person_id: int) -> RingRequest | None:
    return db.scalar(
        select(RingRequest).where(
            RingRequest.org_id == ring.org_id,
            RingRequest.ring_id == ring.id,
            RingRequest.person_id == person_id,
        )
    )


def request_at(db: Session, *, ring: Ring, position: int | None) -> RingRequest | None:
    if position is None:
        return None
    return db.scalar(
        select(RingRequest).where(
            RingRequest.org_id == ring.org_id,
            RingRequest.ring_id == ring.id,
            RingRequest.position == position,
        )
    )


@dataclass(frozen=True)
class OfferLine:
    offer_id: int
    helper_id: int
    helper_name: str
    kind: str  # the ring's kind (help, know_someone, resource)
    note: str
    status: str  # the ask offer's status


@dataclass(frozen=True)
class BoardRow:
    request: RingRequest
    ask_id: int
    title: str
    body: str
    ask_status: str
    tags: tuple[str, ...]
    requester_id: int
    requester_name: str
    offers: tuple[OfferLine, ...]


def board(db: Session, *, ring: Ring) -> list[BoardRow]:
    """Requests × offers: the ring's requests in session order with their ring offers (three queries)."""
    reqs = requests(db, ring=ring)
    ask_ids = [r.ask_id for r in reqs]
    asks = {
        a.id: a for a in db.scalars(select(Ask).where(Ask.org_id == ring.org_id, Ask.id.in_(ask_ids or [-1])))
    }
    names = dict(
        db.execute(
            select(Person.id, Person.name).where(
                Person.org_id == ring.org_id, Person.id.in_({r.person_id for r in reqs} or {-1})
            )
        ).all()
    )
    lines: dict[int, list[OfferLine]] = {}
    for ring_offer, offer, name in db.execute(
        select(RingOffer, Offer, Person.name)
        .join(Offer, (Offer.org_id == RingOffer.org_id) & (Offer.id == RingOffer.offer_id))
        .join(Person, (Person.org_id == RingOffer.org_id) & (Person.id == RingOffer.helper_id))
        .where(RingOffer.org_id == ring.org_id, RingOffer.ring_id == ring.id)
        .order_by(RingOffer.id)
    ).all():
        lines.setdefault(ring_offer.request_id, []).append(
            OfferLine(offer.id, ring_offer.helper_id, name, ring_offer.kind, offer.message, offer.status)
        )
    tags = _tags(db, org_id=ring.org_id, ask_ids=ask_ids)
    return [
        BoardRow(
            request=r,
            ask_id=r.ask_id,
            title=asks[r.ask_id].title,
            body=asks[r.ask_id].body,
            ask_status=asks[r.ask_id].status,
            tags=tags.get(r.ask_id, ()),
            requester_id=r.person_id,
            requester_name=names.get(r.person_id, ""),
            offers=tuple(lines.get(r.id, ())),
        )
        for r in reqs
        if r.ask_id in asks
    ]


def _tags(db: Session, *, org_id: int, ask_ids: list[int]) -> dict[int, tuple[str, ...]]:
    from askwell.asks.models import AskTag

    out: dict[int, list[str]] = {}
    for ask_id, name in db.execute(
        select(AskTag.ask_id, AskTag.name)
        .where(AskTag.org_id == org_id, AskTag.ask_id.in_(ask_ids or [-1]))
        .order_by(AskTag.ask_id, AskTag.position)
    ).all():
        out.setdefault(ask_id, []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def ring_offer_of(db: Session, *, ring: Ring, request_id: int, helper_id: int) -> RingOffer | None:
    """The helper's ring offer on a request that is still standing (proposed, accepted or done)."""
    return db.scalar(
        select(RingOffer)
        .join(Offer, (Offer.org_id == RingOffer.org_id) & (Offer.id == RingOffer.offer_id))
        .where(
            RingOffer.org_id == ring.org_id,
            RingOffer.ring_id == ring.id,
            RingOffer.request_id == request_id,
            RingOffer.helper_id == helper_id,
            Offer.status.in_(["proposed", "accepted", "done"]),
        )
    )


def open_offers_by(db: Session, *, ring: Ring, helper_id: int) -> list[int]:
    """Offer ids the helper made in this ring that still wait for an answer."""
    return list(
        db.scalars(
            select(Offer.id)
            .join(RingOffer, (Offer.org_id == RingOffer.org_id) & (Offer.id == RingOffer.offer_id))
            .where(
                RingOffer.org_id == ring.org_id,
                RingOffer.ring_id == ring.id,
                RingOffer.helper_id == helper_id,
                Offer.status == "proposed",
            )
        )
    )


def pairings(db: Session, *, ring: Ring, statuses: Iterable[PairingStatus]) -> list[RingPairing]:
    return list(
        db.scalars(
            select(RingPairing)
            .where(
                RingPairing.org_id == ring.org_id,
                RingPairing.ring_id == ring.id,
                RingPairing.status.in_([s.value for s in statuses]),
            )
            .order_by(RingPairing.request_id, RingPairing.id)
        )
    )


def get_pairing(db: Session, *, ring: Ring, pairing_id: int) -> RingPairing:
    found = db.scalar(
        select(RingPairing).where(
            RingPairing.org_id == ring.org_id, RingPairing.ring_id == ring.id, RingPairing.id == pairing_id
        )
    )
    if found is None:
        raise PairingNotFound()
    return found


def pairing_between(db: Session, *, ring: Ring, request_id: int, helper_id: int) -> RingPairing | None:
    return db.scalar(
        select(RingPairing).where(
            RingPairing.org_id == ring.org_id,
            RingPairing.ring_id == ring.id,
            RingPairing.request_id == request_id,
            RingPairing.helper_id == helper_id,
        )
    )


def names(db: Session, *, org_id: int, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    return dict(
        db.execute(
            select(Person.id, Person.name).where(Person.org_id == org_id, Person.id.in_(wanted or {-1}))
        ).all()
    )


def events_after(db: Session, *, ring: Ring, after: int, limit: int = MAX_EVENTS) -> list[RingEvent]:
    return list(
        db.scalars(
            select(RingEvent)
            .where(RingEvent.org_id == ring.org_id, RingEvent.ring_id == ring.id, RingEvent.seq > after)
            .order_by(RingEvent.seq)
            .limit(max(1, min(limit, MAX_EVENTS)))
        )
    )


def lead_ids(db: Session, *, org_id: int, person_ids: Iterable[int]) -> set[int]:
    """Which of these people lead a team."""
    return set(
        db.scalars(
            select(TeamMembership.person_id).where(
                TeamMembership.org_id == org_id,
                TeamMembership.person_id.in_(set(person_ids) or {-1}),
                TeamMembership.is_lead.is_(True),
            )
        )
    )


def team_sets(db: Session, *, org_id: int, person_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    out: dict[int, set[int]] = {}
    for person_id, team_id in db.execute(
        select(TeamMembership.person_id, TeamMembership.team_id).where(
            TeamMembership.org_id == org_id, TeamMembership.person_id.in_(set(person_ids) or {-1})
        )
    ).all():
        out.setdefault(person_id, set()).add(team_id)
    return {k: frozenset(v) for k, v in out.items()}


def team_member_ids(db: Session, *, org_id: int, team_ids: Iterable[int]) -> list[int]:
    return list(
        db.scalars(
            select(TeamMembership.person_id)
            .join(Person, (Person.org_id == TeamMembership.org_id) & (Person.id == TeamMembership.person_id))
            .where(
                TeamMembership.org_id == org_id,
                TeamMembership.team_id.in_(set(team_ids) or {-1}),
                Person.is_active.is_(True),
            )
            .distinct()
        )
    )


@dataclass(frozen=True)
class AskFacts:
    ask_id: int
    author_id: int
    status: str
    opened_at: datetime | None
    closed_at: datetime | None
    offers: int


def ask_facts(db: Session, *, org_id: int, ask_ids: Iterable[int]) -> dict[int, AskFacts]:
    ids = set(ask_ids)
    counts = _offer_counts(db, org_id=org_id, ask_ids=ids)
    return {
        a.id: AskFacts(a.id, a.author_id, a.status, a.opened_at, a.closed_at, counts.get(a.id, 0))
        for a in db.scalars(select(Ask).where(Ask.org_id == org_id, Ask.id.in_(ids or {-1})))
    }


def _offer_counts(db: Session, *, org_id: int, ask_ids: set[int]) -> dict[int, int]:
    return dict(
        db.execute(
            select(Offer.ask_id, func.count())
            .where(Offer.org_id == org_id, Offer.ask_id.in_(ask_ids or {-1}))
            .group_by(Offer.ask_id)
        ).all()
    )


def ordinary_ask_facts(db: Session, *, org_id: int, start: datetime, end: datetime) -> list[AskFacts]:
    """The organization's asks opened in the period that are not ring requests, for comparison."""
    ring_asks = select(RingRequest.ask_id).where(RingRequest.org_id == org_id)
    asks = list(
        db.scalars(
            select(Ask).where(
                Ask.org_id == org_id,
                Ask.status != AskStatus.DRAFT.value,
                Ask.opened_at.is_not(None),
                Ask.opened_at >= start,
                Ask.opened_at <= end,
                Ask.id.not_in(ring_asks),
            )
        )
    )
    counts = _offer_counts(db, org_id=org_id, ask_ids={a.id for a in asks})
    return [
        AskFacts(a.id, a.author_id, a.status, a.opened_at, a.closed_at, counts.get(a.id, 0)) for a in asks
    ]


def ring_offer_pairs(db: Session, *, ring: Ring) -> list[tuple[int, int]]:
    """(helper, requester) of every offer made in the ring."""
    return [
        (h, r)
        for h, r in db.execute(
            select(RingOffer.helper_id, RingRequest.person_id)
            .join(
                RingRequest,
                (RingRequest.org_id == RingOffer.org_id) & (RingRequest.id == RingOffer.request_id),
            )
            .where(RingOffer.org_id == ring.org_id, RingOffer.ring_id == ring.id)
        ).all()
    ]


def ring_offer_count(db: Session, *, ring: Ring) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(RingOffer)
            .where(RingOffer.org_id == ring.org_id, RingOffer.ring_id == ring.id)
        )
        or 0
    )


# --- for the worker's jobs: system-wide scans, each row then handled in its own organization -------


def closed_rings_since(db: Session, *, closed_after: datetime) -> list[Ring]:
    return list(
        db.scalars(select(Ring).where(Ring.status == RingStatus.CLOSED.value, Ring.closed_at >= closed_after))
    )


def follow_up_pairings(
    db: Session, *, column: str, closed_before: datetime, limit: int = 500
) -> list[RingPairing]:
    """Confirmed pairings of rings closed before the moment whose follow-up (by column) is not yet sent."""
    sent = getattr(RingPairing, column)
    return list(
        db.scalars(
            select(RingPairing)
            .join(Ring, (Ring.org_id == RingPairing.org_id) & (Ring.id == RingPairing.ring_id))
            .where(
                RingPairing.status == PairingStatus.CONFIRMED.value,
                sent.is_(None),
                Ring.status == RingStatus.CLOSED.value,
                Ring.closed_at <= closed_before,
            )
            .order_by(RingPairing.id)
            .limit(limit)
        )
    )


def open_async_rings(db: Session) -> list[Ring]:
    return list(
        db.scalars(
            select(Ring).where(Ring.mode == RingMode.ASYNC.value, Ring.status == RingStatus.OPEN.value)
        )
    )


def new_requests_since(db: Session, *, ring: Ring, since: datetime | None) -> list[RingRequest]:
    stmt = select(RingRequest).where(
        RingRequest.org_id == ring.org_id,
        RingRequest.ring_id == ring.id,
        RingRequest.status == RequestStatus.ACTIVE.value,
    )
    if since is not None:
        stmt = stmt.where(RingRequest.created_at > since)
    return list(db.scalars(stmt.order_by(RingRequest.id)))


def joined_members(db: Session, *, ring: Ring) -> list[RingMember]:
    return list(
        db.scalars(
            select(RingMember).where(
                RingMember.org_id == ring.org_id,
                RingMember.ring_id == ring.id,
                RingMember.status == MemberStatus.JOINED.value,
            )
        )
    )


# --- writes that must be conditional or atomic (the service's and jobs' own statements) --------------


def next_event_seq(db: Session, *, ring: Ring) -> int:
    """The next number in the ring's event log, taken under the ring row's write lock (gap-free)."""
    seq = db.execute(
        update(Ring)
        .where(Ring.org_id == ring.org_id, Ring.id == ring.id)
        .values(event_seq=Ring.event_seq + 1)
        .returning(Ring.event_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return int(seq)


def last_position(db: Session, *, ring: Ring) -> int | None:
    return db.scalar(
        select(func.max(RingRequest.position)).where(
            RingRequest.org_id == ring.org_id, RingRequest.ring_id == ring.id
        )
    )


def next_active_position(db: Session, *, ring: Ring) -> int | None:
    return db.scalar(
        select(func.min(RingRequest.position)).where(
            RingRequest.org_id == ring.org_id,
            RingRequest.ring_id == ring.id,
            RingRequest.status == RequestStatus.ACTIVE.value,
            RingRequest.position > (ring.current_position or 0),
        )
    )


def advance_version(db: Session, *, ring: Ring, version: int, values: dict[str, Any]) -> bool:
    """Apply a console step only if nobody else moved the ring since ``version`` (exactly one advance)."""
    result = db.execute(
        update(Ring)
        .where(Ring.org_id == ring.org_id, Ring.id == ring.id, Ring.version == version)
        .values(**values, version=Ring.version + 1)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


def renumber_requests(db: Session, *, ring: Ring, positions: list[int]) -> None:
    """Active requests numbered 1..n in the given order; withdrawn ones after them."""
    for n, request_id in enumerate(positions, start=1):
        db.execute(
            update(RingRequest)
            .where(RingRequest.org_id == ring.org_id, RingRequest.id == request_id)
            .values(position=n)
            .execution_options(synchronize_session=False)
        )
    db.execute(
        update(RingRequest)
        .where(
            RingRequest.org_id == ring.org_id,
            RingRequest.ring_id == ring.id,
            RingRequest.status != RequestStatus.ACTIVE.value,
        )
        .values(position=len(positions) + 1)
        .execution_options(synchronize_session=False)
    )


def delete_proposed_pairings(db: Session, *, ring: Ring) -> None:
    db.execute(
        delete(RingPairing).where(
            RingPairing.org_id == ring.org_id,
            RingPairing.ring_id == ring.id,
            RingPairing.status == PairingStatus.PROPOSED.value,
        )
    )


def last_event_payload(db: Session, *, ring: Ring, kind: str) -> Any:
    return db.scalar(
        select(RingEvent.payload)
        .where(RingEvent.org_id == ring.org_id, RingEvent.ring_id == ring.id, RingEvent.kind == kind)
        .order_by(RingEvent.seq.desc())
        .limit(1)
    )


def _won(db: Session, stmt: Any) -> bool:
    return rows_affected(db.execute(stmt.execution_options(synchronize_session=False))) == 1


def claim_digest(db: Session, *, member: RingMember, now: datetime) -> bool:
    """One digest per member per period, whichever worker gets there first."""
    return _won(
        db,
        update(RingMember)
        .where(
            RingMember.id == member.id,
            or_(RingMember.digest_at.is_(None), RingMember.digest_at == member.digest_at),
        )
        .values(digest_at=now),
    )


def claim_follow_up(db: Session, *, pairing: RingPairing, column: str, now: datetime) -> bool:
    """The D+7 or D+30 follow-up of a pairing, once (``column`` is followup_7_at or followup_30_at)."""
    sent_column = getattr(RingPairing, column)
    return _won(
        db,
        update(RingPairing).where(RingPairing.id == pairing.id, sent_column.is_(None)).values({column: now}),
    )


# --- the organization export (rings.transfer) ----------------------------------------------------------


@dataclass(frozen=True)
class OrgRings:
    """Everything of an organization's rings an export carries, each list in a stable order."""

    emails: dict[int, str]
    rings: list[Ring]
    members: list[RingMember]
    requests: list[RingRequest]
    offers: list[RingOffer]
    pairings: list[RingPairing]


def org_rings(db: Session, *, org_id: int) -> OrgRings:
    """One organization's rings for its export (an admin-only, whole-organization read)."""
    return OrgRings(
        emails={i: e for i, e in db.execute(select(Person.id, Person.email).where(Person.org_id == org_id))},
        rings=list(db.scalars(select(Ring).where(Ring.org_id == org_id).order_by(Ring.created_at, Ring.id))),
        members=list(
            db.scalars(select(RingMember).where(RingMember.org_id == org_id).order_by(RingMember.id))
        ),
        requests=list(
            db.scalars(
                select(RingRequest)
                .where(RingRequest.org_id == org_id)
                .order_by(RingRequest.created_at, RingRequest.id)
            )
        ),
        offers=list(
            db.scalars(
                select(RingOffer)
                .where(RingOffer.org_id == org_id)
                .order_by(RingOffer.created_at, RingOffer.id)
            )
        ),
        pairings=list(
            db.scalars(
                select(RingPairing)
                .where(RingPairing.org_id == org_id)
                .order_by(RingPairing.created_at, RingPairing.id)
            )
        ),
    )


def insert_returning_id(db: Session, model: type[Ring] | type[RingRequest], values: dict[str, Any]) -> int:
    """One imported ring or request; its new id (the rows under it point at it)."""
    new_id = db.scalar(insert(model).values(**values).returning(model.id))
    assert new_id is not None
    return int(new_id)


def insert_many(
    db: Session, model: type[RingMember] | type[RingOffer] | type[RingPairing], rows: list[dict[str, Any]]
) -> None:
    """Imported members, ring offers or pairings, in one statement."""
    if rows:
        db.execute(insert(model), rows)
