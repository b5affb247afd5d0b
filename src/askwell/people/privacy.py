"""The people domain's part of a privacy request: a person's profile exported, or erased in place.

The row itself stays (with the same id) so that everything that counts by person id — the ledger,
offers, thanks — still adds up; only what identifies the person goes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from askwell.people import repository
from askwell.people.errors import NotAllowed
from askwell.people.models import ERASED_EMAIL_DOMAIN, Person, Role

FORMER_MEMBER = "Former member"


def placeholder_email(person_id: int) -> str:
    """Unique within the organization (ids are) and never deliverable."""
    return f"erased-{person_id}@{ERASED_EMAIL_DOMAIN}"


def erase_profile(db: Session, *, person: Person, now: datetime) -> None:
    """Blank the profile, drop skills and team memberships, deactivate; refuses the last active admin."""
    active_admin = person.role == Role.ADMIN.value and person.is_active
    if active_admin and repository.active_admin_count(db, org_id=person.org_id) <= 1:
        raise NotAllowed("erase the last admin of the organization (make someone else admin first)")
    repository.delete_skills_of(db, person=person)
    repository.delete_memberships_of(db, person=person)
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
    person.work_start, person.work_end, person.work_days = "09:00", "17:00", "1,2,3,4,5"
    person.role = Role.MEMBER.value
    person.is_active = False
    person.suggestible = False
    person.password_hash = None
    person.updated_at = now
    db.flush()


def export_profile(db: Session, *, person: Person) -> dict[str, Any]:
    """The person's own profile and the teams they belong to."""
    skills = repository.skill_names_of(db, person=person)
    teams = repository.teams_of(db, person=person)
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "timezone": person.timezone,
        "can_help_with": person.can_help_with,
        "learning": person.learning,
        "skills": skills,
        "away_until": person.away_until.isoformat() if person.away_until else None,
        "working_hours": {"start": person.work_start, "end": person.work_end, "days": person.work_days},
        "role": person.role,
        "suggestible": person.suggestible,
        "created_at": person.created_at.isoformat(),
        "teams": [{"name": name, "lead": lead} for name, lead in teams],
    }
