"""The rings' section of an organization export: each ring with its members, requests, ring offers and
pairings (proposed, removed and confirmed, with their follow-up history).

People are referred to by email, asks by their ``ref`` in the asks section and offers by their
position among their ask's offers, so this section loads after people and asks. The ring's event log
is not exported: it is the live pages' transport, its payloads name this installation's ids, and an
imported ring starts a fresh log (``event_seq`` 0; live pages read from there).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from askwell.asks.transfer import ask_refs, offer_refs
from askwell.people.transfer import ImportContext, Section
from askwell.rings import repository
from askwell.rings.models import (
    MemberStatus,
    PairingStatus,
    RequestStatus,
    Ring,
    RingMember,
    RingMode,
    RingOffer,
    RingOfferKind,
    RingPairing,
    RingRequest,
    RingStatus,
)

Text = Annotated[str, StringConstraints(max_length=5000)]
Email = Annotated[str, StringConstraints(max_length=320)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MemberDoc(_Doc):
    person: Email
    facilitator: bool = False
    status: MemberStatus
    invited_at: AwareDatetime
    joined_at: AwareDatetime | None = None
    left_at: AwareDatetime | None = None
    nudged_at: AwareDatetime | None = None
    digest_at: AwareDatetime | None = None


class RingOfferDoc(_Doc):
    helper: Email
    offer: int = Field(ge=1)  # position among the request's ask's offers
    kind: RingOfferKind
    created_at: AwareDatetime


class PairingDoc(_Doc):
    helper: Email
    source: Annotated[str, StringConstraints(max_length=16)]
    explanation: Text = ""
    status: PairingStatus
    offer: int | None = Field(default=None, ge=1)
    created_at: AwareDatetime
    confirmed_at: AwareDatetime | None = None
    followup_7_at: AwareDatetime | None = None
    followup_30_at: AwareDatetime | None = None


class RequestDoc(_Doc):
    person: Email
    ask: int = Field(ge=1)
    position: int = Field(ge=0)
    status: RequestStatus
    created_at: AwareDatetime
    offers: list[RingOfferDoc] = Field(default_factory=list)
    pairings: list[PairingDoc] = Field(default_factory=list)


class RingDoc(_Doc):
    name: Annotated[str, StringConstraints(max_length=120)]
    purpose: Text = ""
    guidelines: Text = ""
    mode: RingMode
    status: RingStatus
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int = Field(ge=1)
    open_call: bool = False
    leader_first: bool = False
    leader: Email | None = None
    request_seconds: int = Field(ge=1)
    current_position: int | None = None
    current_started_at: AwareDatetime | None = None
    paused_at: AwareDatetime | None = None
    version: int = Field(ge=1)
    created_by: Email
    created_at: AwareDatetime
    updated_at: AwareDatetime
    started_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None
    members: list[MemberDoc] = Field(default_factory=list)
    requests: list[RequestDoc] = Field(default_factory=list)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _export(db: Session, org_id: int) -> list[dict[str, Any]]:
    found = repository.org_rings(db, org_id=org_id)
    email = found.emails
    asks = ask_refs(db, org_id)
    offers = offer_refs(db, org_id)
    rings = found.rings
    members: dict[int, list[RingMember]] = {}
    for m in found.members:
        members.setdefault(m.ring_id, []).append(m)
    requests: dict[int, list[RingRequest]] = {}
    for r in found.requests:
        requests.setdefault(r.ring_id, []).append(r)
    ring_offers: dict[int, list[RingOffer]] = {}
    for o in found.offers:
        ring_offers.setdefault(o.request_id, []).append(o)
    pairings: dict[int, list[RingPairing]] = {}
    for p in found.pairings:
        pairings.setdefault(p.request_id, []).append(p)

    def position(offer_id: int | None) -> int | None:
        return offers[offer_id][1] if offer_id is not None and offer_id in offers else None

    out = []
    for ring in rings:
        out.append(
            {
                "name": ring.name,
                "purpose": ring.purpose,
                "guidelines": ring.guidelines,
                "mode": ring.mode,
                "status": ring.status,
                "starts_at": _iso(ring.starts_at),
                "ends_at": _iso(ring.ends_at),
                "capacity": ring.capacity,
                "open_call": ring.open_call,
                "leader_first": ring.leader_first,
                "leader": email.get(ring.leader_id) if ring.leader_id else None,
                "request_seconds": ring.request_seconds,
                "current_position": ring.current_position,
                "current_started_at": _iso(ring.current_started_at),
                "paused_at": _iso(ring.paused_at),
                "version": ring.version,
                "created_by": email[ring.created_by_id],
                "created_at": _iso(ring.created_at),
                "updated_at": _iso(ring.updated_at),
                "started_at": _iso(ring.started_at),
                "closed_at": _iso(ring.closed_at),
                "members": sorted(
                    (
                        {
                            "person": email[m.person_id],
                            "facilitator": m.facilitator,
                            "status": m.status,
                            "invited_at": _iso(m.invited_at),
                            "joined_at": _iso(m.joined_at),
                            "left_at": _iso(m.left_at),
                            "nudged_at": _iso(m.nudged_at),
                            "digest_at": _iso(m.digest_at),
                        }
                        for m in members.get(ring.id, [])
                    ),
                    key=lambda d: str(d["person"]),
                ),
                "requests": [
                    {
                        "person": email[r.person_id],
                        "ask": asks[r.ask_id],
                        "position": r.position,
                        "status": r.status,
                        "created_at": _iso(r.created_at),
                        "offers": [
                            {
                                "helper": email[o.helper_id],
                                "offer": position(o.offer_id),
                                "kind": o.kind,
                                "created_at": _iso(o.created_at),
                            }
                            for o in ring_offers.get(r.id, [])
                            if position(o.offer_id) is not None
                        ],
                        "pairings": [
                            {
                                "helper": email[p.helper_id],
                                "source": p.source,
                                "explanation": p.explanation,
                                "status": p.status,
                                "offer": position(p.offer_id),
                                "created_at": _iso(p.created_at),
                                "confirmed_at": _iso(p.confirmed_at),
                                "followup_7_at": _iso(p.followup_7_at),
                                "followup_30_at": _iso(p.followup_30_at),
                            }
                            for p in pairings.get(r.id, [])
                        ],
                    }
                    for r in requests.get(ring.id, [])
                ],
            }
        )
    return out


def _load(db: Session, ctx: ImportContext, rings: list[RingDoc]) -> None:
    people, asks, offers = ctx.ids.get("people", {}), ctx.ids.get("asks", {}), ctx.ids.get("offers", {})
    ring_ids: dict[str, int] = {}
    for n, doc in enumerate(rings, start=1):
        ring_id = repository.insert_returning_id(
            db,
            Ring,
            {
                "org_id": ctx.org_id,
                "name": doc.name,
                "purpose": doc.purpose,
                "guidelines": doc.guidelines,
                "mode": doc.mode.value,
                "status": doc.status.value,
                "starts_at": doc.starts_at,
                "ends_at": doc.ends_at,
                "capacity": doc.capacity,
                "open_call": doc.open_call,
                "leader_first": doc.leader_first,
                "leader_id": people[doc.leader] if doc.leader else None,
                "request_seconds": doc.request_seconds,
                "current_position": doc.current_position,
                "current_started_at": doc.current_started_at,
                "paused_at": doc.paused_at,
                "version": doc.version,
                "event_seq": 0,
                "created_by_id": people[doc.created_by],
                "created_at": doc.created_at,
                "updated_at": doc.updated_at,
                "started_at": doc.started_at,
                "closed_at": doc.closed_at,
            },
        )
        ring_ids[str(n)] = ring_id
        repository.insert_many(
            db,
            RingMember,
            [
                {
                    "org_id": ctx.org_id,
                    "ring_id": ring_id,
                    "person_id": people[m.person],
                    "facilitator": m.facilitator,
                    "status": m.status.value,
                    "invited_at": m.invited_at,
                    "joined_at": m.joined_at,
                    "left_at": m.left_at,
                    "nudged_at": m.nudged_at,
                    "digest_at": m.digest_at,
                }
                for m in doc.members
            ],
        )
        for r in doc.requests:
            request_id = repository.insert_returning_id(
                db,
                RingRequest,
                {
                    "org_id": ctx.org_id,
                    "ring_id": ring_id,
                    "person_id": people[r.person],
                    "ask_id": asks[str(r.ask)],
                    "position": r.position,
                    "status": r.status.value,
                    "created_at": r.created_at,
                },
            )
            repository.insert_many(
                db,
                RingOffer,
                [
                    {
                        "org_id": ctx.org_id,
                        "ring_id": ring_id,
                        "request_id": request_id,
                        "offer_id": offers[f"{r.ask}:{o.offer}"],
                        "helper_id": people[o.helper],
                        "kind": o.kind.value,
                        "created_at": o.created_at,
                    }
                    for o in r.offers
                ],
            )
            repository.insert_many(
                db,
                RingPairing,
                [
                    {
                        "org_id": ctx.org_id,
                        "ring_id": ring_id,
                        "request_id": request_id,
                        "helper_id": people[p.helper],
                        "source": p.source,
                        "explanation": p.explanation,
                        "status": p.status.value,
                        "offer_id": offers[f"{r.ask}:{p.offer}"] if p.offer else None,
                        "created_at": p.created_at,
                        "confirmed_at": p.confirmed_at,
                        "followup_7_at": p.followup_7_at,
                        "followup_30_at": p.followup_30_at,
                    }
                    for p in r.pairings
                ],
            )
    ctx.ids["rings"] = ring_ids


def _check(doc: dict[str, Any]) -> list[str]:
    """Every person, ask and offer a ring names must be in the document, before anything is written."""
    emails = {p.email for p in doc.get("people", [])}
    offers_of = {a.ref: len(a.offers) for a in doc.get("asks", [])}
    problems: list[str] = []
    for i, ring in enumerate(doc.get("rings", [])):
        where = f"rings.{i}"
        named = [ring.created_by, ring.leader, *(m.person for m in ring.members)]
        for r in ring.requests:
            named += [r.person, *(o.helper for o in r.offers), *(p.helper for p in r.pairings)]
            if r.ask not in offers_of:
                problems.append(f"{where}: no ask {r.ask} in the document")
                continue
            positions = [o.offer for o in r.offers] + [p.offer for p in r.pairings if p.offer]
            problems += [
                f"{where}: ask {r.ask} has no offer {pos}" for pos in positions if pos > offers_of[r.ask]
            ]
        problems += [f"{where}: no person {e!r} in the document" for e in named if e and e not in emails]
        people = [m.person for m in ring.members]
        if len(set(people)) != len(people):
            problems.append(f"{where}: a member appears more than once")
    return problems


SECTIONS: list[Section] = [Section("rings", TypeAdapter(list[RingDoc]), _export, _load, _check)]
