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
    ValidationInfo,
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
#: A local clock reading, "HH:MM" (24-hour), as a time input sends it.
ClockTime = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
]
#: The shortest working day routing and huddles can do anything with.
MIN_WORK_MINUTES = 60
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
    # Working hours on their own clock: routing asks people whose hours overlap the asker's, and
    # counts "N working hours" before the lead is asked; huddles invite people working now.
    work_start: ClockTime = "09:00"
    work_end: ClockTime = "17:00"
    work_days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5], min_length=1, max_length=7)

    @field_validator("work_days")
    @classmethod
    def _iso_weekdays(cls, value: list[int]) -> list[int]:
        if any(day < 1 or day > 7 for day in value):
            raise ValueError("working days are 1 (Monday) to 7 (Sunday)")
        return sorted(set(value))

    @field_validator("work_end")
    @classmethod
    def _after_start(cls, value: str, info: ValidationInfo) -> str:
        start = info.data.get("work_start")
        if start is None:  # the start itself was refused; its own message says why
            return value
        minutes = _minutes(value) - _minutes(start)
        if minutes <= 0:
            raise ValueError(
                f"the working day must end after it starts ({start}); overnight hours are not supported"
            )
        if minutes < MIN_WORK_MINUTES:
            raise ValueError(f"a working day lasts at least {MIN_WORK_MINUTES} minutes")
        return value


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def work_days_text(days: list[int]) -> str:
    """How ``Person.work_days`` stores the weekdays: "1,2,3,4,5"."""
    return ",".join(str(d) for d in sorted(set(days)))


def work_days_list(text: str) -> list[int]:
    return [int(d) for d in text.split(",") if d.strip().isdigit()]


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
    work_start: str = "09:00"
    work_end: str = "17:00"
    work_days: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])


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
