"""Automation of rings, run by the worker on a schedule. Each job is idempotent.

* ``rings.digest``: while an async ring is open, each participant gets at most one inbox item (and an
  email when they want one and SMTP is set) a day listing new requests from others.
* ``rings.follow_up``: 7 and 30 days after a ring closes, each confirmed pairing's requester is asked
  "was it fulfilled? thank your helper" and its helper "did you follow through?".

Each reminder is claimed with a conditional UPDATE (``... WHERE <column> IS NULL``), so two workers,
or a job run twice, tell each person once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.asks.models import Ask, Offer, OfferStatus
from askwell.asks.rules import CLOSED
from askwell.core.edges import Attachment
from askwell.core.events import RingDigest, RingFollowUp, emit
from askwell.core.jobs import JobContext, JobRegistry, enqueue
from askwell.core.localtime import local_time
from askwell.integrations import ics
from askwell.integrations.email import attachments_to_payload
from askwell.people import repository as people_repo
from askwell.rings import repository, rules
from askwell.rings.models import Ring, RingPairing, RingRequest, RingStatus

COLUMNS = {7: "followup_7_at", 30: "followup_30_at"}


def _active(db: Session, *, org_id: int, person_id: int) -> bool:
    return people_repo.person_in_org(db, org_id=org_id, person_id=person_id) is not None


def send_digests(db: Session, *, now: datetime) -> int:
    """One digest per participant of each open async ring, when others brought requests since the last."""
    sent = 0
    for ring in repository.open_async_rings(db):
        for member in repository.joined_members(db, ring=ring):
            since = member.digest_at  # the first digest lists everything brought so far
            if member.digest_at is not None and member.digest_at > now - rules.DIGEST_EVERY:
                continue
            fresh = [
                r
                for r in repository.new_requests_since(db, ring=ring, since=since)
                if r.person_id != member.person_id
            ]
            if not fresh:
                continue
            claimed = repository.claim_digest(db, member=member, now=now)
            if not claimed:
                continue
            if _active(db, org_id=ring.org_id, person_id=member.person_id):
                emit(db, RingDigest(org_id=ring.org_id, at=now, ring_id=ring.id, person_id=member.person_id))
                sent += 1
    return sent


def send_follow_ups(db: Session, *, now: datetime) -> int:
    sent = 0
    for days, column in COLUMNS.items():
        for pairing in repository.follow_up_pairings(
            db, column=column, closed_before=now - timedelta(days=days)
        ):
            if not repository.claim_follow_up(db, pairing=pairing, column=column, now=now):
                continue
            sent += _follow_up(db, pairing=pairing, days=days, now=now)
    return sent


def _follow_up(db: Session, *, pairing: RingPairing, days: int, now: datetime) -> int:
    """Tell whoever still has something to do: a requester whose ask is open, a helper not yet done."""
    request = db.get(RingRequest, pairing.request_id)
    ring = db.get(Ring, pairing.ring_id)
    if request is None or ring is None or request.org_id != pairing.org_id:
        return 0
    ask = db.get(Ask, request.ask_id)
    offer = db.get(Offer, pairing.offer_id) if pairing.offer_id is not None else None
    sent = 0
    told: list[tuple[int, int]] = []
    if ask is not None and ask.status not in {s.value for s in CLOSED}:
        told.append((request.person_id, pairing.helper_id))  # was it fulfilled? thank your helper
    if ask is not None and offer is not None and offer.status == OfferStatus.ACCEPTED.value:
        told.append((pairing.helper_id, request.person_id))  # did you follow through?
    for person_id, other_id in told:
        if ask is None or not _active(db, org_id=pairing.org_id, person_id=person_id):
            continue
        event = RingFollowUp(
            org_id=pairing.org_id,
            at=now,
            ring_id=ring.id,
            person_id=person_id,
            ask_id=ask.id,
            other_id=other_id,
        )
        emit(db, event)
        sent += 1
    return sent


def send_invitations(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
    """Email each new invitee of a live ring its calendar invitation (METHOD:REQUEST): one email job per
    person, so a failing address does not resend to the others."""
    ring = db.get(Ring, int(payload["ring_id"]))
    if ring is None or ring.status == RingStatus.CLOSED.value:
        return
    organizer = people_repo.person_in_org(db, org_id=ring.org_id, person_id=ring.created_by_id)
    link = f"{ctx.edges.base_url.rstrip('/')}/rings/{ring.id}"
    now = ctx.clock.now()
    # Only people of the ring's own organization, whatever ids the payload holds.
    for raw_id in payload.get("people", []):
        person = people_repo.person_in_org(db, org_id=ring.org_id, person_id=int(raw_id))
        if person is None or person.is_erased:
            continue
        invitation = ics.Invitation(
            uid=rules.calendar_uid(ring.org_id, ring.id),
            sequence=0,
            summary=f"Ring: {ring.name}",
            description=ring.purpose,
            starts_at=ring.starts_at,
            ends_at=ring.ends_at,
            link=link,
            organizer=ics.Party(organizer.name, organizer.email)
            if organizer
            else ics.Party("Askwell", "askwell@localhost"),
            attendees=(ics.Party(person.name, person.email),),
            stamp=now,
        )
        text = ics.build(invitation, method=ics.Method.REQUEST)
        attachment = Attachment(
            filename="ring.ics", content_type=ics.content_type(ics.Method.REQUEST), content=text
        )
        when = local_time(ring.starts_at, person.timezone, label=True)
        enqueue(
            db,
            "email.send",
            {
                "to": person.email,
                "subject": f"Ring at {when}: {ring.name}"[:200],
                "body": f"You are invited to the ring “{ring.name}” at {when}.\n\n{link}\n\n"
                "The invitation is attached for your calendar.",
                "attachments": attachments_to_payload((attachment,)),
            },
            now=now,
            org_id=ring.org_id,
        )


def _job(fn: Any) -> Any:
    def handler(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
        fn(db, now=ctx.clock.now())

    return handler


def register(registry: JobRegistry) -> None:
    registry.add("rings.digest", _job(send_digests))
    registry.add("rings.follow_up", _job(send_follow_ups))
    registry.add("rings.invitation", send_invitations)
    registry.schedule("rings.digest", timedelta(hours=1))
    registry.schedule("rings.follow_up", timedelta(hours=1))
