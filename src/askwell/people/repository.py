"""Every query of the people domain, scoped to the acting person's organization.

Nobody else writes ``where(Person.org_id == ...)``: pages, API, CLI and other domains call these.
The only unscoped lookups are the ones sign-in needs before anyone is known
(``accounts_for_sign_in``) and the organization lookup by slug for admins' CLI work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from askwell.people.errors import OrganizationNotFound, PersonNotFound, TeamNotFound
from askwell.people.models import Organization, Person, PersonSkill, Role, Team, TeamMembership
from askwell.people.policy import Actor

MAX_PAGE = 100


def _with_profile(stmt: Select[Person]) -> Select[Person]:
    return stmt.options(
        selectinload(Person.skills),
        selectinload(Person.memberships).selectinload(TeamMembership.team),
    )


def actor_for(db: Session, person: Person) -> Actor:
    rows = db.execute(
        select(TeamMembership.team_id, TeamMembership.is_lead).where(
            TeamMembership.org_id == person.org_id, TeamMembership.person_id == person.id
        )
    ).all()
    return Actor(
        person_id=person.id,
        org_id=person.org_id,
        role=person.role,
        lead_of=frozenset(team for team, lead in rows if lead),
        teams=frozenset(team for team, _ in rows),
    )


def get_organization(db: Session, org_id: int) -> Organization:
    org = db.get(Organization, org_id)
    if org is None:
        raise OrganizationNotFound(str(org_id))
    return org


def organization_by_slug(db: Session, slug: str) -> Organization:
    org = db.scalar(select(Organization).where(Organization.slug == slug))
    if org is None:
        raise OrganizationNotFound(slug)
    return org


def accounts_for_sign_in(db: Session, email: str) -> Sequence[Person]:
    """Active people with this email in any organization (sign-in happens before we know which)."""
    return db.scalars(
        select(Person)
        .where(Person.email == email.strip().lower(), Person.is_active.is_(True))
        .order_by(Person.org_id)
        .limit(10)
    ).all()


@dataclass(frozen=True)
class SignInAccount:
    person: Person
    org_slug: str
    org_name: str


def sign_in_accounts(db: Session, email: str) -> list[SignInAccount]:
    """Active accounts with this email and the organizations they are in, oldest organization first."""
    rows = db.execute(
        select(Person, Organization.slug, Organization.name)
        .join(Organization, Organization.id == Person.org_id)
        .where(Person.email == email.strip().lower(), Person.is_active.is_(True))
        .order_by(Person.org_id)
        .limit(10)
    ).all()
    return [SignInAccount(person, slug, name) for person, slug, name in rows]


def get_person(db: Session, *, actor: Actor, person_id: int, include_inactive: bool = False) -> Person:
    stmt = _with_profile(select(Person).where(Person.org_id == actor.org_id, Person.id == person_id))
    if not include_inactive:
        stmt = stmt.where(Person.is_active.is_(True))
    person = db.scalar(stmt)
    if person is None:
        raise PersonNotFound()
    return person


def person_in_org(db: Session, *, org_id: int, person_id: int) -> Person | None:
    """The signed-in person behind a session or token (the session already names the org)."""
    return db.scalar(
        select(Person).where(Person.org_id == org_id, Person.id == person_id, Person.is_active.is_(True))
    )


def search_people(
    db: Session,
    *,
    actor: Actor,
    query: str = "",
    team_id: int | None = None,
    skill: str = "",
    limit: int = 20,
    offset: int = 0,
    include_inactive: bool = False,
) -> tuple[list[Person], int]:
    """The directory: by name/title/email words, by team and by skill; sorted by name."""
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    ids = select(Person.id).where(Person.org_id == actor.org_id)
    if not include_inactive:
        ids = ids.where(Person.is_active.is_(True))
    for word in query.casefold().split()[:5]:
        ids = ids.where(Person.search_text.like(f"%{_escape_like(word)}%", escape="\\"))
    if team_id is not None:
        ids = ids.where(
            Person.id.in_(
                select(TeamMembership.person_id).where(
                    TeamMembership.org_id == actor.org_id, TeamMembership.team_id == team_id
                )
            )
        )
    if skill.strip():
        ids = ids.where(
            Person.id.in_(
                select(PersonSkill.person_id).where(
                    PersonSkill.org_id == actor.org_id, PersonSkill.key == skill.strip().casefold()
                )
            )
        )
    # One scan gives the page and the total (a window count) instead of a count plus a page query.
    rows = db.execute(
        ids.add_columns(func.count().over()).order_by(Person.sort_name, Person.id).limit(limit).offset(offset)
    ).all()
    total = int(rows[0][1]) if rows else (db.scalar(select(func.count()).select_from(ids.subquery())) or 0)
    page_ids = [row[0] for row in rows]
    people = db.scalars(
        _with_profile(
            select(Person).where(Person.org_id == actor.org_id, Person.id.in_(page_ids or [-1]))
        ).order_by(Person.sort_name, Person.id)
    ).all()
    return list(people), total


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_teams(db: Session, *, actor: Actor) -> list[tuple[Team, int, list[str]]]:
    """Teams with their member count and leads' names, in two queries whatever the number of teams."""
    teams = db.scalars(select(Team).where(Team.org_id == actor.org_id).order_by(Team.name)).all()
    counts = dict(
        db.execute(
            select(TeamMembership.team_id, func.count())
            .where(TeamMembership.org_id == actor.org_id)
            .group_by(TeamMembership.team_id)
        ).all()
    )
    leads: dict[int, list[str]] = {}
    for team_id, name in db.execute(
        select(TeamMembership.team_id, Person.name)
        .join(Person, (Person.id == TeamMembership.person_id) & (Person.org_id == TeamMembership.org_id))
        .where(TeamMembership.org_id == actor.org_id, TeamMembership.is_lead.is_(True))
        .order_by(Person.sort_name)
    ):
        leads.setdefault(team_id, []).append(name)
    return [(t, counts.get(t.id, 0), leads.get(t.id, [])) for t in teams]


