"""Every query of the network domain, scoped to one organization and, for lists, to the person asking.

A person's ties, dormant list and introductions are theirs: nothing here lists someone else's.
System-wide scans (for jobs) are at the end and say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.orm import Session, selectinload

from askwell.asks.models import Ask
from askwell.asks.repository import visible_asks
from askwell.asks.rules import ACTIVE
from askwell.core.db import rows_affected
from askwell.network.actions import PENDING
from askwell.network.errors import IntroNotFound
from askwell.network.models import Introduction, IntroStatus, ReconnectNudge, Tie
from askwell.people.models import Person, PersonSkill, Team, TeamMembership
from askwell.people.policy import Actor

_REVEALED = (
    IntroStatus.CONNECTOR_ACCEPTED.value,
    IntroStatus.TARGET_ACCEPTED.value,
    IntroStatus.TARGET_DECLINED.value,
)


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def target_revealed() -> ColumnElement[bool]:
    """The connector has agreed (now or before a withdrawal): the target may be named and may see it."""
    return or_(
        Introduction.status.in_(_REVEALED),
        and_(
            Introduction.status == IntroStatus.WITHDRAWN.value,
            Introduction.connector_responded_at.is_not(None),
        ),
    )


# --- ties -------------------------------------------------------------------------------------------


def tie_between(db: Session, *, org_id: int, a: int, b: int, lock: bool = False) -> Tie | None:
    low, high = ordered(a, b)
    stmt = select(Tie).where(Tie.org_id == org_id, Tie.a_id == low, Tie.b_id == high)
    return db.scalar(stmt.with_for_update() if lock else stmt)


def ties_for_pairs(
    db: Session, *, org_id: int, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], Tie]:
    """The existing ties among these (ordered) pairs, in chunks so huge batches stay valid SQL."""
    wanted = sorted(set(pairs))
    found: dict[tuple[int, int], Tie] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = db.scalars(select(Tie).where(Tie.org_id == org_id, tuple_(Tie.a_id, Tie.b_id).in_(chunk)))
        found.update({(t.a_id, t.b_id): t for t in rows})
    return found


def my_ties(db: Session, *, actor: Actor) -> list[tuple[Tie, Person]]:
    """The acting person's ties with the other person of each (active people only)."""
    me = actor.person_id
    stmt = (
        select(Tie, Person)
        .join(
            Person,
            and_(
                Person.org_id == Tie.org_id,
                or_(and_(Tie.a_id == me, Person.id == Tie.b_id), and_(Tie.b_id == me, Person.id == Tie.a_id)),
            ),
        )
        .where(Tie.org_id == actor.org_id, or_(Tie.a_id == me, Tie.b_id == me), Person.is_active.is_(True))
        .order_by(Tie.id)
    )
    return [(tie, person) for tie, person in db.execute(stmt).all()]


def org_tie_rows(db: Session, *, org_id: int) -> list[tuple[int, int, float, datetime]]:
    """Every tie of the organization as plain rows, for the in-memory graph."""
    stmt = select(Tie.a_id, Tie.b_id, Tie.mass, Tie.last_at).where(Tie.org_id == org_id)
    return [(a, b, float(m), t) for a, b, m, t in db.execute(stmt).all()]


def org_tie_origins(db: Session, *, org_id: int) -> dict[tuple[int, int], list[str]]:
    stmt = select(Tie.a_id, Tie.b_id, Tie.origins).where(Tie.org_id == org_id)
    return {(a, b): list(origins or []) for a, b, origins in db.execute(stmt).all()}


def graph_key(db: Session, *, org_id: int) -> tuple[Any, ...]:
    """A fingerprint that changes whenever a tie of the organization is added, changed or removed."""
    row = db.execute(
        select(
            func.count(Tie.id),
            func.max(Tie.updated_at),
            func.sum(Tie.id),
            func.sum(Tie.a_id * 3 + Tie.b_id),
            func.sum(Tie.mass),
        ).where(Tie.org_id == org_id)
    ).one()
    return tuple(row)


# --- people, as the network needs them ----------------------------------------------------------------


def people_with_skills(db: Session, *, org_id: int, ids: Iterable[int] | None = None) -> dict[int, Person]:
    """Active people with their skills loaded; all of the organization when ``ids`` is None."""
    stmt = (
        select(Person)
        .where(Person.org_id == org_id, Person.is_active.is_(True))
        .options(selectinload(Person.skills))
    )
    if ids is not None:
        stmt = stmt.where(Person.id.in_(sorted(set(ids)) or [-1]))
    return {p.id: p for p in db.scalars(stmt)}


@dataclass(frozen=True)
class ProfileRow:
    """What fit needs of a person, read as plain columns (thousands of people in two queries)."""

    id: int
    name: str
    title: str
    can_help_with: str
    suggestible: bool
    skills: list[str]


