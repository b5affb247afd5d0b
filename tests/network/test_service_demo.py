"""The demo's tie history gives every page something real to show."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from askwell.demo.network import add_tie_history
from askwell.network import dormant, service
from tests.conftest import World


def test_demo_history_has_teams_cross_team_and_dormant_ties(db: Session, world: World) -> None:
    org = world.org()
    for name in ("Platform", "Design", "Sales"):
        world.team(org, name)
    people = [world.person(org, teams=[("Platform", "Design", "Sales")[i % 3]]) for i in range(24)]
    recorded = add_tie_history(
        db, org=org, people=[p.id for p in people], rng=random.Random(7), now=world.now
    )
    assert recorded > 24
    silent = sum(len(dormant.dormant_ties(db, actor=world.actor(p), now=world.now)) for p in people)
    assert silent >= 5
    ties = service.my_ties(db, actor=world.actor(people[0]), now=world.now)
    assert any("same_team" in t.origins for t in ties)
