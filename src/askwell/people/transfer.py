"""Export and import of a whole organization as one versioned JSON document.

The document is SENSITIVE: it keeps every account's password hash (so that people can still sign
in after a move) and everyone's profile. Store it like a database backup. Sessions, API tokens,
password-reset links and jobs are deliberately left out: they are secrets or transient state.
Pending invitations travel with their token *hash* (``askwell.accounts.transfer``), so that links
already sent keep working.

Rows refer to each other by natural keys (team slug, person email), never by database ids, so an
export → import → export round trip yields the same document. A domain adds its data by appending
one ``Section`` to ``SECTIONS``: a pydantic schema, an exporter, a loader (which finds the new ids
of people and teams in ``ImportContext.ids``) and an optional cross-reference check. The use cases
also take ``sections=`` so that an entry point can compose domains this package may not import.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from sqlalchemy.orm import Session

from askwell.core.errors import InvalidInput
from askwell.people import repository
from askwell.people.errors import SlugTaken
from askwell.people.models import Organization, Person, Role, Team
from askwell.people.schemas import (
    MAX_SKILLS,
    ClockTime,
    LongText,
    Name,
    OrganizationCreate,
    ShortText,
    SkillName,
    Timezone,
)

FORMAT = "askwell.organization"
VERSION = 1

Slug = Annotated[str, StringConstraints(min_length=1, max_length=80)]
# Emails come from our own database; they are compared exactly, not re-validated for deliverability.
StoredEmail = Annotated[str, StringConstraints(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganizationDoc(_Strict):
    slug: Annotated[str, StringConstraints(min_length=2, max_length=60)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    individual_analytics: bool = True
    created_at: AwareDatetime


class TeamDoc(_Strict):
    slug: Slug
    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    description: LongText = ""
    created_at: AwareDatetime


class MembershipDoc(_Strict):
    team: Slug
    is_lead: bool = False


class PersonDoc(_Strict):
    email: StoredEmail
    name: Name
    title: ShortText = ""
    timezone: Timezone = "UTC"
    can_help_with: LongText = ""
    learning: LongText = ""
    away_until: date | None = None
    work_start: ClockTime = "09:00"
    work_end: ClockTime = "17:00"
    work_days: Annotated[str, StringConstraints(pattern=r"^[1-7](,[1-7]){0,6}$")] = "1,2,3,4,5"

    @model_validator(mode="after")
    def _day_ends_after_it_starts(self) -> PersonDoc:
        if self.work_end <= self.work_start:  # "HH:MM" readings order as strings
            raise ValueError(f"{self.email}: the working day must end after it starts")
        return self

    role: Role = Role.MEMBER
    is_active: bool = True
    suggestible: bool = True
    password_hash: Annotated[str, StringConstraints(max_length=255)] | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    skills: Annotated[list[SkillName], Field(max_length=MAX_SKILLS)] = Field(default_factory=list)
    teams: list[MembershipDoc] = Field(default_factory=list)


class DocumentHead(BaseModel):
    """The fixed part of the document; each section is validated by its own schema."""

    model_config = ConfigDict(extra="allow")

    format: Literal["askwell.organization"]
    version: Literal[1]
    organization: OrganizationDoc


@dataclass
class ImportContext:
    """What loaders share: the new organization and natural key → new id maps, per section."""

    org_id: int
    now: datetime
    ids: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    name: str
    schema: TypeAdapter[Any]
    export: Callable[[Session, int], list[dict[str, Any]]]
    load: Callable[[Session, ImportContext, Any], None]
    # Cross-references to check before anything is written, e.g. memberships naming teams.
    check: Callable[[dict[str, Any]], list[str]] = lambda _doc: []


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- teams ----------------------------------------------------------------------------------------


def _export_teams(db: Session, org_id: int) -> list[dict[str, Any]]:
    teams = repository.teams_of_org(db, org_id=org_id)
    return [
        {"slug": t.slug, "name": t.name, "description": t.description, "created_at": _iso(t.created_at)}
        for t in teams
    ]


def _load_teams(db: Session, ctx: ImportContext, teams: list[TeamDoc]) -> None:
    ids: dict[str, int] = {}
    for t in teams:
        team = Team(
            org_id=ctx.org_id, slug=t.slug, name=t.name, description=t.description, created_at=t.created_at
        )
        db.add(team)
        db.flush()
        ids[t.slug] = team.id
    ctx.ids["teams"] = ids


def _check_teams(doc: dict[str, Any]) -> list[str]:
    slugs = [t.slug for t in doc.get("teams", [])]
    return [
        f"teams: the slug {s!r} appears more than once"
        for s in sorted({s for s in slugs if slugs.count(s) > 1})
    ]


# --- people ---------------------------------------------------------------------------------------


def _export_people(db: Session, org_id: int) -> list[dict[str, Any]]:
    team_slugs = repository.team_slugs(db, org_id=org_id)
    people = sorted(repository.all_people(db, org_id=org_id), key=lambda p: p.email)
    return [
        {
            "email": p.email,
            "name": p.name,
            "title": p.title,
            "timezone": p.timezone,
            "can_help_with": p.can_help_with,
            "learning": p.learning,
            "away_until": _iso(p.away_until),
            "work_start": p.work_start,
            "work_end": p.work_end,
            "work_days": p.work_days,
            "role": p.role,
            "is_active": p.is_active,
            "suggestible": p.suggestible,
            "password_hash": p.password_hash,
            "created_at": _iso(p.created_at),
            "updated_at": _iso(p.updated_at),
            "skills": p.skill_names,
            "teams": sorted(
                ({"team": team_slugs[m.team_id], "is_lead": m.is_lead} for m in p.memberships),
                key=lambda m: str(m["team"]),
            ),
        }
        for p in people
    ]


def _load_people(db: Session, ctx: ImportContext, people: list[PersonDoc]) -> None:
    rows = [
        {
            "org_id": ctx.org_id,
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
            "work_start": p.work_start,
            "work_end": p.work_end,
            "work_days": p.work_days,
            "role": p.role.value,
            "is_active": p.is_active,
            "suggestible": p.suggestible,
            "password_hash": p.password_hash,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
        }
        for p in people
    ]
    new_ids = repository.insert_people(db, rows) if rows else []
    ctx.ids["people"] = {p.email: pid for p, pid in zip(people, new_ids, strict=True)}
    team_ids = ctx.ids.get("teams", {})
    skills = [
        {"org_id": ctx.org_id, "person_id": pid, "name": name, "key": name.casefold(), "position": i}
        for p, pid in zip(people, new_ids, strict=True)
        for i, name in enumerate(p.skills)
    ]
    memberships = [
        {"org_id": ctx.org_id, "team_id": team_ids[m.team], "person_id": pid, "is_lead": m.is_lead}
        for p, pid in zip(people, new_ids, strict=True)
        for m in p.teams
    ]
    repository.insert_skills_and_memberships(db, skills=skills, memberships=memberships)


def _check_people(doc: dict[str, Any]) -> list[str]:
    problems = []
    emails = [p.email for p in doc.get("people", [])]
    problems += [
        f"people: {e} appears more than once" for e in sorted({e for e in emails if emails.count(e) > 1})
    ]
    slugs = {t.slug for t in doc.get("teams", [])}
    for i, person in enumerate(doc.get("people", [])):
        team_slugs = [m.team for m in person.teams]
        problems += [f"people.{i}.teams: no team {s!r} in the document" for s in team_slugs if s not in slugs]
        if len(set(team_slugs)) != len(team_slugs):
            problems.append(f"people.{i}.teams: a team is listed twice")
        keys = [s.casefold() for s in person.skills]
        if len(set(keys)) != len(keys):
            problems.append(f"people.{i}.skills: a skill is listed twice")
    return problems


SECTIONS: list[Section] = [
    Section("teams", TypeAdapter(list[TeamDoc]), _export_teams, _load_teams, _check_teams),
    Section("people", TypeAdapter(list[PersonDoc]), _export_people, _load_people, _check_people),
]


# --- use cases ------------------------------------------------------------------------------------


def export_org(db: Session, *, org_id: int, sections: Sequence[Section] | None = None) -> dict[str, Any]:
    """The whole organization as a JSON-ready dict (contains password hashes: handle with care)."""
    org = repository.get_organization(db, org_id)
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "organization": {
            "slug": org.slug,
            "name": org.name,
            "individual_analytics": org.individual_analytics,
            "created_at": _iso(org.created_at),
        },
    }
    for section in SECTIONS if sections is None else sections:
        document[section.name] = section.export(db, org_id)
    return document


def _validation_message(exc: ValidationError, prefix: str = "") -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        parts.append(f"{where}: {err['msg']}")
    more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return "; ".join(parts) + more


def validate_document(
    document: Any, sections: Sequence[Section] | None = None
) -> tuple[DocumentHead, dict[str, Any]]:
    """Parse the whole document before anything is written; raise InvalidInput naming the first problems."""
    if not isinstance(document, dict):
        raise InvalidInput("Not an Askwell organization export: the document must be a JSON object.")
    try:
        head = DocumentHead.model_validate(document)
    except ValidationError as exc:
        raise InvalidInput(f"Not a valid Askwell organization export: {_validation_message(exc)}") from exc
    sections = SECTIONS if sections is None else sections
    known = {"format", "version", "organization", *(s.name for s in sections)}
    if unknown := sorted(set(document) - known):
        raise InvalidInput(f"Unknown sections in the document: {', '.join(unknown)}.")
    parsed: dict[str, Any] = {}
    for section in sections:
        try:
            parsed[section.name] = section.schema.validate_python(document.get(section.name, []))
        except ValidationError as exc:
            raise InvalidInput(f"Invalid export: {_validation_message(exc, section.name)}") from exc
    problems = [p for section in sections for p in section.check(parsed)]
    if problems:
        raise InvalidInput("Inconsistent export: " + "; ".join(problems[:5]))
    return head, parsed


def import_org(
    db: Session,
    *,
    document: Any,
    now: datetime,
    slug: str | None = None,
    name: str | None = None,
    sections: Sequence[Section] | None = None,
) -> Organization:
    """Create a new organization from an export; ``slug``/``name`` override the document's.

    Everything is validated first and written in the caller's single transaction, so a bad
    document leaves nothing behind.
    """
    sections = SECTIONS if sections is None else sections
    head, parsed = validate_document(document, sections)
    try:
        wanted = OrganizationCreate(slug=slug or head.organization.slug, name=name or head.organization.name)
    except ValidationError as exc:
        raise InvalidInput(f"Invalid organization: {_validation_message(exc)}") from exc
    if repository.slug_taken(db, wanted.slug):
        raise SlugTaken(wanted.slug)
    org = Organization(
        slug=wanted.slug,
        name=wanted.name,
        individual_analytics=head.organization.individual_analytics,
        created_at=head.organization.created_at,
    )
    db.add(org)
    db.flush()
    ctx = ImportContext(org_id=org.id, now=now)
    for section in sections:
        section.load(db, ctx, parsed[section.name])
    db.flush()
    return org