def profile_rows(db: Session, *, org_id: int) -> dict[int, ProfileRow]:
    """Every active person's profile text and skills, without building ORM objects."""
    skills: dict[int, list[str]] = {}
    for person_id, name in db.execute(
        select(PersonSkill.person_id, PersonSkill.name)
        .where(PersonSkill.org_id == org_id)
        .order_by(PersonSkill.person_id, PersonSkill.position)
    ):
        skills.setdefault(person_id, []).append(name)
    rows = db.execute(
        select(Person.id, Person.name, Person.title, Person.can_help_with, Person.suggestible).where(
            Person.org_id == org_id, Person.is_active.is_(True)
        )
    )
    return {
        pid: ProfileRow(pid, name, title, can_help_with, bool(suggestible), skills.get(pid, []))
        for pid, name, title, can_help_with, suggestible in rows
    }


def lock_person(db: Session, *, org_id: int, person_id: int) -> None:
    """Serialise one person's writes (PostgreSQL row lock; SQLite already serialises writers)."""
    db.execute(select(Person.id).where(Person.org_id == org_id, Person.id == person_id).with_for_update())


def memberships(db: Session, *, org_id: int) -> list[tuple[int, int]]:
    """(team id, person id) for every active member of every team."""
    stmt = (
        select(TeamMembership.team_id, TeamMembership.person_id)
        .join(Person, and_(Person.org_id == TeamMembership.org_id, Person.id == TeamMembership.person_id))
        .where(TeamMembership.org_id == org_id, Person.is_active.is_(True))
    )
    return [(team, person) for team, person in db.execute(stmt).all()]


def team_names(db: Session, *, org_id: int) -> dict[int, str]:
    return dict(db.execute(select(Team.id, Team.name).where(Team.org_id == org_id)).all())


# --- introductions --------------------------------------------------------------------------------


def _visible_intro(actor: Actor) -> ColumnElement[bool]:
    me = actor.person_id
    return and_(
        Introduction.org_id == actor.org_id,
        or_(
            Introduction.asker_id == me,
            Introduction.connector_id == me,
            and_(Introduction.target_id == me, target_revealed()),
        ),
    )


def get_intro(db: Session, *, actor: Actor, intro_id: int, lock: bool = False) -> Introduction:
    """An introduction the actor takes part in; the target only sees it once the connector agreed."""
    stmt = select(Introduction).where(_visible_intro(actor), Introduction.id == intro_id)
    intro = db.scalar(stmt.with_for_update() if lock else stmt)
    if intro is None:
        raise IntroNotFound()
    return intro


def my_intros(db: Session, *, actor: Actor, limit: int = 200) -> list[Introduction]:
    stmt = (
        select(Introduction)
        .where(_visible_intro(actor))
        .order_by(Introduction.created_at.desc(), Introduction.id.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))


def intros_for_ask(db: Session, *, actor: Actor, ask_id: int) -> list[Introduction]:
    """The introductions of one ask that the actor takes part in (the asker sees all of theirs)."""
    stmt = (
        select(Introduction)
        .where(_visible_intro(actor), Introduction.ask_id == ask_id)
        .order_by(Introduction.created_at, Introduction.id)
    )
    return list(db.scalars(stmt))


def pending_duplicate(
    db: Session,
    *,
    org_id: int,
    asker_id: int,
    connector_id: int,
    target_id: int,
    ask_id: int | None,
    query: str,
) -> bool:
    stmt = select(Introduction.id).where(
        Introduction.org_id == org_id,
        Introduction.asker_id == asker_id,
        Introduction.connector_id == connector_id,
        Introduction.target_id == target_id,
        Introduction.status.in_(PENDING),
    )
    stmt = (
        stmt.where(Introduction.ask_id == ask_id)
        if ask_id is not None
        else stmt.where(Introduction.ask_id.is_(None), Introduction.query == query)
    )
    return db.scalar(stmt.limit(1)) is not None


def last_nudge_at(db: Session, *, org_id: int, person_id: int) -> datetime | None:
    return db.scalar(
        select(func.max(ReconnectNudge.sent_at)).where(
            ReconnectNudge.org_id == org_id, ReconnectNudge.person_id == person_id
        )
    )


# --- system-wide scans for jobs: each row is then handled inside its own organization ----------------


def stale_pending_intros(db: Session, *, before: datetime, limit: int = 500) -> list[Introduction]:
    """Pending introductions waiting on someone since ``before`` and never reminded."""
    waiting_since = func.coalesce(Introduction.connector_responded_at, Introduction.created_at)
    stmt = (
        select(Introduction)
        .where(Introduction.status.in_(PENDING), Introduction.reminded_at.is_(None), waiting_since < before)
        .order_by(Introduction.id)
        .limit(limit)
    )
    return list(db.scalars(stmt))


