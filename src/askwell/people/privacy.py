"""The people domain's part of a privacy request: a person's profile exported, or erased in place.

The row itself stays (with the same id) so that everything that counts by person id — the ledger,
offers, thanks — still adds up; only what identifies the person goes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from askwell.people.errors import NotAllowed
from askwell.people.models import ERASED_EMAIL_DOMAIN, Person, PersonSkill, Role, Team, TeamMembership

FORMER_MEMBER = "Former member"


def placeholder_email(person_id: int) -> str:
    """Unique within the organization (ids are) and never deliverable."""
    return f"erased-{person_id}@{ERASED_EMAIL_DOMAIN}"


def erase_profile(db: Session, *, person: Person, now: datetime) -> None:
    """Blank the profile, drop skills and team memberships, deactivate; refuses the last active admin."""
    if person.role == Role.ADMIN.value and person.is_active:
        admins = db.scalar(
            select(func.count(Person.id)).where(
                Person.org_id == person.org_id, Person.role == Role.ADMIN.value, Person.is_active.is_(True)
            )
        )
        if (admins or 0) <= 1:
            raise NotAllowed("erase the last admin of the organization (make someone else admin first)")
    db.execute(
        delete(PersonSkill).where(PersonSkill.org_id == person.org_id, PersonSkill.person_id == person.id)
    )
    db.execute(
        delete(TeamMembership).where(
            TeamMembership.org_id == person.org_id, TeamMembership.person_id == person.id
        )
    )
    email = placeholder_email(person.id)
    person.name = FORMER_MEMBER
    person.sort_name = FORMER_MEMBER.casefold()
    person.email = email
    person.title = ""
    person.search_text = Person.make_search_text(name=FORMER_MEMBER, title="", email=email, skills=[])
    person.timezone = "UTC"
    person.can_help_with = ""
    person.learning = ""
    person.away_until = None
    person.role = Role.MEMBER.value
    person.is_active = False
    person.suggestible = False
    person.password_hash = None
    person.updated_at = now
    db.flush()


def export_profile(db: Session, *, person: Person) -> dict[str, Any]:
    """The person's own profile and the teams they belong to."""
    skills = db.scalars(
        select(PersonSkill.name)
        .where(PersonSkill.org_id == person.org_id, PersonSkill.person_id == person.id)
        .order_by(PersonSkill.position)
    ).all()
    teams = db.execute(
        select(Team.name, TeamMembership.is_lead)
        .join(TeamMembership, (TeamMembership.team_id == Team.id) & (TeamMembership.org_id == Team.org_id))
        .where(TeamMembership.org_id == person.org_id, TeamMembership.person_id == person.id)
        .order_by(Team.name)
    ).all()
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "timezone": person.timezone,
        "can_help_with": person.can_help_with,
        "learning": person.learning,
        "skills": list(skills),
        "away_until": person.away_until.isoformat() if person.away_until else None,
        "role": person.role,
        "suggestible": person.suggestible,
        "created_at": person.created_at.isoformat(),
        "teams": [{"name": name, "lead": bool(lead)} for name, lead in teams],
    }