def get_team(db: Session, *, actor: Actor, team_id: int) -> Team:
    team = db.scalar(select(Team).where(Team.org_id == actor.org_id, Team.id == team_id))
    if team is None:
        raise TeamNotFound()
    return team


def team_by_slug(db: Session, *, actor: Actor, slug: str) -> Team:
    team = db.scalar(select(Team).where(Team.org_id == actor.org_id, Team.slug == slug))
    if team is None:
        raise TeamNotFound()
    return team


def teams_by_ids(db: Session, *, actor: Actor, team_ids: Iterable[int]) -> list[Team]:
    """The actor's organization's teams among these ids, by name; ids of other organizations are absent."""
    ids = set(team_ids)
    if not ids:
        return []
    return list(
        db.scalars(select(Team).where(Team.org_id == actor.org_id, Team.id.in_(ids)).order_by(Team.name))
    )


def teams_by_name(db: Session, *, org_id: int) -> dict[str, Team]:
    """Case-folded team name → team, for imports that name teams."""
    return {t.name.casefold(): t for t in db.scalars(select(Team).where(Team.org_id == org_id))}


def team_members(db: Session, *, actor: Actor, team_id: int) -> list[tuple[Person, bool]]:
    rows = db.execute(
        _with_profile(
            select(Person)
            .join(
                TeamMembership,
                (TeamMembership.person_id == Person.id) & (TeamMembership.org_id == Person.org_id),
            )
            .where(
                TeamMembership.org_id == actor.org_id,
                TeamMembership.team_id == team_id,
                Person.is_active.is_(True),
            )
            .add_columns(TeamMembership.is_lead)
        ).order_by(TeamMembership.is_lead.desc(), Person.sort_name)
    ).all()
    # add_columns is not reflected in the row type: each row is (Person, is_lead).
    return [(p, bool(lead)) for p, lead in rows]  # type: ignore[misc]  # add_columns is not reflected in SQLAlchemy's row type


def emails_in_org(db: Session, *, org_id: int) -> set[str]:
    return set(db.scalars(select(Person.email).where(Person.org_id == org_id)))


def emails_by_id(db: Session, *, org_id: int) -> dict[int, str]:
    """Person id → email for everyone of the organization (exports name people by email)."""
    return {
        pid: email
        for pid, email in db.execute(select(Person.id, Person.email).where(Person.org_id == org_id))
    }


def any_organization(db: Session) -> bool:
    """Whether the installation holds any organization yet (the demo loads only into an empty one)."""
    return db.scalar(select(Organization.id).limit(1)) is not None


def skill_holders(db: Session, *, org_id: int) -> list[tuple[int, str]]:
    """(person id, skill as written) for every listed skill, each person's in their own order."""
    return [
        (person_id, name)
        for person_id, name in db.execute(
            select(PersonSkill.person_id, PersonSkill.name)
            .where(PersonSkill.org_id == org_id)
            .order_by(PersonSkill.person_id, PersonSkill.position)
        )
    ]


def team_memberships(db: Session, *, org_id: int) -> list[tuple[int, int, bool]]:
    """(person id, team id, is lead) for every membership, by team then person."""
    return [
        (person_id, team_id, bool(lead))
        for person_id, team_id, lead in db.execute(
            select(TeamMembership.person_id, TeamMembership.team_id, TeamMembership.is_lead)
            .where(TeamMembership.org_id == org_id)
            .order_by(TeamMembership.team_id, TeamMembership.person_id)
        )
    ]


def teams_of_org(db: Session, *, org_id: int) -> list[Team]:
    """Every team of the organization by slug (exports)."""
    return list(db.scalars(select(Team).where(Team.org_id == org_id).order_by(Team.slug)))


