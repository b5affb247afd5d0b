"""Every query of routing, scoped to one organization; a route request is visible only to its addressee.

Someone else's route request does not exist for the reader (404), so nobody learns who else was asked.
The escalation job reads across organizations (it is the system) and writes each ask's escalation
with a conditional UPDATE, so two workers escalate an ask once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.core.db import rows_affected
from askwell.people.models import Person, Team, TeamMembership
from askwell.people.policy import Actor
from askwell.routing.errors import RouteNotFound
from askwell.routing.models import RoutedAsk, RouteRequest, RouteState, RoutingSettings
from askwell.routing.rules import RecentRequest

MAX_LIST = 100


def routed_ask(db: Session, *, org_id: int, ask_id: int) -> RoutedAsk | None:
    return db.scalar(select(RoutedAsk).where(RoutedAsk.org_id == org_id, RoutedAsk.ask_id == ask_id))


def routed_by_id(db: Session, *, org_id: int, routed_id: int) -> RoutedAsk | None:
    return db.scalar(select(RoutedAsk).where(RoutedAsk.org_id == org_id, RoutedAsk.id == routed_id))


def ask_in_org(db: Session, *, org_id: int, ask_id: int) -> Ask | None:
    return db.scalar(select(Ask).where(Ask.org_id == org_id, Ask.id == ask_id))


def settings_row(db: Session, *, org_id: int, team_id: int) -> RoutingSettings | None:
    return db.scalar(
        select(RoutingSettings).where(RoutingSettings.org_id == org_id, RoutingSettings.team_id == team_id)
    )


def team_people(db: Session, *, org_id: int, team_id: int, leads_only: bool = False) -> list[Person]:
    """The team's active members (or only its leads), by name."""
    stmt = (
        select(Person)
        .join(
            TeamMembership,
            (TeamMembership.org_id == Person.org_id) & (TeamMembership.person_id == Person.id),
        )
        .where(
            Person.org_id == org_id,
            Person.is_active.is_(True),
            TeamMembership.org_id == org_id,
            TeamMembership.team_id == team_id,
        )
        .order_by(Person.sort_name, Person.id)
    )
    if leads_only:
        stmt = stmt.where(TeamMembership.is_lead.is_(True))
    return list(db.scalars(stmt))


def active_people(db: Session, *, org_id: int, person_ids: Iterable[int]) -> list[Person]:
    ids = sorted(set(person_ids))
    if not ids:
        return []
    return list(
        db.scalars(
            select(Person).where(Person.org_id == org_id, Person.id.in_(ids), Person.is_active.is_(True))
        )
    )


def recent_requests(
    db: Session, *, org_id: int, person_ids: Iterable[int], since: datetime
) -> dict[int, tuple[RecentRequest, ...]]:
    """Each person's route requests since ``since`` (their load and when they were last asked)."""
    ids = sorted(set(person_ids))
    found: dict[int, list[RecentRequest]] = {}
    if not ids:
        return {}
    rows = db.execute(
        select(RouteRequest.person_id, RouteRequest.asked_at, RouteRequest.state).where(
            RouteRequest.org_id == org_id,
            RouteRequest.person_id.in_(ids),
            RouteRequest.asked_at >= since,
        )
    ).all()
    for person_id, asked_at, state in rows:
        found.setdefault(person_id, []).append(RecentRequest(asked_at, state == RouteState.ASKED.value))
    return {pid: tuple(v) for pid, v in found.items()}


def asked_ids(db: Session, *, org_id: int, ask_id: int) -> set[int]:
    return set(
        db.scalars(
            select(RouteRequest.person_id).where(RouteRequest.org_id == org_id, RouteRequest.ask_id == ask_id)
        )
    )


def claimed_count(db: Session, *, routed: RoutedAsk) -> int:
    return len(
        db.scalars(
            select(RouteRequest.id).where(
                RouteRequest.org_id == routed.org_id,
                RouteRequest.routed_id == routed.id,
                RouteRequest.state == RouteState.CLAIMED.value,
            )
        ).all()
    )


@dataclass(frozen=True)
class RouteLine:
    route: RouteRequest
    ask_title: str
    ask_status: str
    author_id: int
    author_name: str


def _lines(actor: Actor) -> Select[RouteRequest, str, str, int, str]:
    return (
        select(RouteRequest, Ask.title, Ask.status, Ask.author_id, Person.name)
        .join(Ask, (Ask.org_id == RouteRequest.org_id) & (Ask.id == RouteRequest.ask_id))
        .join(Person, (Person.org_id == Ask.org_id) & (Person.id == Ask.author_id))
        .where(RouteRequest.org_id == actor.org_id, RouteRequest.person_id == actor.person_id)
    )


def my_routes(db: Session, *, actor: Actor, limit: int = 50) -> list[RouteLine]:
    """Route requests addressed to the actor, unanswered first, newest first."""
    rows = db.execute(
        _lines(actor)
        .order_by(
            (RouteRequest.state != RouteState.ASKED.value),
            RouteRequest.asked_at.desc(),
            RouteRequest.id.desc(),
        )
        .limit(max(1, min(limit, MAX_LIST)))
    ).all()
    return [RouteLine(r, title, status, author_id, name) for r, title, status, author_id, name in rows]


