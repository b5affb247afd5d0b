"""Every query of huddles, scoped to the reader's organization: a huddle exists only for its caller,
the people invited to it and the organization's admins (404 for anyone else)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, false, insert, or_, select, true
from sqlalchemy.orm import Session

from askwell.huddles.errors import HuddleNotFound
from askwell.huddles.models import Huddle, HuddleInvite
from askwell.people.models import Person, TeamMembership
from askwell.people.policy import Actor

MAX_LIST = 100


def _visible(actor: Actor) -> ColumnElement[bool]:
    invited = select(HuddleInvite.huddle_id).where(
        HuddleInvite.org_id == actor.org_id, HuddleInvite.person_id == actor.person_id
    )
    return (Huddle.org_id == actor.org_id) & or_(
        true() if actor.is_admin else false(), Huddle.caller_id == actor.person_id, Huddle.id.in_(invited)
    )


def visible_huddles(actor: Actor) -> Select[Huddle]:
    return select(Huddle).where(_visible(actor))


def get_huddle(db: Session, *, actor: Actor, huddle_id: int, for_update: bool = False) -> Huddle:
    stmt = visible_huddles(actor).where(Huddle.id == huddle_id)
    if for_update:
        stmt = stmt.with_for_update()
    huddle = db.scalar(stmt)
    if huddle is None:
        raise HuddleNotFound()
    return huddle


def my_huddles(db: Session, *, actor: Actor, limit: int = 50) -> list[Huddle]:
    """Huddles the actor called or is invited to (admins see only their own here too), newest first."""
    invited = select(HuddleInvite.huddle_id).where(
        HuddleInvite.org_id == actor.org_id, HuddleInvite.person_id == actor.person_id
    )
    return list(
        db.scalars(
            select(Huddle)
            .where(
                Huddle.org_id == actor.org_id,
                or_(Huddle.caller_id == actor.person_id, Huddle.id.in_(invited)),
            )
            .order_by(Huddle.starts_at.desc(), Huddle.id.desc())
            .limit(max(1, min(limit, MAX_LIST)))
        )
    )


def invites_of(db: Session, *, huddle: Huddle) -> list[HuddleInvite]:
    return list(
        db.scalars(
            select(HuddleInvite)
            .where(HuddleInvite.org_id == huddle.org_id, HuddleInvite.huddle_id == huddle.id)
            .order_by(HuddleInvite.id)
        )
    )


def invites_by_huddle(
    db: Session, *, org_id: int, huddle_ids: Iterable[int]
) -> dict[int, list[HuddleInvite]]:
    ids = sorted(set(huddle_ids))
    found: dict[int, list[HuddleInvite]] = {i: [] for i in ids}
    if not ids:
        return found
    for invite in db.scalars(
        select(HuddleInvite)
        .where(HuddleInvite.org_id == org_id, HuddleInvite.huddle_id.in_(ids))
        .order_by(HuddleInvite.id)
    ):
        found[invite.huddle_id].append(invite)
    return found


def candidates(db: Session, *, org_id: int, team_id: int | None) -> list[Person]:
    """Active people of the organization, or of one team, who may be suggested as helpers."""
    stmt = select(Person).where(
        Person.org_id == org_id, Person.is_active.is_(True), Person.suggestible.is_(True)
    )
    if team_id is not None:
        members = select(TeamMembership.person_id).where(
            TeamMembership.org_id == org_id, TeamMembership.team_id == team_id
        )
        stmt = stmt.where(Person.id.in_(members))
    return list(db.scalars(stmt.order_by(Person.id)))


def teammate_ids(db: Session, *, actor: Actor) -> set[int]:
    if not actor.teams:
        return set()
    return set(
        db.scalars(
            select(TeamMembership.person_id).where(
                TeamMembership.org_id == actor.org_id, TeamMembership.team_id.in_(sorted(actor.teams))
            )
        )
    )


def called_by(db: Session, *, org_id: int, person_id: int) -> list[Huddle]:
    """Every huddle one person called (for erasure: the system acts, not a reader)."""
    return list(db.scalars(select(Huddle).where(Huddle.org_id == org_id, Huddle.caller_id == person_id)))


# --- organization export and import (an admin-only, whole-organization read) --------------------------


def org_huddles(db: Session, *, org_id: int) -> tuple[dict[int, str], list[Huddle], list[HuddleInvite]]:
    """(person id → email, the huddles, their invitations), each list in a stable order."""
    emails = {i: e for i, e in db.execute(select(Person.id, Person.email).where(Person.org_id == org_id))}
    huddles = list(
        db.scalars(select(Huddle).where(Huddle.org_id == org_id).order_by(Huddle.created_at, Huddle.id))
    )
    invites = list(
        db.scalars(select(HuddleInvite).where(HuddleInvite.org_id == org_id).order_by(HuddleInvite.id))
    )
    return emails, huddles, invites


def insert_rows(db: Session, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Imported rows in one statement; their new ids in the order of ``rows``."""
    if not rows:
        return []
    return list(db.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))