def claim_intro_reminder(db: Session, *, intro: Introduction, now: datetime) -> bool:
    """Mark the introduction reminded, unless another worker did, or its status moved, meanwhile."""
    claimed = db.execute(
        update(Introduction)
        .where(
            Introduction.id == intro.id,
            Introduction.reminded_at.is_(None),
            Introduction.status == intro.status,
        )
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(claimed) == 1


def authors_of_open_asks(db: Session, *, limit: int) -> list[tuple[int, int]]:
    """(organization id, author id) of everyone with an open ask."""
    stmt = (
        select(Ask.org_id, Ask.author_id)
        .where(Ask.status.in_([s.value for s in ACTIVE]))
        .distinct()
        .order_by(Ask.org_id, Ask.author_id)
        .limit(limit)
    )
    return [(org_id, author_id) for org_id, author_id in db.execute(stmt)]


def organizations_with_teams(db: Session) -> list[int]:
    return list(db.scalars(select(TeamMembership.org_id).distinct().order_by(TeamMembership.org_id)))


def open_asks_of(db: Session, *, actor: Actor, limit: int = 20) -> list[Ask]:
    """The acting person's own open asks (with tags), newest first: what dormant ties are ranked for."""
    stmt = (
        visible_asks(actor)
        .where(Ask.author_id == actor.person_id, Ask.status.in_([s.value for s in ACTIVE]))
        .options(selectinload(Ask.tags))
        .order_by(Ask.created_at.desc(), Ask.id.desc())
        .limit(limit)
    )
    return list(db.scalars(stmt))


def ask_titles(db: Session, *, actor: Actor, ask_ids: Iterable[int]) -> dict[int, str]:
    """Titles of the asks the actor may see, for labelling introductions."""
    ids = sorted(set(ask_ids))
    if not ids:
        return {}
    stmt = select(Ask.id, Ask.title).where(visible_asks(actor).whereclause, Ask.id.in_(ids))  # type: ignore[arg-type]  # visible_asks' where clause is reused on a narrower select
    return dict(db.execute(stmt).all())


# --- a person's erasure and data download ------------------------------------------------------------


def delete_network_of(db: Session, *, org_id: int, person_id: int) -> None:
    """Every tie, introduction and nudge that involves the person."""
    db.execute(delete(Tie).where(Tie.org_id == org_id, or_(Tie.a_id == person_id, Tie.b_id == person_id)))
    db.execute(
        delete(Introduction).where(
            Introduction.org_id == org_id,
            or_(
                Introduction.asker_id == person_id,
                Introduction.connector_id == person_id,
                Introduction.target_id == person_id,
                Introduction.suggested_target_id == person_id,
            ),
        )
    )
    db.execute(
        delete(ReconnectNudge).where(
            ReconnectNudge.org_id == org_id,
            or_(ReconnectNudge.person_id == person_id, ReconnectNudge.tie_person_id == person_id),
        )
    )


def ties_with_names(db: Session, *, org_id: int, person_id: int) -> list[tuple[Tie, str]]:
    """The person's ties, each with the other person's name (former members included)."""
    other_id = Person.id
    rows = db.execute(
        select(Tie, Person.name)
        .join(
            Person,
            (Person.org_id == Tie.org_id)
            & (
                ((Tie.a_id == person_id) & (other_id == Tie.b_id))
                | ((Tie.b_id == person_id) & (other_id == Tie.a_id))
            ),
        )
        .where(Tie.org_id == org_id, or_(Tie.a_id == person_id, Tie.b_id == person_id))
        .order_by(Tie.id)
    )
    return [(tie, name) for tie, name in rows]


# --- the organization export and import -----------------------------------------------------------


def org_ties(db: Session, *, org_id: int) -> list[Tie]:
    return list(db.scalars(select(Tie).where(Tie.org_id == org_id)))


def org_intros(db: Session, *, org_id: int) -> list[Introduction]:
    """Every introduction in (created_at, id) order: the order the export numbers them in."""
    return list(
        db.scalars(
            select(Introduction)
            .where(Introduction.org_id == org_id)
            .order_by(Introduction.created_at, Introduction.id)
        )
    )


def org_intro_ids(db: Session, *, org_id: int) -> list[int]:
    """The ids of ``org_intros``, in the same order."""
    return list(
        db.scalars(
            select(Introduction.id)
            .where(Introduction.org_id == org_id)
            .order_by(Introduction.created_at, Introduction.id)
        )
    )


def org_nudges(db: Session, *, org_id: int) -> list[ReconnectNudge]:
    return list(
        db.scalars(
            select(ReconnectNudge)
            .where(ReconnectNudge.org_id == org_id)
            .order_by(ReconnectNudge.sent_at, ReconnectNudge.id)
        )
    )


def insert_ties(db: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.execute(insert(Tie), rows)


def insert_intros(db: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert introductions in one statement; their ids come back in the order of ``rows``."""
    if not rows:
        return []
    return list(
        db.scalars(insert(Introduction).returning(Introduction.id, sort_by_parameter_order=True), rows)
    )


def insert_nudges(db: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.execute(insert(ReconnectNudge), rows)
