"""Writing the demo organization: an ordered list of steps, each adding one domain's history.

A later domain (asks, ties, rings...) extends the demo by appending a ``DemoStep`` to ``STEPS``.
Each step draws from its own ``Random`` seeded with the demo seed and the step's name, so adding a
step never changes what the earlier ones produce.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from askwell.accounts.secrets import hash_password
from askwell.core.jobs import drop_queued
from askwell.demo.asks import asks_step
from askwell.demo.huddles import routing_and_huddles_step
from askwell.demo.insights import insights_step
from askwell.demo.network import add_tie_history
from askwell.demo.people import KnownAccount, plan_people
from askwell.demo.rings import rings_step
from askwell.demo.standups import standups_step
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.models import Organization
from askwell.people.schemas import OrganizationCreate

DEMO_PASSWORD = "askwell-demo"


@dataclass
class DemoContext:
    """What steps share: the organization being built, the seed and what earlier steps created."""

    db: Session
    org: Organization
    seed: int
    size: int
    now: datetime
    password_hash: str
    on_progress: Callable[[int], None]
    known: list[KnownAccount] = field(default_factory=list)
    # email → person id, filled by the people step for the steps after it.
    person_ids: dict[str, int] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[DemoContext], None]


def _people_step(ctx: DemoContext) -> None:
    plan = plan_people(size=ctx.size, seed=ctx.seed, today=ctx.now.date())
    actor = people_service.admin_actor(ctx.org)
    for team in plan.teams:
        people_service.create_team(ctx.db, actor=actor, data=team, now=ctx.now)
    ids = people_service.add_people(
        ctx.db,
        org_id=ctx.org.id,
        people=plan.people,
        now=ctx.now,
        password_hash=ctx.password_hash,
        on_progress=ctx.on_progress,
    )
    ctx.person_ids = {p.email: pid for p, pid in zip(plan.people, ids, strict=True)}
    ctx.known = plan.known


def _network_step(ctx: DemoContext) -> None:
    add_tie_history(
        ctx.db, org=ctx.org, people=sorted(ctx.person_ids.values()), rng=ctx.rng("network"), now=ctx.now
    )


STEPS: list[DemoStep] = [
    DemoStep("people", _people_step),
    DemoStep("asks", asks_step),
    DemoStep("network", _network_step),
    DemoStep("rings", rings_step),
    DemoStep("standups", standups_step),
    DemoStep("routing and huddles", routing_and_huddles_step),
    DemoStep("insights", insights_step),
]


def any_organization(db: Session) -> bool:
    return people_repo.any_organization(db)


def create_demo(
    db: Session,
    *,
    now: datetime,
    seed: int = 7,
    size: int = 80,
    slug: str = "demo",
    name: str = "Askwell Demo",
    password_hash: str | None = None,
    on_progress: Callable[[int], None] | None = None,
    steps: Sequence[DemoStep] | None = None,
) -> DemoContext:
    """Create the organization and run every step; the caller commits.

    Everyone shares one password hash: Argon2 is deliberately slow, and hashing 10,000 times
    would take minutes for no gain in a demo.
    """
    org = people_service.create_organization(db, data=OrganizationCreate(name=name, slug=slug), now=now)
    ctx = DemoContext(
        db=db,
        org=org,
        seed=seed,
        size=size,
        now=now,
        password_hash=password_hash or hash_password(DEMO_PASSWORD),
        on_progress=on_progress or (lambda _n: None),
    )
    for step in STEPS if steps is None else steps:
        step.run(ctx)
    # The history is in the inboxes already; emailing it all on the first run would be spam.
    drop_queued(db, org_id=org.id, kind="notifications.email")
    db.flush()
    return ctx
