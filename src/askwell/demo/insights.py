"""Demo history that makes the insights worth opening: every balance pattern, a lead who asks and one
who does not, and a visible upward trend in asking over the last weeks. Written through the asks
service (so the ledger is what real use leaves), then rolled up once so the pages have figures before
the worker's first run."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from askwell.asks import service as asks_service
from askwell.asks.models import OfferKind, Visibility
from askwell.asks.schemas import AskCreate, OfferCreate, ThanksCreate
from askwell.insights import repository as insights_repo
from askwell.insights import service as insights_service
from askwell.people.models import Role
from askwell.people.policy import Actor
from askwell.people.repository import actor_for, person_in_org

if TYPE_CHECKING:  # the step list in build.py imports this module
    from askwell.demo.build import DemoContext

TOPICS = ("the release checklist", "our SQL reports", "the onboarding guide", "a customer escalation")


def _actor(ctx: DemoContext, person_id: int) -> Actor:
    person = person_in_org(ctx.db, org_id=ctx.org.id, person_id=person_id)
    if person is None:
        raise LookupError(f"demo person {person_id} vanished")
    return actor_for(ctx.db, person)


def _story(
    ctx: DemoContext,
    rng: random.Random,
    *,
    author: int,
    helper: int | None,
    days_ago: float,
    team: bool = False,
) -> None:
    """One ask; with a helper, an offer, help done and thanks a day or two later."""
    db = ctx.db
    created = ctx.now - timedelta(days=days_ago)
    topic = rng.choice(TOPICS)
    author_actor = _actor(ctx, author)
    team_id = next(iter(author_actor.teams), None) if team else None
    ask = asks_service.create_ask(
        db,
        actor=author_actor,
        data=AskCreate(
            title=f"Half an hour on {topic} this week",
            body=f"Could someone spend 30 minutes with me on {topic} before Friday? It unblocks my next step.",
            visibility=Visibility.TEAM if team_id else Visibility.ORG,
            team_id=team_id,
            due=created + timedelta(days=5),
        ),
        now=created,
    )
    if helper is None or days_ago < 2:
        return
    offer = asks_service.offer_help(
        db,
        actor=_actor(ctx, helper),
        ask_id=ask.id,
        data=OfferCreate(kind=OfferKind.ADVISE, message="Happy to help: I know this one well."),
        now=created + timedelta(hours=3),
    )
    asks_service.accept_offer(db, actor=author_actor, offer_id=offer.id, now=created + timedelta(hours=5))
    asks_service.complete_offer(
        db, actor=_actor(ctx, helper), offer_id=offer.id, now=created + timedelta(days=1)
    )
    asks_service.thank(
        db,
        actor=author_actor,
        offer_id=offer.id,
        data=ThanksCreate(note="Thank you, that helped a lot."),
        now=created + timedelta(days=1, hours=2),
    )


def insights_step(ctx: DemoContext) -> None:
    rng = ctx.rng("insights")
    db = ctx.db
    ids = sorted(ctx.person_ids.values())
    if len(ids) < 12:
        return
    known = {k.role: ctx.person_ids.get(k.email) for k in ctx.known}
    leads = sorted(insights_repo.lead_ids(db, org_id=ctx.org.id))
    admins = insights_repo.admin_ids(db, org_id=ctx.org.id)
    since = ctx.now - timedelta(days=120)
    asked = insights_repo.authors_since(db, org_id=ctx.org.id, since=since)
    helped = insights_repo.helpers_since(db, org_id=ctx.org.id, since=since)
    # The lead who asks is the demo's known lead; the one who does not is a lead who never asked.
    asking_lead = known.get(Role.LEAD.value) or leads[0]
    silent_lead = next((p for p in leads if p != asking_lead and p not in asked), None)
    reserved = {asking_lead, silent_lead, *known.values(), *admins}
    # The generous giver is the demo's known member when they have not asked lately (they then see
    # the nudge to ask); otherwise someone else who has not.
    member = known.get(Role.MEMBER.value)
    giver = member if member is not None and member not in asked else None
    pool = [p for p in ids if p not in reserved]
    giver = giver or next((p for p in pool if p not in asked), None)
    asker = next((p for p in pool if p not in helped and p != giver), None)
    others = [p for p in pool if p not in (giver, asker)]
    if giver is None or asker is None or len(others) < 4:
        return  # too small an organization to show every pattern
    # Everyone's helper of choice is someone active; the quiet keep quiet (the asks step leaves some).
    helpers = rng.sample(others, min(8, len(others)))
    for i in range(10):  # the generous giver helps ten colleagues over the quarter and never asks
        _story(ctx, rng, author=rng.choice(others), helper=giver, days_ago=80 - i * 7)
    for i in range(7):  # the frequent asker gets help seven times and never offers
        _story(ctx, rng, author=asker, helper=rng.choice(helpers), days_ago=85 - i * 11)
    for i in range(5):  # the lead asks in the open, monthly
        _story(ctx, rng, author=asking_lead, helper=rng.choice(helpers), days_ago=150 - i * 30)
    # Asking picks up over the last six weeks (after the demo's ring): a rising trend on the team pages.
    for week in range(6):
        for _ in range(2 + week):
            author = rng.choice(others)
            helper = rng.choice([h for h in helpers if h != author] or [giver])
            _story(
                ctx, rng, author=author, helper=helper if rng.random() < 0.8 else None, days_ago=week * 7 + 1
            )
    insights_service.roll_up(db, now=ctx.now, max_batches=10_000)
    ctx.on_progress(0)
    _ = silent_lead  # chosen above so that nobody else's stories make them ask
