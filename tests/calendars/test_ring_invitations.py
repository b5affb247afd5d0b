"""Live rings send calendar invitations: a job per invitation batch builds one REQUEST per invitee, with
the ring's start in UTC and the same UID as the ring in people's feeds; async rings send none."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.core.edges import Edges
from askwell.core.jobs import Job, JobContext
from askwell.people.models import Person
from askwell.rings import jobs as rings_jobs
from askwell.rings import rules
from askwell.rings import service as rings
from askwell.rings.models import RingMode
from askwell.rings.schemas import RingCreate, RingInvite
from tests.conftest import World


def _jobs(db: Session, kind: str) -> list[Job]:
    db.expire_all()
    return list(db.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


def _zone(db: Session, person: Person, tz: str) -> Person:
    person.timezone = tz
    db.commit()
    return person


def test_live_ring_invitees_get_a_request_and_async_rings_none(
    db: Session, world: World, edges: Edges
) -> None:
    acme = world.org("Acme")
    host = _zone(db, world.person(acme, "Tomo Host"), "Asia/Tokyo")
    lee = _zone(db, world.person(acme, "Lee Angeles"), "America/Los_Angeles")
    kim = world.person(acme, "Kim Later")
    ring = rings.create_ring(
        db,
        actor=world.actor(host),
        data=RingCreate(name="Platform ring", starts_at=datetime(2026, 3, 10, 10, 0), invite=[lee.id]),
        now=world.now,
    )
    rings.create_ring(
        db,
        actor=world.actor(host),
        data=RingCreate(
            name="Async ring", mode=RingMode.ASYNC, starts_at=datetime(2026, 3, 10, 10, 0), invite=[lee.id]
        ),
        now=world.now,
    )
    db.commit()
    queued = _jobs(db, rings.INVITATION_JOB)
    assert [j.payload for j in queued] == [{"ring_id": ring.id, "people": [lee.id]}]

    # A later invitation to the same ring: its own job, for the new invitee only.
    rings.invite(
        db, actor=world.actor(host), ring_id=ring.id, data=RingInvite(people=[kim.id, lee.id]), now=world.now
    )
    db.commit()
    queued = _jobs(db, rings.INVITATION_JOB)
    assert queued[-1].payload == {"ring_id": ring.id, "people": [kim.id]}

    # Another organization's person named in a payload is skipped.
    outsider = world.person(world.org("Globex"), "Gus Globex")
    before = len(_jobs(db, "email.send"))
    ctx = JobContext(edges=replace(edges, base_url="https://askwell.example.com"))
    rings_jobs.send_invitations(db, {"ring_id": ring.id, "people": [lee.id, outsider.id]}, ctx)
    db.commit()
    mails = _jobs(db, "email.send")[before:]
    assert [m.payload["to"] for m in mails] == [lee.email]
    mail = mails[0].payload
    assert mail["subject"].startswith("Ring at ") and mail["subject"].endswith(": Platform ring")
    attachment = mail["attachments"][0]
    assert attachment["content_type"].startswith("text/calendar; method=REQUEST")
    cal = Calendar.from_ical(attachment["content"])
    cal.validate()
    event = cal.walk("VEVENT")[0]
    assert str(cal["method"]) == "REQUEST"
    assert str(event["uid"]) == rules.calendar_uid(acme.id, ring.id)
    assert int(event["sequence"]) == 0
    # 10:00 in Tokyo (the host's zone) is 01:00 UTC, whoever reads it.
    assert event.decoded("dtstart") == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    assert str(event["url"]) == f"https://askwell.example.com/rings/{ring.id}"
    attendees = event["attendee"] if isinstance(event["attendee"], list) else [event["attendee"]]
    assert [str(a) for a in attendees] == [f"mailto:{lee.email}"]
    assert outsider.email not in attachment["content"]
