"""The demo's routing and huddles: the known member has a routed need waiting and a resolved huddle."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from askwell.demo.build import STEPS, create_demo
from askwell.huddles import service as huddles
from askwell.matching import index
from askwell.people.repository import actor_for, person_in_org
from askwell.routing import service as routing
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def _fresh_indexes() -> Iterator[None]:
    """Rolled-back tests reuse ids: no index cached by an earlier test may answer for this one."""
    index.forget()
    yield
    index.forget()


STEPS_HERE = [s for s in STEPS if s.name in ("people", "routing and huddles")]


def test_the_member_is_asked_and_has_a_resolved_huddle(db: Session) -> None:
    ctx = create_demo(db, now=NOW, seed=5, size=40, slug="demo-huddles", password_hash="x", steps=STEPS_HERE)
    member_email = next(a.email for a in ctx.known if a.role == "member")
    person = person_in_org(db, org_id=ctx.org.id, person_id=ctx.person_ids[member_email])
    assert person is not None
    actor = actor_for(db, person)
    waiting = [r for r in routing.my_requests(db, actor=actor) if r.state == "asked"]
    assert [r.ask_title for r in waiting] == [
        "Our webhook signature check fails since the provider rotated keys"
    ]
    (huddle,) = huddles.my_huddles(db, actor=actor)
    assert (huddle.status, huddle.resolved) == ("done", True)
    assert [i.thanked for i in huddle.invites if i.state == "joined"] == [True]
