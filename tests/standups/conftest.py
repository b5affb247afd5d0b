"""A team with a stand-up: a lead and members on three clocks (UTC, Kolkata +5:30, St John's -3:30)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from askwell.people.models import Organization, Person, Role, Team
from askwell.standups import service
from askwell.standups.schemas import StandupSettingsWrite
from tests.conftest import World
from tests.worker.conftest import _committed_database, committed_db  # noqa: F401  (the two-worker test)


@dataclass
class Scene:
    org: Organization
    team: Team
    lead: Person
    ada: Person  # Asia/Kolkata
    bob: Person  # America/St_Johns
    stranger: Person  # same organization, not in the team
    other_admin: Person  # another organization


def with_zone(db: Session, person: Person, tz: str) -> Person:
    person.timezone = tz
    db.commit()
    return person


@pytest.fixture
def scene(world: World, db: Session) -> Scene:
    org = world.org("Acme")
    team = world.team(org, "Platform")
    lead = world.person(org, "Lea Lead", role=Role.LEAD, teams=["Platform"], lead_of=["Platform"])
    ada = with_zone(db, world.person(org, "Ada Lovelace", teams=["Platform"]), "Asia/Kolkata")
    bob = with_zone(db, world.person(org, "Bob Newfie", teams=["Platform"]), "America/St_Johns")
    stranger = world.person(org, "Sam Stranger")
    other = world.org("Other")
    other_admin = world.person(other, "Olga Other", role=Role.ADMIN)
    return Scene(org, team, lead, ada, bob, stranger, other_admin)


@pytest.fixture
def standup(scene: Scene, world: World, db: Session) -> Scene:
    """The team's stand-up switched on: weekdays at 09:30, answers on time for 4 hours."""
    service.configure(
        db,
        actor=world.actor(scene.lead),
        team_id=scene.team.id,
        data=StandupSettingsWrite(),
        now=world.now,
    )
    db.commit()
    return scene