def my_route(db: Session, *, actor: Actor, route_id: int) -> RouteLine:
    row = db.execute(_lines(actor).where(RouteRequest.id == route_id)).first()
    if row is None:
        raise RouteNotFound()
    r, title, status, author_id, name = row
    return RouteLine(r, title, status, author_id, name)


def answer(
    db: Session,
    *,
    route: RouteRequest,
    state: RouteState,
    now: datetime,
    suggested_id: int | None = None,
) -> bool:
    """Record an answer only if none was recorded yet (two clicks, two tabs: one wins)."""
    result = db.execute(
        update(RouteRequest)
        .where(
            RouteRequest.org_id == route.org_id,
            RouteRequest.id == route.id,
            RouteRequest.state == RouteState.ASKED.value,
        )
        .values(state=state.value, answered_at=now, suggested_id=suggested_id)
        .execution_options(synchronize_session=False)
    )
    if rows_affected(result) != 1:
        return False
    db.refresh(route)
    return True


def set_offer(db: Session, *, route: RouteRequest, offer_id: int) -> None:
    route.offer_id = offer_id
    db.flush()


def routes_of_ask(db: Session, *, org_id: int, ask_id: int) -> list[tuple[RouteRequest, str]]:
    """Who was asked about one ask, with their names (for its author)."""
    rows = db.execute(
        select(RouteRequest, Person.name)
        .join(Person, (Person.org_id == RouteRequest.org_id) & (Person.id == RouteRequest.person_id))
        .where(RouteRequest.org_id == org_id, RouteRequest.ask_id == ask_id)
        .order_by(RouteRequest.asked_at, RouteRequest.id)
    ).all()
    return [(r, name) for r, name in rows]


def due_escalations(db: Session, *, now: datetime, limit: int = 200) -> list[RoutedAsk]:
    """Routed asks whose working hours ran out and whose lead was not asked yet, in every organization."""
    return list(
        db.scalars(
            select(RoutedAsk)
            .where(RoutedAsk.escalated_at.is_(None), RoutedAsk.escalate_at <= now)
            .order_by(RoutedAsk.escalate_at, RoutedAsk.id)
            .limit(limit)
        )
    )


def claim_escalation(db: Session, *, routed: RoutedAsk, now: datetime) -> bool:
    result = db.execute(
        update(RoutedAsk)
        .where(RoutedAsk.org_id == routed.org_id, RoutedAsk.id == routed.id, RoutedAsk.escalated_at.is_(None))
        .values(escalated_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


# --- erasure: the system acts on one person's rows, not a reader -------------------------------------


def close_requests_to(db: Session, *, org_id: int, person_id: int, now: datetime) -> int:
    """Requests still waiting on this person, answered "can't" (nobody is left to answer them)."""
    result = db.execute(
        update(RouteRequest)
        .where(
            RouteRequest.org_id == org_id,
            RouteRequest.person_id == person_id,
            RouteRequest.state == RouteState.ASKED.value,
        )
        .values(state=RouteState.CANT.value, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result)


def stop_escalations_of(db: Session, *, org_id: int, author_id: int, now: datetime) -> int:
    """The person's routed asks will not go to their lead (their asks were withdrawn)."""
    result = db.execute(
        update(RoutedAsk)
        .where(RoutedAsk.org_id == org_id, RoutedAsk.author_id == author_id, RoutedAsk.escalated_at.is_(None))
        .values(escalated_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result)


# --- organization export and import (an admin-only, whole-organization read) --------------------------


@dataclass(frozen=True)
class OrgRouting:
    emails: dict[int, str]
    team_slugs: dict[int, str]
    settings: list[RoutingSettings]
    routed: list[RoutedAsk]
    requests: list[RouteRequest]


def org_routing(db: Session, *, org_id: int) -> OrgRouting:
    return OrgRouting(
        emails={i: e for i, e in db.execute(select(Person.id, Person.email).where(Person.org_id == org_id))},
        team_slugs={i: s for i, s in db.execute(select(Team.id, Team.slug).where(Team.org_id == org_id))},
        settings=list(
            db.scalars(
                select(RoutingSettings).where(RoutingSettings.org_id == org_id).order_by(RoutingSettings.id)
            )
        ),
        routed=list(
            db.scalars(
                select(RoutedAsk)
                .where(RoutedAsk.org_id == org_id)
                .order_by(RoutedAsk.routed_at, RoutedAsk.id)
            )
        ),
        requests=list(
            db.scalars(
                select(RouteRequest)
                .where(RouteRequest.org_id == org_id)
                .order_by(RouteRequest.asked_at, RouteRequest.id)
            )
        ),
    )


def insert_rows(db: Session, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Imported rows in one statement; their new ids in the order of ``rows``."""
    if not rows:
        return []
    return list(db.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))
