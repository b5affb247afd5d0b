"""Demo history of asks, offers and thanks, written through the asks service so the ledger and the
inboxes are exactly what real use would leave behind."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from askwell.asks import service
from askwell.asks.models import AskStatus, Offer, OfferKind, Visibility
from askwell.asks.schemas import AskClose, AskCreate, OfferCreate, ThanksCreate
from askwell.people import repository as people_repo
from askwell.people.policy import Actor
from askwell.people.repository import actor_for, person_in_org

if TYPE_CHECKING:  # the step list in build.py imports this module
    from askwell.demo.build import DemoContext

# Good asks and weak ones: the demo should show coaching earning its keep.
TEMPLATES = (
    (
        "Review my {skill} change before Thursday's release",
        "Could someone who knows {skill} review the change in PR #{n} by Thursday noon? It blocks the release "
        "and I want a second pair of eyes on the edge cases. Happy to return the favour on your next review.",
    ),
    (
        "30 minutes on {skill} for the quarterly plan",
        "I'm drafting the quarterly plan and need 30 minutes with someone experienced in {skill} to sanity-check "
        "section 3 before I send it to leadership on Friday. Thank you!",
    ),
    ("Need help with {skill}", "Anyone around who knows {skill}?"),
    ("{skill} question", "any thoughts on our {skill} setup?"),
    (
        "Pair with me on {skill} this week",
        "I'm stuck on the {skill} part of ticket {n}: the numbers don't match the dashboard. Could you pair with me "
        "for an hour before Wednesday? The customer demo depends on it.",
    ),
    (
        "Intro to someone who has run a {skill} project",
        "We're starting our first {skill} project next month. Could someone introduce me to a person who has run one, "
        "so I can ask about pitfalls over a 20-minute call by the end of next week?",
    ),
)
THANKS = (
    "Thank you, that unblocked the release!",
    "Really appreciated your time on this.",
    "Exactly what I needed; thanks for the quick turnaround.",
    "You saved me a day of digging. Thank you!",
)
OFFERS = {
    OfferKind.ADVISE: "Happy to take a look — I worked on something similar last quarter.",
    OfferKind.DO: "I can do the review tomorrow morning.",
    OfferKind.RESOURCE: "There's a runbook I wrote for this; I'll share it and walk you through it.",
}


def asks_step(ctx: DemoContext) -> None:
    rng = ctx.rng("asks")
    db = ctx.db
    ids = sorted(ctx.person_ids.values())
    if len(ids) < 3:
        return
    by_skill: dict[str, list[int]] = {}
    for person_id, name in people_repo.skill_holders(db, org_id=ctx.org.id):
        by_skill.setdefault(name, []).append(person_id)
    teams: dict[int, int] = {
        person_id: team_id
        for person_id, team_id, _lead in people_repo.team_memberships(db, org_id=ctx.org.id)
    }
    skills = sorted(s for s, holders in by_skill.items() if len(holders) >= 2)
    if not skills:
        return
    count = min(max(12, ctx.size), 240)
    for i in range(count):
        _one_ask(ctx, rng, i=i, ids=ids, skills=skills, by_skill=by_skill, teams=teams)
        ctx.on_progress(0)


def _actor(ctx: DemoContext, person_id: int) -> Actor:
    person = person_in_org(ctx.db, org_id=ctx.org.id, person_id=person_id)
    if person is None:
        raise LookupError(f"demo person {person_id} vanished")
    return actor_for(ctx.db, person)


def _one_ask(
    ctx: DemoContext,
    rng: random.Random,
    *,
    i: int,
    ids: list[int],
    skills: list[str],
    by_skill: dict[str, list[int]],
    teams: dict[int, int],
) -> None:
    db = ctx.db
    skill = rng.choice(skills)
    author_id = rng.choice(ids)
    helpers = [p for p in by_skill[skill] if p != author_id]
    if not helpers:
        return
    # Asks spread over the last 120 days; newer ones are more often still open.
    age = timedelta(days=rng.uniform(0, 120))
    created = ctx.now - age
    title, body = rng.choice(TEMPLATES)
    visibility = Visibility.ORG
    team_id = None
    audience: list[int] = []
    roll = rng.random()
    if roll < 0.1 and author_id in teams:
        visibility, team_id = Visibility.TEAM, teams[author_id]
    elif roll < 0.18:
        visibility, audience = Visibility.PEOPLE, rng.sample(helpers, min(2, len(helpers)))
    data = AskCreate(
        title=title.format(skill=skill),
        body=body.format(skill=skill, n=rng.randint(100, 9999)),
        tags=[skill],
        due=created + timedelta(days=rng.choice([2, 3, 5, 7, 14])),
        effort_hours=rng.choice([None, 0.5, 1, 2]),
        visibility=visibility,
        team_id=team_id,
        audience=audience,
        own_guess=rng.choice([None, 20, 30, 40, 50]),
    )
    author = _actor(ctx, author_id)
    ask = service.create_ask(db, actor=author, data=data, now=created)
    if rng.random() < 0.15:
        return  # nobody has offered yet
    offered: list[int] = []
    for helper_id in rng.sample(helpers, min(len(helpers), rng.choice([1, 1, 2, 3]))):
        if visibility == Visibility.TEAM and teams.get(helper_id) != team_id:
            continue
        if visibility == Visibility.PEOPLE and helper_id not in audience:
            continue
        kind = rng.choice(list(OFFERS))
        when = created + timedelta(hours=rng.uniform(1, 30))
        offer = service.offer_help(
            db,
            actor=_actor(ctx, helper_id),
            ask_id=ask.id,
            data=OfferCreate(kind=kind, message=OFFERS[kind], hours=rng.choice([None, 0.5, 1])),
            now=when,
        )
        offered.append(offer.id)
    if not offered or age < timedelta(days=2):
        return
    first = offered[0]
    accepted_at = created + timedelta(hours=rng.uniform(30, 40))
    service.accept_offer(db, actor=author, offer_id=first, now=accepted_at)
    if age < timedelta(days=5) and rng.random() < 0.5:
        return  # in progress
    done_at = accepted_at + timedelta(hours=rng.uniform(2, 40))
    accepted = ctx.db.get(Offer, first)
    helper_actor = _actor(ctx, accepted.helper_id if accepted is not None else 0)
    service.complete_offer(db, actor=helper_actor, offer_id=first, now=done_at)
    if rng.random() < 0.8:
        service.thank(
            db,
            actor=author,
            offer_id=first,
            data=ThanksCreate(note=rng.choice(THANKS)),
            now=done_at + timedelta(hours=3),
        )
    outcome = rng.choices([AskStatus.FULFILLED, AskStatus.PARTLY_FULFILLED], weights=[4, 1])[0]
    service.close_ask(
        db, actor=author, ask_id=ask.id, data=AskClose(outcome=outcome), now=done_at + timedelta(hours=4)
    )