def team_slugs(db: Session, *, org_id: int) -> dict[int, str]:
    """Team id → slug (exports name teams by slug)."""
    return {tid: slug for tid, slug in db.execute(select(Team.id, Team.slug).where(Team.org_id == org_id))}


def people_by_ids(
    db: Session, *, org_id: int, ids: Iterable[int] | None, active_only: bool = False
) -> dict[int, Person]:
    """People of one organization by id, for labels (former members included unless ``active_only``);
    every active person when ``ids`` is None. Ids of other organizations are simply absent."""
    stmt = select(Person).where(Person.org_id == org_id)
    if ids is None or active_only:
        stmt = stmt.where(Person.is_active.is_(True))
    if ids is not None:
        stmt = stmt.where(Person.id.in_(sorted(set(ids)) or [-1]))
    return {p.id: p for p in db.scalars(stmt)}


def all_people(db: Session, *, org_id: int) -> list[Person]:
    """Everyone in the organization with profile and teams: exports and indexes."""
    return list(db.scalars(_with_profile(select(Person).where(Person.org_id == org_id)).order_by(Person.id)))


def organizations_with_counts(db: Session) -> list[tuple[Organization, int]]:
    """Every organization with its number of active people, for operators (the CLI), not for users."""
    counts = dict(
        db.execute(
            select(Person.org_id, func.count()).where(Person.is_active.is_(True)).group_by(Person.org_id)
        ).all()
    )
    orgs = db.scalars(select(Organization).order_by(Organization.slug)).all()
    return [(org, counts.get(org.id, 0)) for org in orgs]


def person_by_email(db: Session, *, org_id: int, email: str, include_inactive: bool = False) -> Person | None:
    """An active person of one organization by their exact email (case-folded), never a fuzzy match:
    how CLI commands name the person they act for and how a team page adds a member (an erasure also
    names deactivated people, hence ``include_inactive``)."""
    stmt = select(Person).where(Person.org_id == org_id, Person.email == email.strip().lower())
    if not include_inactive:
        stmt = stmt.where(Person.is_active.is_(True))
    return db.scalar(stmt)


def slug_taken(db: Session, slug: str) -> bool:
    """Whether an organization has this slug (slugs are unique across the installation)."""
    return db.scalar(select(Organization.id).where(Organization.slug == slug)) is not None


def team_slug_taken(db: Session, *, org_id: int, slug: str) -> bool:
    return db.scalar(select(Team.id).where(Team.org_id == org_id, Team.slug == slug)) is not None


def membership(db: Session, *, org_id: int, team_id: int, person_id: int) -> TeamMembership | None:
    return db.scalar(
        select(TeamMembership).where(
            TeamMembership.org_id == org_id,
            TeamMembership.team_id == team_id,
            TeamMembership.person_id == person_id,
        )
    )


def active_admin_count(db: Session, *, org_id: int) -> int:
    count = db.scalar(
        select(func.count(Person.id)).where(
            Person.org_id == org_id, Person.role == Role.ADMIN.value, Person.is_active.is_(True)
        )
    )
    return int(count or 0)


def skill_names_of(db: Session, *, person: Person) -> list[str]:
    return list(
        db.scalars(
            select(PersonSkill.name)
            .where(PersonSkill.org_id == person.org_id, PersonSkill.person_id == person.id)
            .order_by(PersonSkill.position)
        )
    )


def teams_of(db: Session, *, person: Person) -> list[tuple[str, bool]]:
    """(team name, is lead) for each of the person's teams, by name."""
    rows = db.execute(
        select(Team.name, TeamMembership.is_lead)
        .join(TeamMembership, (TeamMembership.team_id == Team.id) & (TeamMembership.org_id == Team.org_id))
        .where(TeamMembership.org_id == person.org_id, TeamMembership.person_id == person.id)
        .order_by(Team.name)
    )
    return [(name, bool(lead)) for name, lead in rows]


def delete_skills_of(db: Session, *, person: Person) -> None:
    db.execute(
        delete(PersonSkill).where(PersonSkill.org_id == person.org_id, PersonSkill.person_id == person.id)
    )


def delete_memberships_of(db: Session, *, person: Person) -> None:
    db.execute(
        delete(TeamMembership).where(
            TeamMembership.org_id == person.org_id, TeamMembership.person_id == person.id
        )
    )


def insert_people(db: Session, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert people in one statement; their ids come back in the order of ``rows``."""
    return list(db.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), rows))


def insert_skills_and_memberships(
    db: Session, *, skills: Sequence[dict[str, Any]], memberships: Sequence[dict[str, Any]]
) -> None:
    """Bulk rows for people just inserted (one statement each, none when empty)."""
    if skills:
        db.execute(insert(PersonSkill), skills)
    if memberships:
        db.execute(insert(TeamMembership), memberships)
