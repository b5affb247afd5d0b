"""Automation of the network, run by the worker. Every job is idempotent by construction.

``network.learn`` reads the ledger after a cursor that advances in the same transaction as the ties
it strengthens: crashed work is redone, finished work never is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from askwell.core.events import IntroductionWaiting, emit
from askwell.core.jobs import JobContext, JobRegistry, advance_cursor, read_cursor
from askwell.ledger import repository as ledger_repo
from askwell.ledger.models import EntryKind
from askwell.network import dormant, repository, service
from askwell.network.models import IntroStatus
from askwell.people import repository as people_repo

LEDGER_CURSOR = "network.learn:ledger"
BATCH = 500
REMINDER_AFTER = timedelta(days=3)
#: Ledger kinds that say two people interacted, and the tie origin each counts as. An accepted offer
#: adds nothing beyond the offer itself; introductions write their tie when the target accepts.
LEARNED: dict[str, str] = {
    EntryKind.OFFER_MADE: "offer",
    EntryKind.HELP_GIVEN: "help_given",
    EntryKind.THANKS: "thanks",
    EntryKind.RING_MATCH: "ring",
    EntryKind.STANDUP_HELP: "standup",
}


def learn_from_ledger(db: Session, *, now: datetime, batch: int = BATCH, max_batches: int = 20) -> int:
    """Strengthen the actor–subject tie for each new ledger entry, a bounded batch at a time."""
    learned = 0
    for _ in range(max_batches):
        position = read_cursor(db, LEDGER_CURSOR)
        entries = ledger_repo.entries_after(db, position=position, limit=batch)
        if not entries:
            break
        by_org: dict[int, list[service.Interaction]] = {}
        for entry in entries:
            origin = LEARNED.get(entry.kind)
            if origin is None or entry.subject_id is None or entry.subject_id == entry.actor_id:
                continue
            by_org.setdefault(entry.org_id, []).append(
                service.Interaction(entry.actor_id, entry.subject_id, entry.at, origin)
            )
        for org_id, events in by_org.items():
            alive = people_repo.people_by_ids(
                db, org_id=org_id, ids={p for e in events for p in (e.a, e.b)}, active_only=True
            )
            learned += service.record_interactions(
                db, org_id=org_id, events=[e for e in events if e.a in alive and e.b in alive], now=now
            )
        advance_cursor(db, LEDGER_CURSOR, entries[-1].id, now=now)
        if len(entries) < batch:
            break
    return learned


def sync_all_team_ties(db: Session, *, now: datetime) -> int:
    return sum(
        service.sync_team_ties(db, org_id=org_id, now=now)
        for org_id in repository.organizations_with_teams(db)
    )


def remind_pending_intros(db: Session, *, now: datetime) -> int:
    """One reminder per introduction, to whoever it waits on, once it has waited three days."""
    sent = 0
    for intro in repository.stale_pending_intros(db, before=now - REMINDER_AFTER):
        if not repository.claim_intro_reminder(db, intro=intro, now=now):
            continue
        waiting_on = intro.connector_id if intro.status == IntroStatus.REQUESTED.value else intro.target_id
        person = people_repo.person_in_org(db, org_id=intro.org_id, person_id=waiting_on)
        if person is None:
            continue
        emit(
            db,
            IntroductionWaiting(
                org_id=intro.org_id, at=now, intro_id=intro.id, ask_id=intro.ask_id, person_id=person.id
            ),
        )
        sent += 1
    return sent


def nudge_dormant_ties(db: Session, *, now: datetime, limit: int = 1000) -> int:
    """Weekly at most per person: authors of open asks hear about their best dormant tie for one."""
    sent = 0
    for org_id, author_id in repository.authors_of_open_asks(db, limit=limit):
        person = people_repo.person_in_org(db, org_id=org_id, person_id=author_id)
        if person is None:
            continue
        actor = people_repo.actor_for(db, person)
        sent += dormant.nudge_reconnect(db, actor=actor, now=now) is not None
    return sent


def _job(fn: Any) -> Any:
    def handler(db: Session, payload: dict[str, Any], ctx: JobContext) -> None:
        fn(db, now=ctx.clock.now())

    return handler


def register(registry: JobRegistry) -> None:
    registry.add("network.learn", _job(learn_from_ledger))
    registry.add("network.team_ties", _job(sync_all_team_ties))
    registry.add("network.intro_reminders", _job(remind_pending_intros))
    registry.add("network.reconnect_nudges", _job(nudge_dormant_ties))
    registry.schedule("network.learn", timedelta(minutes=5))
    registry.schedule("network.team_ties", timedelta(hours=1))
    registry.schedule("network.intro_reminders", timedelta(hours=1))
    registry.schedule("network.reconnect_nudges", timedelta(days=1))
