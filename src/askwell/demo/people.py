"""The people and teams of the demo organization, planned as plain data from a seeded ``Random``.

Pure: no database and no clock (``today`` is passed in), so the same seed always gives the same
organization and the plan can be tested without writing it.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import available_timezones

from askwell.demo.catalog import (
    CROSS_SKILLS,
    DISCIPLINES,
    HOME_TIMEZONES,
    NAMES,
    SENIORITY,
    SQUADS,
    Discipline,
)
from askwell.people.models import Role
from askwell.people.schemas import PersonCreate, TeamCreate

EMAIL_DOMAIN = "demo.askwell.app"
MIN_SIZE = 3
# Teams of about a dozen people once the organization outgrows one team per discipline.
TEAM_SIZE = 12
SECOND_TEAM_SHARE = 0.15
AWAY_SHARE = 0.04
ELSEWHERE_SHARE = 0.2
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d"})
_WORLD_TIMEZONES = tuple(
    sorted(
        tz
        for tz in available_timezones()
        if tz.split("/")[0] in {"Europe", "America", "Asia", "Africa", "Australia"}
    )
)


@dataclass(frozen=True)
class KnownAccount:
    role: str
    email: str
    name: str


@dataclass(frozen=True)
class PeoplePlan:
    teams: list[TeamCreate]
    people: list[PersonCreate]
    known: list[KnownAccount]


def _email_local(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name.translate(_ASCII)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", plain.lower()).strip(".")


def _team_names(count: int) -> list[tuple[str, Discipline]]:
    names: list[tuple[str, Discipline]] = []
    round_ = 0
    while len(names) < count:
        for d in DISCIPLINES:
            if round_ == 0:
                names.append((d.team, d))
            else:
                squad = SQUADS[(round_ - 1) % len(SQUADS)]
                cycle = (round_ - 1) // len(SQUADS)
                names.append((f"{d.team} {squad}" + (f" {cycle + 1}" if cycle else ""), d))
        round_ += 1
    return names[:count]


def _sentence(rng: random.Random, openers: tuple[str, ...], topics: tuple[str, ...]) -> str:
    picked = rng.sample(topics, k=min(len(topics), rng.randint(1, 2)))
    return rng.choice(openers).format(" and ".join(picked))


_HELP_OPENERS = (
    "Happy to help with {}.",
    "Ask me about {}.",
    "I can pair with you on {}.",
    "I've done a lot of {}; ping me any time.",
)
_LEARN_OPENERS = (
    "Currently learning {}.",
    "I'm getting into {}.",
    "Would love pointers on {}.",
    "Learning {} this quarter.",
)


def plan_people(*, size: int, seed: int, today: date) -> PeoplePlan:
    """About ``size`` people in teams of one discipline each, with leads, second teams and absences."""
    if size < MIN_SIZE:
        raise ValueError(f"a demo organization needs at least {MIN_SIZE} people")
    rng = random.Random(f"{seed}:people")
    team_names = _team_names(max(len(DISCIPLINES), size // TEAM_SIZE))
    slots = [i % len(team_names) for i in range(size)]
    rng.shuffle(slots)
    slots.sort()  # people are listed team by team, so each team's first member can lead it
    cultures = sorted(NAMES)
    used_emails: set[str] = set()
    seen_in_team: dict[int, int] = {}
    people: list[PersonCreate] = []
    for team_index in slots:
        team, discipline = team_names[team_index]
        position = seen_in_team.get(team_index, 0)
        seen_in_team[team_index] = position + 1
        is_lead = position == 0 or (position == 1 and rng.random() < 0.4)
        culture = rng.choice(cultures)
        firsts, lasts = NAMES[culture]
        name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        local, n = _email_local(name), 1
        while f"{local}@{EMAIL_DOMAIN}" in used_emails or local in {"admin", "lead", "member"}:
            n += 1
            local = f"{_email_local(name)}{n}"
        email = f"{local}@{EMAIL_DOMAIN}"
        used_emails.add(email)
        title = (
            discipline.lead_title
            if is_lead
            else " ".join(filter(None, (rng.choice(SENIORITY), rng.choice(discipline.roles))))
        )
        skills = rng.sample(discipline.skills, k=rng.randint(3, 6)) + rng.sample(
            CROSS_SKILLS, k=rng.randint(0, 2)
        )
        teams = [team]
        if len(team_names) > 1 and rng.random() < SECOND_TEAM_SHARE:
            other = rng.randrange(len(team_names) - 1)
            teams.append(team_names[other if other < team_index else other + 1][0])
        timezone = (
            rng.choice(_WORLD_TIMEZONES)
            if rng.random() < ELSEWHERE_SHARE
            else rng.choice(HOME_TIMEZONES[culture])
        )
        away = today + timedelta(days=rng.randint(3, 30)) if rng.random() < AWAY_SHARE else None
        people.append(
            PersonCreate(
                name=name,
                email=email,
                title=title,
                timezone=timezone,
                skills=skills,
                can_help_with=_sentence(rng, _HELP_OPENERS, discipline.helps),
                learning=_sentence(rng, _LEARN_OPENERS, discipline.learns),
                away_until=away,
                role=Role.LEAD if is_lead else Role.MEMBER,
                teams=teams,
                lead_of=[team] if is_lead else [],
            )
        )
    known = _known_accounts(people)
    teams_out = [TeamCreate(name=name, description=d.description) for name, d in team_names]
    return PeoplePlan(teams=teams_out, people=people, known=known)


def _known_accounts(people: list[PersonCreate]) -> list[KnownAccount]:
    """Give three people well-known sign-ins: an admin, a team lead and a member."""
    lead = next(i for i, p in enumerate(people) if p.role == Role.LEAD)
    members = [i for i, p in enumerate(people) if p.role == Role.MEMBER and p.away_until is None]
    member = members[0] if members else next(i for i in range(len(people)) if i != lead)
    # Admins usually sit in People Ops; any member will do in a tiny organization.
    people_ops = [i for i in members[1:] if people[i].teams[0] == "People Ops"]
    admin = next(i for i in [*people_ops, *members[1:], *range(len(people))] if i not in (lead, member))
    known = []
    for index, role in ((admin, Role.ADMIN), (lead, Role.LEAD), (member, Role.MEMBER)):
        email = f"{role.value}@{EMAIL_DOMAIN}"
        people[index] = people[index].model_copy(update={"email": email, "role": role})
        known.append(KnownAccount(role=role.value, email=email, name=people[index].name))
    return known
