"""Demo routing and huddles, written through their services: a teammate's stand-up need routed to the
known member (waiting on their "Asked of me" page), and a huddle the member called last working day,
joined, resolved and thanked."""

from __future__ import annotations

from datetime import time, timedelta
from typing import TYPE_CHECKING

from askwell.asks import service as asks_service
from askwell.asks.schemas import AskCreate
from askwell.core.clock import local_at
from askwell.core.config import Settings
from askwell.core.events import HelpNeededConfirmed
from askwell.core.localtime import zone
from askwell.huddles import service as huddles
from askwell.huddles.errors import NobodyInWorkingHours
from askwell.huddles.schemas import HuddleAnswer, HuddleCreate, HuddleOutcome
from askwell.people.policy import Actor
from askwell.people.repository import actor_for, person_in_org
from askwell.routing import repository as routing_repo
from askwell.routing import service as routing
from askwell.routing.schemas import RouteSuggest

if TYPE_CHECKING:  # the step list in build.py imports this module
    from askwell.demo.build import DemoContext

NEED = (
    "Our webhook signature check fails since the provider rotated keys",
    "Stand-up: blocked on the payment provider's webhook signature; the docs and our code disagree. "
    "30 minutes with someone who has done it would unblock the release.",
)
TOPIC = "Flaky integration tests: the queue consumer times out in CI only"


def _actor(ctx: DemoContext, person_id: int) -> Actor:
    person = person_in_org(ctx.db, org_id=ctx.org.id, person_id=person_id)
    if person is None:
        raise LookupError(f"demo person {person_id} vanished")
    return actor_for(ctx.db, person)


def routing_and_huddles_step(ctx: DemoContext) -> None:
    known = {a.role: ctx.person_ids.get(a.email) for a in ctx.known}
    member_id = known.get("member")
    if member_id is None:
        return
    member = _actor(ctx, member_id)
    if member.teams:
        _routed_need(ctx, member, team_id=min(member.teams))
    _past_huddle(ctx, member)


def _routed_need(ctx: DemoContext, member: Actor, *, team_id: int) -> None:
    db = ctx.db
    mates = [p.id for p in routing_repo.team_people(db, org_id=ctx.org.id, team_id=team_id)]
    authors = [p for p in mates if p != member.person_id]
    if not authors:
        return
    at = ctx.now - timedelta(hours=3)
    author = _actor(ctx, authors[0])
    ask = asks_service.create_ask(
        db, actor=author, data=AskCreate(title=NEED[0], body=NEED[1], due=ctx.now + timedelta(days=3)), now=at
    )
    event = HelpNeededConfirmed(
        org_id=ctx.org.id, at=at, ask_id=ask.id, author_id=author.person_id, team_id=team_id, checkin_id=0
    )
    routes = routing.route_help_needed(db, event=event, encode=None)
    if routes and member.person_id not in {r.person_id for r in routes}:
        # The first peer knows the member is the one to ask: the member's page has it waiting.
        first = _actor(ctx, routes[0].person_id)
        routing.suggest(
            db, actor=first, route_id=routes[0].id, data=RouteSuggest(person_id=member.person_id), now=at
        )


def _past_huddle(ctx: DemoContext, member: Actor) -> None:
    person = person_in_org(ctx.db, org_id=ctx.org.id, person_id=member.person_id)
    if person is None:
        return
    tz = zone(person.timezone)
    day = (ctx.now - timedelta(days=1)).astimezone(tz).date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    called = local_at(day, time(10, 0), tz)
    try:
        huddle = huddles.call_huddle(
            ctx.db,
            actor=member,
            data=HuddleCreate(topic=TOPIC),
            now=called,
            encode=None,
            link_template=Settings().huddle_link_template,
        )
    except NobodyInWorkingHours:
        return
    read = huddles.get(ctx.db, actor=member, huddle_id=huddle.id)
    joined = [i.person_id for i in read.invites][:1]
    for person_id in joined:
        huddles.answer(
            ctx.db,
            actor=_actor(ctx, person_id),
            huddle_id=huddle.id,
            data=HuddleAnswer(join=True),
            now=called,
        )
    outcome = HuddleOutcome(resolved=True, thank=joined, note="A shared test container was the cause.")
    huddles.record_outcome(
        ctx.db, actor=member, huddle_id=huddle.id, data=outcome, now=huddle.ends_at + timedelta(minutes=10)
    )
