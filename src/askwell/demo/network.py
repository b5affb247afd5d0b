"""The demo organization's tie history: close teammates, a few cross-team ties, and dormant ties.

Dormant ties are old collaborations (13 to 30 months ago, several exchanges) mostly across teams,
so "Dormant ties" and "Reconnect" have something real to show; same-team ties come from the teams.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from askwell.network import repository, service
from askwell.people.models import Organization

_RECENT_ORIGINS = ("offer", "help_given", "thanks", "message", "standup")
_OLD_ORIGINS = ("help_given", "thanks", "offer", "message")


def add_tie_history(
    db: Session, *, org: Organization, people: Sequence[int], rng: random.Random, now: datetime
) -> int:
    """Write a realistic tie history for ``people``; returns how many interactions were recorded."""
    if len(people) < 2:
        return 0
    team_of: dict[int, list[int]] = {}
    members: dict[int, list[int]] = {}
    for team_id, person_id in repository.memberships(db, org_id=org.id):
        team_of.setdefault(person_id, []).append(team_id)
        members.setdefault(team_id, []).append(person_id)
    everyone = sorted(set(people))
    events: list[service.Interaction] = []

    def exchange(
        a: int, b: int, *, start_days: float, end_days: float, count: int, origins: Sequence[str]
    ) -> None:
        for _ in range(count):
            at = now - timedelta(days=rng.uniform(start_days, end_days))
            events.append(service.Interaction(a, b, at, rng.choice(origins)))

    for person in everyone:
        mates = sorted({m for t in team_of.get(person, []) for m in members[t] if m != person})
        for mate in rng.sample(mates, min(len(mates), rng.randint(1, 4))):
            exchange(
                person, mate, start_days=1, end_days=75, count=rng.randint(1, 5), origins=_RECENT_ORIGINS
            )
        others = [p for p in everyone if p != person and p not in mates]
        for other in rng.sample(others, min(len(others), rng.choice((0, 0, 0, 1, 1, 2)))):
            exchange(
                person, other, start_days=3, end_days=120, count=rng.randint(1, 3), origins=_RECENT_ORIGINS
            )
        if others and rng.random() < 0.45:
            for old in rng.sample(others, min(len(others), rng.randint(1, 3))):
                # A project together long ago (a few months of exchanges), then silence: a dormant
                # tie with real past strength.
                start = rng.uniform(400, 800)
                exchange(
                    person,
                    old,
                    start_days=start,
                    end_days=start + 120,
                    count=rng.randint(4, 8),
                    origins=_OLD_ORIGINS,
                )
    # Oldest first, as the interactions happened.
    events.sort(key=lambda e: e.at)
    service.record_interactions(db, org_id=org.id, events=events, now=now)
    service.sync_team_ties(db, org_id=org.id, now=now)
    return len(events)
