"""Use cases of the people domain. Services flush; the caller's unit of work commits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from askwell.people import repository
from askwell.people.errors import EmailTaken, NotAllowed, PersonNotFound, SlugTaken, TeamExists, TeamNotFound
from askwell.people.models import Organization, Person, PersonSkill, Role, Team, TeamMembership
from askwell.people.policy import (
    Actor,
    MemberFacts,
    TeamAction,
    can_administer,
    can_change_role,
    can_edit_profile,
    require_team_action,
)
from askwell.people.schemas import (
    OrganizationCreate,
    PersonCreate,
    ProfileUpdate,
    TeamCreate,
    slugify,
    work_days_text,
)


def create_organization(db: Session, *, data: OrganizationCreate, now: datetime) -> Organization:
    if repository.slug_taken(db, data.slug):
        raise SlugTaken(data.slug)
    org = Organization(name=data.name, slug=data.slug, individual_analytics=True, created_at=now)
    db.add(org)
    db.flush()
    return org


def add_person(
    db: Session,
    *,
    org_id: int,
    data: PersonCreate,
    now: datetime,
    password_hash: str | None = None,
) -> Person:
    """Create a person with profile, skills and team memberships (teams looked up by name)."""
    [person_id] = add_people(db, org_id=org_id, people=[data], now=now, password_hash=password_hash)
    person = db.get(Person, person_id)
    if person is None:  # pragma: no cover - the row was inserted a moment ago
        raise PersonNotFound()
    return person


def _replace_skills(db: Session, person: Person, skills: list[str]) -> None:
    repository.delete_skills_of(db, person=person)
    db.add_all(
        PersonSkill(org_id=person.org_id, person_id=person.id, name=name, key=name.casefold(), position=i)
        for i, name in enumerate(skills)
    )
    db.flush()


def update_profile(
    db: Session, *, actor: Actor, person_id: int, data: ProfileUpdate, now: datetime
) -> Person:
    if not can_edit_profile(actor, person_id=person_id, org_id=actor.org_id):
        raise NotAllowed("edit someone else's profile")
    person = repository.get_person(db, actor=actor, person_id=person_id)
    person.name = data.name
    person.sort_name = data.name.casefold()
    person.title = data.title
    person.timezone = data.timezone
    person.can_help_with = data.can_help_with
    person.learning = data.learning
    person.away_until = data.away_until
    person.suggestible = data.suggestible
    person.work_start = data.work_start
    person.work_end = data.work_end
    person.work_days = work_days_text(data.work_days)
    person.search_text = Person.make_search_text(
        name=data.name, title=data.title, email=person.email, skills=data.skills
    )
    person.updated_at = now
    _replace_skills(db, person, data.skills)
    db.expire(person, ["skills"])
    return repository.get_person(db, actor=actor, person_id=person_id)


def create_team(db: Session, *, actor: Actor, data: TeamCreate, now: datetime) -> Team:
    if not can_administer(actor):
        raise NotAllowed("create teams")
    slug = slugify(data.name)
    if repository.team_slug_taken(db, org_id=actor.org_id, slug=slug):
        raise TeamExists(data.name)
    team = Team(org_id=actor.org_id, name=data.name, slug=slug, description=data.description, created_at=now)
    db.add(team)
    db.flush()
    return team


def set_membership(
    db: Session, *, actor: Actor, team_id: int, person_id: int, member: bool, lead: bool = False
) -> None:
    """Add, remove, or change a person's lead flag in a team; leads manage their own teams."""
    team = repository.get_team(db, actor=actor, team_id=team_id)
    require_team_action(actor, TeamAction.APPOINT_LEAD if lead else TeamAction.ADD_MEMBER, team_id=team.id)
    person = repository.get_person(db, actor=actor, person_id=person_id)
    existing = repository.membership(db, org_id=actor.org_id, team_id=team.id, person_id=person.id)
    if not member:
        if existing is None:
            return
        target = MemberFacts(person.id, is_lead=existing.is_lead, is_admin=person.role == Role.ADMIN.value)
        require_team_action(actor, TeamAction.REMOVE_MEMBER, team_id=team.id, member=target)
        db.delete(existing)
    elif existing is None:
        db.add(TeamMembership(org_id=actor.org_id, team_id=team.id, person_id=person.id, is_lead=lead))
    elif actor.is_admin:
        existing.is_lead = lead
    db.flush()


def change_role(db: Session, *, actor: Actor, person_id: int, role: Role, now: datetime) -> Person:
    if not can_change_role(actor, person_id=person_id, new_role=role.value):
        raise NotAllowed("change this person's role")
    person = repository.get_person(db, actor=actor, person_id=person_id)
    person.role = role.value
    person.updated_at = now
    db.flush()
    return person


def set_active(db: Session, *, actor: Actor, person_id: int, active: bool, now: datetime) -> Person:
    """Deactivate (or reactivate) an account; their history stays, they can no longer sign in."""
    if not can_administer(actor) or person_id == actor.person_id:
        raise NotAllowed("deactivate this account")
    person = repository.get_person(db, actor=actor, person_id=person_id, include_inactive=True)
    person.is_active = active
    person.updated_at = now
    db.flush()
    return person


def admin_actor(org: Organization) -> Actor:
    """An actor with admin rights for system work in one organization (CLI, imports, demo)."""
    return Actor(person_id=0, org_id=org.id, role=Role.ADMIN.value)


def add_people(
    db: Session,
    *,
    org_id: int,
    people: Sequence[PersonCreate],
    now: datetime,
    password_hash: str | None = None,
    batch_size: int = 1000,
    on_progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Create many people in bulk (CSV import, demo): a few statements per batch, not per person.

    Emails must be new to the organization and teams must exist; the ids come back in input order.
    """
    emails = [p.email for p in people]
    taken = repository.emails_in_org(db, org_id=org_id)
    for email in emails:
        if email in taken:
            raise EmailTaken(email)
        taken.add(email)
    teams = repository.teams_by_name(db, org_id=org_id)
    ids: list[int] = []
    for start in range(0, len(people), batch_size):
        batch = people[start : start + batch_size]
        rows = [
            {
                "org_id": org_id,
                "email": p.email,
                "name": p.name,
                "sort_name": p.name.casefold(),
                "title": p.title,
                "search_text": Person.make_search_text(
                    name=p.name, title=p.title, email=p.email, skills=p.skills
                ),
                "timezone": p.timezone,
                "can_help_with": p.can_help_with,
                "learning": p.learning,
                "away_until": p.away_until,
                "role": p.role.value,
                "is_active": True,
                "suggestible": p.suggestible,
                "password_hash": password_hash,
                "created_at": now,
                "updated_at": now,
            }
            for p in batch
        ]
        batch_ids = repository.insert_people(db, rows)
        skills = [
            {"org_id": org_id, "person_id": pid, "name": name, "key": name.casefold(), "position": i}
            for pid, p in zip(batch_ids, batch, strict=True)
            for i, name in enumerate(p.skills)
        ]
        memberships = []
        for pid, p in zip(batch_ids, batch, strict=True):
            lead_names = {n.casefold() for n in p.lead_of}
            for name in dict.fromkeys(n.casefold() for n in [*p.teams, *p.lead_of]):
                team = teams.get(name)
                if team is None:
                    raise TeamNotFound()
                memberships.append(
                    {"org_id": org_id, "team_id": team.id, "person_id": pid, "is_lead": name in lead_names}
                )
        repository.insert_skills_and_memberships(db, skills=skills, memberships=memberships)
        ids.extend(batch_ids)
        if on_progress is not None:
            on_progress(len(batch))
    db.flush()
    return ids
