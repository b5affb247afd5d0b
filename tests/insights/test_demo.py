"""The demo organization shows what insights are for: every pattern, a lead who asks and one who does
not, and a trend that moves."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.demo.build import create_demo
from askwell.insights import balance, service
from askwell.people.models import Person, Role, TeamMembership
from askwell.people.repository import actor_for
from tests.conftest import NOW


def test_the_demo_has_every_pattern_both_kinds_of_lead_and_a_trend(db: Session) -> None:
    ctx = create_demo(db, now=NOW, seed=7, size=40, slug="demo-insights", password_hash="x")
    org_id = ctx.org.id
    everyone = service._activities(db, org_id=org_id, now=NOW)
    patterns = set(balance.classify_all(everyone).values())
    assert patterns == set(balance.Pattern)

    leads = set(
        db.scalars(
            select(TeamMembership.person_id).where(TeamMembership.org_id == org_id, TeamMembership.is_lead)
        )
    )
    authors = set(db.scalars(select(Ask.author_id).where(Ask.org_id == org_id)))
    assert leads & authors and leads - authors

    known = {k.role: ctx.person_ids[k.email] for k in ctx.known}
    member = db.get_one(Person, known[Role.MEMBER.value])
    view = service.balance_of(db, actor=actor_for(db, member), person_id=member.id, now=NOW)
    assert view.empty is False

    admin = db.get_one(Person, known[Role.ADMIN.value])
    org = service.org_insight(db, actor=actor_for(db, admin), now=NOW)
    shown = [w.asks_per_person_week for w in org.weeks if w.asks_per_person_week is not None]
    assert sum(shown[-4:]) / 4 > sum(shown[:8]) / 8  # asking rose lately
    lead = db.get_one(Person, known[Role.LEAD.value])
    mirror = service.mirror(db, actor=actor_for(db, lead), now=NOW)
    assert sum(m.asks for m in mirror.months) >= 4
