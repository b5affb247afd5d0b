"""Views over a network: my network (inner circle, two steps, dormant) and organization health."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from askwell.network import index, repository
from askwell.network.errors import HealthGroupTooSmall, HealthNotAllowed
from askwell.network.picture import Picture, layout
from askwell.network.rules import DEFAULT_DORMANT_DAYS
from askwell.network.schemas import BridgeRead, HealthRead, TieRead
from askwell.network.ties import INNER_CIRCLE_MIN, INNER_CIRCLE_SIZE, LIVE_TIE_MIN, MIN_GROUP, my_ties, ref
from askwell.people import repository as people_repo
from askwell.people.policy import Actor
from askwell.people.schemas import PersonRef


@dataclass(frozen=True)
class NetworkView:
    """What "my network" shows. People two steps away are counts here: they are named only where they
    match a need (an ask's suggestions and introductions, a search), with the connector (docs/network.md)."""

    inner: list[TieRead]
    dormant: list[TieRead]
    # (inner-circle tie, how many people one reaches only through them first), most first.
    reach: list[tuple[PersonRef, int]]
    two_step_total: int
    picture: Picture
    ties: int


def my_network(
    db: Session, *, actor: Actor, now: datetime, dormant_days: float = DEFAULT_DORMANT_DAYS, shown: int = 12
) -> NetworkView:
    """Inner circle, dormant ties and how many people the inner circle puts two steps away."""
    ties = my_ties(db, actor=actor, now=now, dormant_days=dormant_days)
    dormant = [t for t in ties if t.dormant]
    inner = [t for t in ties if not t.dormant and t.strength >= INNER_CIRCLE_MIN][:INNER_CIRCLE_SIZE]
    via: dict[int, int] = {}  # person two steps away -> the strongest inner tie leading there
    graph = index.org_graph(db, org_id=actor.org_id)
    me = graph.index.get(actor.person_id)
    if me is not None:
        current = graph.current(now)
        direct = {graph.person(int(i)) for i in current.neighbours(me)[0]} | {actor.person_id}
        for tie in inner:  # strongest first, so each person is credited to the strongest route
            cols, weights = current.neighbours(graph.index[tie.person.id])
            for col, weight in zip(cols.tolist(), weights.tolist(), strict=True):
                pid = graph.person(col)
                if weight >= LIVE_TIE_MIN and pid not in direct:
                    via.setdefault(pid, tie.person.id)
    counts: dict[int, int] = {}
    for connector in via.values():
        counts[connector] = counts.get(connector, 0) + 1
    by_id = {t.person.id: t.person for t in inner}
    reach = sorted(((by_id[c], n) for c, n in counts.items()), key=lambda r: (-r[1], r[0].name))
    picture = layout(
        inner=[(t.person.id, t.person.name, t.strength) for t in inner],
        two_step=[(pid, f"Someone {by_id[c].name} knows", 0.2, c) for pid, c in list(via.items())[:shown]],
        dormant=[(t.person.id, t.person.name, t.past_strength) for t in dormant],
    )
    return NetworkView(
        inner=inner, dormant=dormant, reach=reach, two_step_total=len(via), picture=picture, ties=len(ties)
    )


def network_health(db: Session, *, actor: Actor, now: datetime) -> HealthRead:
    """Aggregates for admins (whole organization) and leads (their teams, at least 5 people)."""
    if not actor.is_admin and not actor.lead_of:
        raise HealthNotAllowed()
    org = people_repo.get_organization(db, actor.org_id)
    members = repository.memberships(db, org_id=actor.org_id)
    teams_of: dict[int, set[int]] = {}
    for team_id, pid in members:
        teams_of.setdefault(pid, set()).add(team_id)
    everyone = set(people_repo.people_by_ids(db, org_id=actor.org_id, ids=None))
    if actor.is_admin:
        scope, label = everyone, "organization"
    else:
        scope = {pid for team_id, pid in members if team_id in actor.lead_of}
        label = "your teams"
    if len(scope) < MIN_GROUP:
        raise HealthGroupTooSmall(MIN_GROUP)
    graph = index.org_graph(db, org_id=actor.org_id)
    current = graph.current(now)
    live: dict[int, set[int]] = {pid: set() for pid in scope}
    ties = cross = 0
    for i in range(current.n_people):
        a = graph.person(i)
        cols, weights = current.neighbours(i)
        for j, w in zip(cols.tolist(), weights.tolist(), strict=True):
            b = graph.person(j)
            if w < LIVE_TIE_MIN or b not in everyone or a not in everyone:
                continue
            if a in live:
                live[a].add(b)
            if a < b and (a in scope or b in scope):
                ties += 1
                cross += not (teams_of.get(a, set()) & teams_of.get(b, set()))
    isolated = sum(1 for pid in scope if not live[pid])
    # A bridge's live ties reach at least three other teams (two in a small organization): the few
    # people through whom teams hear of each other, not everyone with one friend elsewhere.
    n_teams = len({team for team, _ in members})
    needed = max(2, min(3, math.ceil((n_teams - 1) / 2)))
    bridges: list[tuple[int, int]] = []
    for pid in scope:
        own = teams_of.get(pid, set())
        # Only ties that cross teams count: a teammate who is also in another team is not a bridge.
        outside = [teams_of.get(n, set()) for n in live[pid] if not teams_of.get(n, set()) & own]
        reached = set().union(*outside) - own
        if len(reached) >= needed:
            bridges.append((pid, len(reached)))
    bridges.sort(key=lambda b: -b[1])
    named: list[BridgeRead] = []
    if org.individual_analytics:
        people = people_repo.people_by_ids(db, org_id=actor.org_id, ids=[pid for pid, _ in bridges[:10]])
        named = [
            BridgeRead(person=ref(people[pid]), teams_reached=n) for pid, n in bridges[:10] if pid in people
        ]
    return HealthRead(
        scope=label,
        people=len(scope),
        ties=ties,
        cross_team_share=round(cross / ties, 4) if ties else 0.0,
        isolated=isolated,
        isolated_share=round(isolated / len(scope), 4),
        bridges_count=len(bridges),
        bridges=named,
        individual_analytics=org.individual_analytics,
    )
