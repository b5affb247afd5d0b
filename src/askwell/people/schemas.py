"""Validated input and output shapes of the people domain (forms, API, CSV and CLI share them)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Generic, TypeVar
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from askwell.core.validation import SingleLine, VisibleText
from askwell.people.models import Role

MAX_SKILLS = 30
_TIMEZONES = frozenset(available_timezones())
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Every length limit of a profile, in characters; forms and templates import these.
NAME_MAX = 120
SHORT_TEXT_MAX = 120  # a title
LONG_TEXT_MAX = 2000  # "I can help with", "I'm learning"
SKILL_MAX = 60

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX), SingleLine]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=SHORT_TEXT_MAX), SingleLine]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=LONG_TEXT_MAX), VisibleText]
SkillName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SKILL_MAX), SingleLine
]


def normalise_email(value: str) -> str:
    return value.strip().lower()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "team"


def _check_timezone(value: str) -> str:
    value = value.strip()
    if value not in _TIMEZONES:
        raise ValueError(f"{value!r} is not an IANA timezone such as Europe/Berlin")
    ZoneInfo(value)
    return value


def _clean_skills(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for v in values:
        v = " ".join(v.split())
        if v and v.casefold() not in seen:
            seen[v.casefold()] = v
    if len(seen) > MAX_SKILLS:
        raise ValueError(f"at most {MAX_SKILLS} skills")
    return list(seen.values())


Timezone = Annotated[str, AfterValidator(_check_timezone)]
Skills = Annotated[list[SkillName], AfterValidator(_clean_skills)]
Email = Annotated[EmailStr, AfterValidator(normalise_email)]
T = TypeVar("T")


class ProfileUpdate(BaseModel):
    """What a person may change on their own profile."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    title: ShortText = ""
    timezone: Timezone = "UTC"
    skills: Skills = Field(default_factory=list)
    can_help_with: LongText = ""
    learning: LongText = ""
    away_until: date | None = None
    suggestible: bool = True


class PersonCreate(ProfileUpdate):
    email: Email
    role: Role = Role.MEMBER
    teams: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]] = (
        Field(default_factory=list)
    )
    lead_of: list[str] = Field(default_factory=list)


class TeamCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    description: LongText = ""


class OrganizationCreate(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    slug: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=60)]

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError("use lower-case letters, digits and single hyphens, e.g. acme-labs")
        return v


class PersonRef(BaseModel):
    """A person as other people's pages and answers name them (an offer's helper, a tie's other end):
    enough to recognise and link, nothing private. The one person reference of every domain."""

    id: int
    name: str
    title: str = ""


class TeamRef(BaseModel):
    id: int
    name: str
    slug: str
    is_lead: bool = False


class PersonSummary(BaseModel):
    """A person as a directory lists them."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    title: str
    email: str
    timezone: str
    skills: list[str]
    teams: list[TeamRef]
    away_until: date | None


class PersonRead(PersonSummary):
    can_help_with: str
    learning: str
    role: str
    suggestible: bool
    is_active: bool


class TeamRead(BaseModel):
    id: int
    name: str
    slug: str
    description: str
    member_count: int
    leads: list[str]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
