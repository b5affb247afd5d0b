"""Model → schema conversions shared by API routes."""

from __future__ import annotations

from askwell.people.models import Person
from askwell.people.schemas import PersonRead, PersonSummary, TeamRef


def _teams(person: Person) -> list[TeamRef]:
    refs = [TeamRef(id=m.team.id, name=m.team.name, slug=m.team.slug, is_lead=m.is_lead) for m in person.memberships]
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
    )
