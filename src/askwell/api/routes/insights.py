"""Insights: my balance (private unless shared with my lead), the leader mirror, team and
organization trends (aggregates only, groups of at least 5 people)."""

from __future__ import annotations

from fastapi import APIRouter

from askwell.http.deps import ApiActor, Db, Now
from askwell.http.params import PersonId, TeamId
from askwell.insights import service
from askwell.insights.schemas import BalanceRead, GroupInsight, MirrorRead, SharingUpdate

router = APIRouter(tags=["insights"])


@router.get("/insights/me", response_model=BalanceRead, summary="My balance: given, asked, pattern, nudge")
def my_balance(db: Db, actor: ApiActor, now: Now) -> BalanceRead:
    return service.balance_of(db, actor=actor, person_id=actor.person_id, now=now)


@router.put(
    "/insights/me/sharing", response_model=BalanceRead, summary="Share my balance with my lead, or not"
)
def set_sharing(data: SharingUpdate, db: Db, actor: ApiActor, now: Now) -> BalanceRead:
    service.set_sharing(db, actor=actor, with_lead=data.with_lead, now=now)
    db.commit()
    return service.balance_of(db, actor=actor, person_id=actor.person_id, now=now)


@router.get("/insights/me/mirror", response_model=MirrorRead, summary="The leader mirror (leads only)")
def my_mirror(db: Db, actor: ApiActor, now: Now) -> MirrorRead:
    return service.mirror(db, actor=actor, now=now)


@router.get(
    "/insights/people/{person_id}",
    response_model=BalanceRead,
    summary="A person's balance: your own, or one shared with you as their lead",
)
def person_balance(person_id: PersonId, db: Db, actor: ApiActor, now: Now) -> BalanceRead:
    return service.balance_of(db, actor=actor, person_id=person_id, now=now)


@router.get(
    "/insights/teams/{team_id}", response_model=GroupInsight, summary="A team's trends (its leads, admins)"
)
def team_insight(team_id: TeamId, db: Db, actor: ApiActor, now: Now) -> GroupInsight:
    return service.team_insight(db, actor=actor, team_id=team_id, now=now)


@router.get("/insights/org", response_model=GroupInsight, summary="The organization's trends (admins)")
def org_insight(db: Db, actor: ApiActor, now: Now) -> GroupInsight:
    return service.org_insight(db, actor=actor, now=now)
