"""Demo reciprocity rings, written through the rings service: a finished cross-team ring with its
offers, confirmed pairings, help done and thanked, and the D+7 / D+30 follow-ups; and an upcoming
ring that people are preparing for."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from askwell.asks import service as asks_service
from askwell.asks.schemas import AskFinish
from askwell.people import repository as people_repo
from askwell.people.policy import Actor
from askwell.people.repository import actor_for, person_in_org
from askwell.rings import jobs, service
from askwell.rings.models import Ring, RingMode, RingOfferKind, RingRequest
from askwell.rings.schemas import ConsoleAction, ConsoleVerb, RingCreate, RingOfferCreate, RingRequestCreate

if TYPE_CHECKING:  # the step list in build.py imports this module
    from askwell.demo.build import DemoContext

REQUESTS = (
    (
        "Walk me through {skill} before my first on-call",
        "I start on-call next week and {skill} is where I feel least sure. Could someone spend 30 minutes with me by Friday? It would make my first shift much calmer.",
    ),
    (
        "A second pair of eyes on my {skill} proposal",
        "I'm proposing a change to how we use {skill} and want feedback before I share it with leadership on Thursday. 20 minutes of comments would help a lot.",
    ),
    (
        "Who has hired for {skill} before?",
        "We're opening our first {skill} role. Could someone who has hired for it share what worked, in a 20-minute call this week?",
    ),
    (
        "Pair with me on a {skill} bug",
        "I've been stuck two days on a {skill} issue that blocks a customer release. An hour of pairing before Wednesday would unblock me.",
    ),
)
NOTES = ("I did this last quarter", "I know exactly who to ask", "There's a doc I can share", "")


def _actor(ctx: DemoContext, person_id: int) -> Actor:
    person = person_in_org(ctx.db, org_id=ctx.org.id, person_id=person_id)
    if person is None:
        raise LookupError(f"demo person {person_id} vanished")
    return actor_for(ctx.db, person)


def _press(ctx: DemoContext, ring: Ring, facilitator: Actor, action: ConsoleVerb, now: datetime) -> None:
    ctx.db.refresh(ring)
    service.console(
        ctx.db,
        actor=facilitator,
        ring_id=ring.id,
        data=ConsoleAction(action=action, version=ring.version),
        now=now,
    )


def _people(ctx: DemoContext, rng: random.Random) -> tuple[int, list[int], dict[int, str]] | None:
    """A team lead to facilitate, and participants from at least two teams; each person's first skill."""
    db = ctx.db
    memberships = people_repo.team_memberships(db, org_id=ctx.org.id)
    leads = [p for p, _t, lead in memberships if lead]
    teams: dict[int, list[int]] = {}
    for person_id, team_id, _lead in memberships:
        teams.setdefault(team_id, []).append(person_id)
    if not leads or len(teams) < 2:
        return None
    skills: dict[int, str] = {}
    for person_id, name in people_repo.skill_holders(db, org_id=ctx.org.id):
        skills.setdefault(person_id, name)
    facilitator = leads[0]
    pool: list[int] = []
    for members in list(teams.values())[:3]:
        pool.extend(p for p in members if p != facilitator and p not in pool)
    rng.shuffle(pool)
    return facilitator, sorted(pool[:9]), skills


def rings_step(ctx: DemoContext) -> None:
    rng = ctx.rng("rings")
    found = _people(ctx, rng)
    if found is None:
        return
    facilitator_id, participants, skills = found
    if len(participants) < 4:
        return
    _finished_ring(ctx, rng, facilitator_id, participants, skills)
    _upcoming_ring(ctx, rng, facilitator_id, participants, skills)


def _request(rng: random.Random, skill: str) -> RingRequestCreate:
    title, body = rng.choice(REQUESTS)
    return RingRequestCreate(
        title=title.format(skill=skill)[:140], body=body.format(skill=skill), tags=[skill]
    )


