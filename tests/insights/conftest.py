"""A small organization with history for insights tests: two teams, ledger entries over weeks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from askwell.insights import service
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.people.models import Organization, Person, Role, Team
from tests.conftest import World


def say(
    db: Session,
    kind: EntryKind,
    actor: Person,
    at: datetime,
    subject: Person | None = None,
    ask_id: int | None = None,
) -> None:
    """One ledger entry, as the asks domain writes it."""
    record(
        db,
        org_id=actor.org_id,
        kind=kind,
        actor_id=actor.id,
        subject_id=subject.id if subject else None,
        ask_id=ask_id,
        at=at,
    )


def help_story(db: Session, asker: Person, helper: Person, at: datetime, ask_id: int) -> None:
    """An ask that got an offer, help and thanks over two days."""
    say(db, EntryKind.ASK_OPENED, asker, at, ask_id=ask_id)
    say(db, EntryKind.OFFER_MADE, helper, at + timedelta(hours=3), subject=asker, ask_id=ask_id)
    say(db, EntryKind.OFFER_ACCEPTED, asker, at + timedelta(hours=4), subject=helper, ask_id=ask_id)
    say(db, EntryKind.HELP_GIVEN, helper, at + timedelta(days=1), subject=asker, ask_id=ask_id)
    say(db, EntryKind.THANKS, asker, at + timedelta(days=2), subject=helper, ask_id=ask_id)


@pytest.fixture
def bearer(world: World) -> Callable[[Person], dict[str, str]]:
    """The Authorization header of a fresh API token for this person."""

    def headers(person: Person) -> dict[str, str]:
        return {"Authorization": f"Bearer {world.api_token(person)}"}

    return headers


@dataclass
class Office:
    """One organization: "Big" (6 people, Lea leads), "Tiny" (3 people, Tom leads), an admin, history."""

    org: Organization
    big: Team
    tiny: Team
    lea: Person
    tom: Person
    admin: Person
    big_people: list[Person]
    tiny_people: list[Person]


@pytest.fixture
def office(db: Session, world: World) -> Office:
    org = world.org("Office")
    big, tiny = world.team(org, "Big"), world.team(org, "Tiny")
    lea = world.person(org, "Lea", role=Role.LEAD, teams=["Big"], lead_of=["Big"])
    big_people = [lea, *(world.person(org, f"Big {i}", teams=["Big"], skills=["Python"]) for i in range(5))]
    tom = world.person(org, "Tom", role=Role.LEAD, teams=["Tiny"], lead_of=["Tiny"])
    tiny_people = [tom, *(world.person(org, f"Tiny {i}", teams=["Tiny"]) for i in range(2))]
    admin = world.person(org, "Ada Admin", role=Role.ADMIN)
    start = world.now - timedelta(days=40)
    ask_id = 100
    for i, asker in enumerate(big_people):
        helper = big_people[(i + 1) % len(big_people)]
        help_story(db, asker, helper, start + timedelta(days=i * 3), ask_id=ask_id)
        ask_id += 1
    for i, asker in enumerate(tiny_people):
        help_story(db, asker, big_people[1], start + timedelta(days=i * 2 + 1), ask_id=ask_id)
        ask_id += 1
    # The generous giver: Big 1 helps a lot and never asks here beyond the one above.
    say(db, EntryKind.ASK_OPENED, big_people[2], world.now - timedelta(days=5), ask_id=ask_id)
    service.roll_up(db, now=world.now)
    db.commit()
    return Office(org, big, tiny, lea, tom, admin, big_people, tiny_people)


@pytest.fixture(autouse=True)
def _fresh_thresholds() -> None:
    """Ids are reused after a rollback: never let one test's thresholds serve another's."""
    service.forget_thresholds()
