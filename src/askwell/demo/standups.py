"""Demo stand-ups, written through the stand-ups and asks services: three teams hold a weekday
stand-up, with four weeks of check-ins (some late, a few private to the lead), help needed raised and
confirmed into asks, and most of those helped and thanked. One of them (the known lead's, when they
lead one) ran a finished 30-day practice: its stand-up history covers the whole practice, its
baseline comes from the asks history before it, and its members voted at the mid-point retro."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from askwell.asks import service as asks_service
from askwell.asks.models import OfferKind
from askwell.asks.schemas import AskFinish, OfferCreate
from askwell.core.localtime import zone
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.models import Team
from askwell.people.policy import Actor
from askwell.people.repository import actor_for, person_in_org
from askwell.standups import repository, schedule, service
from askwell.standups.schemas import (
    CheckinWrite,
    NeedConfirm,
    PracticeStart,
    RetroWrite,
    StandupSettingsWrite,
)

if TYPE_CHECKING:  # the step list in build.py imports this module
    from askwell.demo.build import DemoContext

WEEKS = 4
TEAMS = 3
ANSWERS = 0.8  # share of people answering on a stand-up day
NEEDS = 0.06  # share of check-ins raising a need
PRACTICE_DAYS = 30
#: The practice ended this many days ago (its report is the day-30 one).
PRACTICE_ENDED = 2
RETRO = ("keep", "keep", "keep", "change", "drop")
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
    practice_team = _practice_team(ctx, chosen)
    practice_start = datetime.combine(
        ctx.now.date() - timedelta(days=PRACTICE_DAYS + PRACTICE_ENDED), time(8, 0), tzinfo=UTC
    )
    for n, team in enumerate(chosen):
        settings = StandupSettingsWrite(
            prompt_time=("09:30", "10:00", "09:00")[n % 3],
            custom_questions=["Anything to demo this week?"] if n == 1 else [],
            rotating_questions=["What did you learn this week?", "Who helped you lately?"] if n == 2 else [],
        )
        since = min(start, practice_start) if team.id == practice_team else start
        service.configure(ctx.db, actor=admin, team_id=team.id, data=settings, now=since)
    for team in chosen:
        if team.id == practice_team:
            _practice(ctx, rng, team.id, practice_start)
        else:
            _history(ctx, rng, team.id, start)


def _practice_team(ctx: DemoContext, chosen: list[Team]) -> int | None:
    """The team the known lead leads, when it holds a stand-up (so the lead's sign-in opens the report
    with their own line); else the first stand-up team."""
    lead_email = next((k.email for k in ctx.known if k.role == "lead"), None)
    lead_id = ctx.person_ids.get(lead_email) if lead_email else None
    for team in chosen:
        if lead_id is not None and lead_id in repository.lead_ids(ctx.db, org_id=ctx.org.id, team_id=team.id):
            return team.id
    return chosen[0].id if chosen else None


def _practice(ctx: DemoContext, rng: random.Random, team_id: int, start: datetime) -> None:
    """A finished 30-day practice: started by the team's lead, the team's stand-ups through it, the
    mid-point retro's votes, and its end (the leads are told its report is ready)."""
    leads = repository.lead_ids(ctx.db, org_id=ctx.org.id, team_id=team_id)
    lead = _actor(ctx, leads[0]) if leads else people_service.admin_actor(ctx.org)
    if lead is None:
        return
    row = service.start_practice(
        ctx.db, actor=lead, team_id=team_id, data=PracticeStart(days=PRACTICE_DAYS), now=start
    )
    _history(ctx, rng, team_id, start)
    mid = start + timedelta(days=PRACTICE_DAYS // 2, hours=4)
    settings = repository.settings_of(ctx.db, org_id=ctx.org.id, team_id=team_id)
    keys = [q["key"] for q in settings.questions] if settings is not None else []
    for person_id in repository.member_ids(ctx.db, org_id=ctx.org.id, team_id=team_id):
        voter = _actor(ctx, person_id)
        if voter is None or not keys or rng.random() < 0.3:
            continue
        votes = {k: rng.choice(RETRO) for k in keys}
        service.vote_retro(
            ctx.db, actor=voter, practice_id=row.id, data=RetroWrite.model_validate({"votes": votes}), now=mid
        )
    service.practice_tick(ctx.db, now=ctx.now, org_id=ctx.org.id)


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