def _finished_ring(
    ctx: DemoContext, rng: random.Random, facilitator_id: int, participants: list[int], skills: dict[int, str]
) -> None:
    db = ctx.db
    start = ctx.now - timedelta(days=40)
    fac = _actor(ctx, facilitator_id)
    ring = service.create_ring(
        db,
        actor=fac,
        data=RingCreate(
            name="Cross-team reciprocity ring",
            purpose="One real request each, across Platform, Data and Mobile: get unstuck and meet people.",
            guidelines="Bring one request that matters. Offer freely: help, a person you know, or a resource.",
            mode=RingMode.LIVE,
            starts_at=start,
            duration_minutes=60,
            invite=participants,
            leader_first=True,
        ),
        now=start - timedelta(days=6),
    )
    for person_id in participants:
        service.join(db, actor=_actor(ctx, person_id), ring_id=ring.id, now=start - timedelta(days=5))
    requesters = [facilitator_id, *participants]
    requests = {}
    for i, person_id in enumerate(requesters):
        requests[person_id] = service.submit_request(
            db,
            actor=_actor(ctx, person_id),
            ring_id=ring.id,
            data=_request(rng, skills.get(person_id, "planning")),
            now=start - timedelta(days=3) + timedelta(hours=i),
        )
    _press(ctx, ring, fac, "start", start)
    minute = 0
    for person_id, request in requests.items():
        helpers = [p for p in requesters if p != person_id]
        for helper in rng.sample(helpers, rng.choice([0, 1, 1, 2, 2, 3])):
            minute += 1
            service.make_offer(
                db,
                actor=_actor(ctx, helper),
                ring_id=ring.id,
                request_id=request.id,
                data=RingOfferCreate(kind=rng.choice(list(RingOfferKind)), note=rng.choice(NOTES)),
                now=start + timedelta(minutes=minute),
            )
        if request != list(requests.values())[-1]:
            _press(ctx, ring, fac, "next", start + timedelta(minutes=minute + 1))
    end = start + timedelta(minutes=60)
    _press(ctx, ring, fac, "close", end)
    service.propose_assignment(db, actor=fac, ring_id=ring.id, now=end + timedelta(minutes=10))
    confirmed = service.confirm_assignment(db, actor=fac, ring_id=ring.id, now=end + timedelta(minutes=15))
    # Most help arrives within a week, some within the month; the follow-ups go out between.
    authors = {r.id: r.person_id for r in requests.values()}
    done: set[int] = set()
    for pairing in confirmed:
        author = authors[pairing.request_id]
        if author in done or rng.random() < 0.25:
            continue
        ask_id = requests[author].ask_id
        when = end + timedelta(days=rng.uniform(1, 6))
        asks_service.finish_ask(
            db,
            actor=_actor(ctx, author),
            ask_id=ask_id,
            data=AskFinish(note="Thank you — the ring made this easy to ask."),
            now=when,
        )
        done.add(author)
    jobs.send_follow_ups(db, now=end + timedelta(days=7, hours=1))
    for pairing in confirmed:
        author = authors[pairing.request_id]
        ask = db.get(RingRequest, pairing.request_id)
        if author in done or ask is None or rng.random() < 0.4:
            continue
        asks_service.finish_ask(
            db,
            actor=_actor(ctx, author),
            ask_id=ask.ask_id,
            data=AskFinish(),
            now=end + timedelta(days=rng.uniform(8, 25)),
        )
        done.add(author)
    jobs.send_follow_ups(db, now=end + timedelta(days=30, hours=1))


def _upcoming_ring(
    ctx: DemoContext, rng: random.Random, facilitator_id: int, participants: list[int], skills: dict[int, str]
) -> None:
    db = ctx.db
    fac = _actor(ctx, facilitator_id)
    ring = service.create_ring(
        db,
        actor=fac,
        data=RingCreate(
            name="Spring reciprocity ring",
            purpose="Open to everyone: bring one request, help with others.",
            mode=RingMode.ASYNC,
            starts_at=ctx.now + timedelta(days=5),
            window_days=4,
            open_call=True,
            invite=participants[:6],
            leader_first=True,
        ),
        now=ctx.now - timedelta(days=2),
    )
    for i, person_id in enumerate(participants[:4]):
        service.join(
            db, actor=_actor(ctx, person_id), ring_id=ring.id, now=ctx.now - timedelta(days=1, hours=i)
        )
        if i < 2:
            service.submit_request(
                db,
                actor=_actor(ctx, person_id),
                ring_id=ring.id,
                data=_request(rng, skills.get(person_id, "planning")),
                now=ctx.now - timedelta(hours=20 - i),
            )
