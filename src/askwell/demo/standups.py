"""Demo stand-ups, written through the stand-ups and asks services: three teams hold a weekday
stand-up, with four weeks of check-ins (some late, a few private to the lead), help needed raised and
confirmed into asks, and most of those helped and thanked."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from askwell.asks import service as asks_service
from askwell.asks.models import OfferKind
from askwell.asks.schemas import AskFinish, OfferCreate
from askwell.core.localtime import zone
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.policy import Actor
from askwell.people.repository import actor_for, person_in_org
from askwell.standups import repository, schedule, service
from askwell.standups.schemas import CheckinWrite, NeedConfirm, StandupSettingsWrite

if TYPE_CHECKING:  # the step list in build.py imports this module
    from askwell.demo.build import DemoContext

WEEKS = 4
TEAMS = 3
ANSWERS = 0.8  # share of people answering on a stand-up day
NEEDS = 0.06  # share of check-ins raising a need
WORKED = (
    "Closed the review comments on the billing export",
    "Paired with support on the two escalations from Friday",
    "Finished the first draft of the onboarding checklist",
    "Cleaned up the flaky integration tests",
    "Interviewed two candidates and wrote the feedback",
    "Shipped the settings page behind a flag",
)
WORKING = (
    "The quarterly report numbers",
    "Migrating the last two services to the new queue",
    "Customer calls this afternoon",
    "The design review for the mobile checkout",
    "Writing the runbook for the on-call rotation",
)
NEED_TEXTS = (
    "Blocked on the Stripe webhook signature, no idea who knows their API",
    "Stuck on the SAML certificate rotation; could someone who has done it pair for half an hour?",
    "The forecast sheet is stuck on broken pivot tables; could someone who knows Excel well look before Thursday?",
    "Blocked on access to the analytics warehouse, not sure who grants it",
)
OFFERS = (
    "I did exactly this last quarter, happy to pair tomorrow morning.",
    "I know who owns that, let me introduce you.",
    "There's a doc for this; I'll walk you through it.",
)


def _actor(ctx: DemoContext, person_id: int) -> Actor | None:
    person = person_in_org(ctx.db, org_id=ctx.org.id, person_id=person_id)
    return actor_for(ctx.db, person) if person is not None else None


def standups_step(ctx: DemoContext) -> None:
    rng = ctx.rng("standups")
    admin = people_service.admin_actor(ctx.org)
    teams = sorted(people_repo.teams_by_name(ctx.db, org_id=ctx.org.id).values(), key=lambda t: t.id)
    chosen = [t for t in teams if len(repository.member_ids(ctx.db, org_id=ctx.org.id, team_id=t.id)) >= 3][
        :TEAMS
    ]
    start = ctx.now - timedelta(weeks=WEEKS)
    for n, team in enumerate(chosen):
        settings = StandupSettingsWrite(
            prompt_time=("09:30", "10:00", "09:00")[n % 3],
            custom_questions=["Anything to demo this week?"] if n == 1 else [],
            rotating_questions=["What did you learn this week?", "Who helped you lately?"] if n == 2 else [],
        )
        service.configure(ctx.db, actor=admin, team_id=team.id, data=settings, now=start)
    for team in chosen:
        _history(ctx, rng, team.id, start)


def _history(ctx: DemoContext, rng: random.Random, team_id: int, start: datetime) -> None:
    members = repository.member_ids(ctx.db, org_id=ctx.org.id, team_id=team_id)
    settings = repository.settings_of(ctx.db, org_id=ctx.org.id, team_id=team_id)
    if settings is None:
        return
    cadence = service.cadence_of(settings)
    day = start.date()
    while day < ctx.now.date():
        if schedule.team_meets(cadence, day):
            for person_id in members:
                if rng.random() < ANSWERS:
                    _answer(ctx, rng, person_id, members, day, cadence.at)
        day += timedelta(days=1)


def _answer(
    ctx: DemoContext, rng: random.Random, person_id: int, members: list[int], day: date, at: time
) -> None:
    actor = _actor(ctx, person_id)
    if actor is None:
        return
    tz = zone(repository.timezone_of(ctx.db, org_id=ctx.org.id, person_id=person_id))
    late = rng.random() < 0.1
    answered = schedule.prompt_instant(day, at, tz) + timedelta(
        minutes=rng.randint(5, 90) + (300 if late else 0)
    )
    if answered >= ctx.now:
        return
    words = {"worked_on": rng.choice(WORKED), "working_on": rng.choice(WORKING)}
    needs = rng.random() < NEEDS
    if needs:
        words["help_needed"] = rng.choice(NEED_TEXTS)
    data = CheckinWrite(answers=words, private=rng.random() < 0.05, local_date=day)
    if repository.checkin_on(ctx.db, org_id=ctx.org.id, person_id=person_id, local_date=day) is not None:
        return  # a person in two demo teams answers once a day, as they would
    checkin = service.answer(ctx.db, actor=actor, data=data, now=answered)
    if checkin.ask_id is None:
        return
    ask = service.confirm_need(ctx.db, actor=actor, checkin_id=checkin.id, data=NeedConfirm(), now=answered)
    helpers = [m for m in members if m != person_id]
    if not helpers or rng.random() < 0.25:
        return  # some needs are still open
    helper = _actor(ctx, rng.choice(helpers))
    if helper is None:
        return
    offered = answered + timedelta(hours=2)
    if offered >= ctx.now:
        return
    offer = asks_service.offer_help(
        ctx.db,
        actor=helper,
        ask_id=ask.id,
        data=OfferCreate(kind=OfferKind.ADVISE, message=rng.choice(OFFERS)),
        now=offered,
    )
    asks_service.accept_offer(ctx.db, actor=actor, offer_id=offer.id, now=offered + timedelta(minutes=20))
    done = offered + timedelta(days=1)
    if done < ctx.now:
        asks_service.finish_ask(
            ctx.db, actor=actor, ask_id=ask.id, data=AskFinish(note="Thank you, that unblocked me."), now=done
        )
