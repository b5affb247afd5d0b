"""Model → schema conversions shared by API routes."""

from __future__ import annotations

from datetime import datetime

from askwell.accounts.models import Invitation
from askwell.api.schemas import InvitationRead, InvitationStatus, TeamDetail, TeamMember
from askwell.people.models import Person, Team
from askwell.people.schemas import PersonRead, PersonSummary, TeamRead, TeamRef, work_days_list


def _teams(person: Person) -> list[TeamRef]:
    refs = [
        TeamRef(id=m.team.id, name=m.team.name, slug=m.team.slug, is_lead=m.is_lead)
        for m in person.memberships
    ]
    return sorted(refs, key=lambda t: t.name)


def person_summary(person: Person) -> PersonSummary:
    return PersonSummary(
        id=person.id,
        name=person.name,
        title=person.title,
        email=person.email,
        timezone=person.timezone,
        skills=person.skill_names,
        teams=_teams(person),
        away_until=person.away_until,
    )


def person_read(person: Person) -> PersonRead:
    return PersonRead(
        **person_summary(person).model_dump(),
        can_help_with=person.can_help_with,
        learning=person.learning,
        role=person.role,
        suggestible=person.suggestible,
        is_active=person.is_active,
        work_start=person.work_start,
        work_end=person.work_end,
        work_days=work_days_list(person.work_days),
    )


def team_read(team: Team, *, member_count: int, leads: list[str]) -> TeamRead:
    return TeamRead(
        id=team.id,
        name=team.name,
        slug=team.slug,
        description=team.description,
        member_count=member_count,
        leads=leads,
    )


def team_detail(team: Team, members: list[tuple[Person, bool]]) -> TeamDetail:
    summary = team_read(team, member_count=len(members), leads=[p.name for p, lead in members if lead])
    return TeamDetail(
        **summary.model_dump(),
        members=[TeamMember(**person_summary(p).model_dump(), is_lead=lead) for p, lead in members],
    )


def invitation_read(inv: Invitation, *, now: datetime) -> InvitationRead:
    if inv.accepted_at is not None:
        status = InvitationStatus.ACCEPTED
    elif inv.revoked_at is not None:
        status = InvitationStatus.REVOKED
    elif inv.expires_at <= now:
        status = InvitationStatus.EXPIRED
    else:
        status = InvitationStatus.PENDING
    return InvitationRead(
        id=inv.id,
        email=inv.email,
        name=inv.name,
        role=inv.role,
        status=status,
        created_at=inv.created_at,
        expires_at=inv.expires_at,
        accepted_at=inv.accepted_at,
        revoked_at=inv.revoked_at,
    )
