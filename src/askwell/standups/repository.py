"""Every query of the stand-ups domain, scoped to an organization (and, for people, to who asks)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from askwell.asks.models import Ask, Offer, OfferStatus, Thanks
from askwell.asks.repository import visible_asks
from askwell.core.db import rows_affected
from askwell.people.models import Person, Team, TeamMembership
from askwell.people.policy import Actor
from askwell.standups.models import (
    Checkin,
    CheckinAnswer,
    RetroVote,
    StandupAway,
    StandupPractice,
    StandupPrompt,
    StandupSchedule,
    StandupSettings,
)


def settings_of(db: Session, *, org_id: int, team_id: int) -> StandupSettings | None:
    return db.scalar(
        select(StandupSettings).where(StandupSettings.org_id == org_id, StandupSettings.team_id == team_id)
    )


def team_in_org(db: Session, *, org_id: int, team_id: int) -> Team | None:
    return db.scalar(select(Team).where(Team.org_id == org_id, Team.id == team_id))


def teams_by_ids(db: Session, *, org_id: int, team_ids: Iterable[int]) -> dict[int, Team]:
    ids = set(team_ids)
    if not ids:
        return {}
    rows = db.scalars(select(Team).where(Team.org_id == org_id, Team.id.in_(ids)))
    return {t.id: t for t in rows}


@dataclass(frozen=True)
class PersonStandups:
    """What scheduling needs of one person: their clock, their away days, their teams' stand-ups."""

    person: Person
    settings: list[StandupSettings]
    away: list[StandupAway]


def standups_of(db: Session, *, org_id: int, person_id: int) -> PersonStandups | None:
    """The enabled stand-ups of an active person's teams (two queries, however many teams)."""
    person = db.scalar(
        select(Person).where(Person.org_id == org_id, Person.id == person_id, Person.is_active.is_(True))
    )
    if person is None:
        return None
    settings = list(
        db.scalars(
            select(StandupSettings)
            .join(
                TeamMembership,
                and_(
                    TeamMembership.org_id == StandupSettings.org_id,
                    TeamMembership.team_id == StandupSettings.team_id,
                ),
            )
            .where(
                TeamMembership.org_id == org_id,
                TeamMembership.person_id == person_id,
                StandupSettings.enabled.is_(True),
            )
            .order_by(StandupSettings.team_id)
        )
    )
    away = list(
        db.scalars(
            select(StandupAway).where(StandupAway.org_id == org_id, StandupAway.person_id == person_id)
        )
    )
    return PersonStandups(person=person, settings=settings, away=away)


def member_ids(db: Session, *, org_id: int, team_id: int) -> list[int]:
    """Active members of a team."""
    return list(
        db.scalars(
            select(TeamMembership.person_id)
            .join(Person, and_(Person.org_id == TeamMembership.org_id, Person.id == TeamMembership.person_id))
            .where(
                TeamMembership.org_id == org_id,
                TeamMembership.team_id == team_id,
                Person.is_active.is_(True),
            )
            .order_by(TeamMembership.person_id)
        )
    )


def is_member(db: Session, *, org_id: int, team_id: int, person_id: int) -> bool:
    return (
        db.scalar(
            select(TeamMembership.id).where(
                TeamMembership.org_id == org_id,
                TeamMembership.team_id == team_id,
                TeamMembership.person_id == person_id,
            )
        )
        is not None
    )


def schedule_of(db: Session, *, org_id: int, person_id: int) -> StandupSchedule | None:
    return db.scalar(
        select(StandupSchedule).where(
            StandupSchedule.org_id == org_id, StandupSchedule.person_id == person_id
        )
    )


def due_schedules(db: Session, *, now: datetime, limit: int) -> list[StandupSchedule]:
    """People whose next prompt is due: one range scan of ``ix_standup_schedules_next_at``.

    Rows are locked (skipping those another worker holds, on PostgreSQL), so two ticks at once share
    the work instead of waiting on each other; the prompts' unique key is what makes it exactly once.
    """
    return list(
        db.scalars(
            select(StandupSchedule)
            .where(StandupSchedule.next_at <= now)
            .order_by(StandupSchedule.next_at, StandupSchedule.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def count_due(db: Session, *, now: datetime) -> int:
    """How many prompts are due (the benchmark's indexed side)."""
    return (
        db.scalar(select(func.count()).select_from(StandupSchedule).where(StandupSchedule.next_at <= now))
        or 0
    )


@dataclass(frozen=True)
class MemberLine:
    org_id: int
    person_id: int
    timezone: str
    settings: StandupSettings


def every_member_with_settings(db: Session) -> list[MemberLine]:
    """Every member of every team with an enabled stand-up: the naive scan the benchmark compares."""
    rows = db.execute(
        select(TeamMembership.org_id, TeamMembership.person_id, Person.timezone, StandupSettings)
        .join(Person, and_(Person.org_id == TeamMembership.org_id, Person.id == TeamMembership.person_id))
        .join(
            StandupSettings,
            and_(
                StandupSettings.org_id == TeamMembership.org_id,
                StandupSettings.team_id == TeamMembership.team_id,
            ),
        )
        .where(StandupSettings.enabled.is_(True), Person.is_active.is_(True))
    )
    return [MemberLine(r[0], r[1], r[2], r[3]) for r in rows]


def members_without_schedule(db: Session, *, limit: int) -> list[tuple[int, int]]:
    """(org_id, person_id) of members of enabled stand-ups that have no schedule row yet."""
    rows = db.execute(
        select(TeamMembership.org_id, TeamMembership.person_id)
        .join(
            StandupSettings,
            and_(
                StandupSettings.org_id == TeamMembership.org_id,
                StandupSettings.team_id == TeamMembership.team_id,
            ),
        )
        .outerjoin(
            StandupSchedule,
            and_(
                StandupSchedule.org_id == TeamMembership.org_id,
                StandupSchedule.person_id == TeamMembership.person_id,
            ),
        )
        .where(StandupSettings.enabled.is_(True), StandupSchedule.id.is_(None))
        .distinct()
        .limit(limit)
    )
    return [(r[0], r[1]) for r in rows]


def insert_prompt(db: Session, prompt: StandupPrompt) -> bool:
    """Insert the prompt unless this person already has one for that day (another worker, a catch-up)."""
    try:
        with db.begin_nested():
            db.add(prompt)
            db.flush()
    except IntegrityError:
        return False
    return True


def prompt_on(db: Session, *, org_id: int, person_id: int, local_date: date) -> StandupPrompt | None:
    return db.scalar(
        select(StandupPrompt).where(
            StandupPrompt.org_id == org_id,
            StandupPrompt.person_id == person_id,
            StandupPrompt.local_date == local_date,
        )
    )


def due_reminders(db: Session, *, now: datetime, limit: int) -> list[StandupPrompt]:
    """Prompts whose private reminder is due (an index on ``remind_at``; cleared when answered)."""
    return list(
        db.scalars(
            select(StandupPrompt)
            .where(StandupPrompt.remind_at <= now)
            .order_by(StandupPrompt.remind_at, StandupPrompt.id)
            .limit(limit)
        )
    )


def claim_reminder(db: Session, *, prompt: StandupPrompt, now: datetime) -> bool:
    """Take the reminder once: a second worker's conditional update matches nothing."""
    result = db.execute(
        update(StandupPrompt)
        .where(StandupPrompt.id == prompt.id, StandupPrompt.remind_at.is_not(None))
        .values(remind_at=None, reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


def checkin_on(db: Session, *, org_id: int, person_id: int, local_date: date) -> Checkin | None:
    return db.scalar(
        select(Checkin).where(
            Checkin.org_id == org_id, Checkin.person_id == person_id, Checkin.local_date == local_date
        )
    )


def get_checkin(db: Session, *, org_id: int, checkin_id: int) -> Checkin | None:
    return db.scalar(select(Checkin).where(Checkin.org_id == org_id, Checkin.id == checkin_id))


@dataclass(frozen=True)
class AnswerLine:
    question_key: str
    question: str
    text: str


def answers_of(db: Session, *, org_id: int, checkin_ids: Iterable[int]) -> dict[int, list[AnswerLine]]:
    """The answers of these check-ins, in the order of their questions (plain rows: boards read many)."""
    ids = set(checkin_ids)
    found: dict[int, list[AnswerLine]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = db.execute(
        select(
            CheckinAnswer.checkin_id, CheckinAnswer.question_key, CheckinAnswer.question, CheckinAnswer.text
        )
        .where(CheckinAnswer.org_id == org_id, CheckinAnswer.checkin_id.in_(ids))
        .order_by(CheckinAnswer.checkin_id, CheckinAnswer.position)
    )
    for checkin_id, key, question, text_ in rows:
        found[checkin_id].append(AnswerLine(key, question, text_))
    return found


def delete_answers(db: Session, *, checkin: Checkin) -> None:
    db.execute(
        delete(CheckinAnswer)
        .where(CheckinAnswer.org_id == checkin.org_id, CheckinAnswer.checkin_id == checkin.id)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class BoardHeader:
    """What a board read checks before it reads: the team, whether it has a stand-up, whether the
    reader is in it, and the reader's clock (one query instead of four round trips)."""

    team_name: str
    has_standup: bool
    is_member: bool
    timezone: str | None


def board_header(db: Session, *, org_id: int, team_id: int, person_id: int) -> BoardHeader | None:
    """None when the team is not in the organization."""
    has_standup = (
        select(StandupSettings.id)
        .where(StandupSettings.org_id == org_id, StandupSettings.team_id == team_id)
        .exists()
    )
    is_member = (
        select(TeamMembership.id)
        .where(
            TeamMembership.org_id == org_id,
            TeamMembership.team_id == team_id,
            TeamMembership.person_id == person_id,
        )
        .exists()
    )
    timezone = (
        select(Person.timezone).where(Person.org_id == org_id, Person.id == person_id).scalar_subquery()
    )
    row = db.execute(
        select(Team.name, has_standup, is_member, timezone).where(Team.org_id == org_id, Team.id == team_id)
    ).first()
    if row is None:
        return None
    return BoardHeader(team_name=row[0], has_standup=bool(row[1]), is_member=bool(row[2]), timezone=row[3])


def board_checkins(db: Session, *, org_id: int, team_id: int, local_date: date) -> list[tuple[Checkin, str]]:
    """The check-ins of a team's members on a day (filed under any of their teams: one a person)."""
    members = select(TeamMembership.person_id).where(
        TeamMembership.org_id == org_id, TeamMembership.team_id == team_id
    )
    rows = db.execute(
        select(Checkin, Person.name)
        .join(Person, and_(Person.org_id == Checkin.org_id, Person.id == Checkin.person_id))
        .where(Checkin.org_id == org_id, Checkin.local_date == local_date, Checkin.person_id.in_(members))
        .order_by(Checkin.submitted_at, Checkin.id)
    )
    return [(r[0], r[1]) for r in rows]


def previous_standup_date(db: Session, *, org_id: int, team_id: int, before: date) -> date | None:
    members = select(TeamMembership.person_id).where(
        TeamMembership.org_id == org_id, TeamMembership.team_id == team_id
    )
    return db.scalar(
        select(func.max(Checkin.local_date)).where(
            Checkin.org_id == org_id, Checkin.local_date < before, Checkin.person_id.in_(members)
        )
    )


@dataclass(frozen=True)
class AskLine:
    id: int
    title: str
    status: str
    author_id: int
    offers: int


def ask_lines(
    db: Session, *, org_id: int, ask_ids: Iterable[int], visible_to: Actor | None = None
) -> dict[int, AskLine]:
    """Title, status and live offer count of the asks drafted from check-ins (one query).

    With ``visible_to``, only the asks that person may see (a member's draft stays unshown): the
    visibility rule joins this query instead of costing a round trip of its own, which on PostgreSQL
    is most of what a board read costs."""
    ids = set(ask_ids)
    if not ids:
        return {}
    offers = (
        select(Offer.ask_id, func.count(Offer.id).label("n"))
        .where(
            Offer.org_id == org_id,
            Offer.ask_id.in_(ids),
            Offer.status.in_(
                [OfferStatus.PROPOSED.value, OfferStatus.ACCEPTED.value, OfferStatus.DONE.value]
            ),
        )
        .group_by(Offer.ask_id)
        .subquery()
    )
    stmt = (
        select(Ask.id, Ask.title, Ask.status, Ask.author_id, func.coalesce(offers.c.n, 0))
        .outerjoin(offers, offers.c.ask_id == Ask.id)
        .where(Ask.org_id == org_id, Ask.id.in_(ids))
    )
    if visible_to is not None:
        stmt = stmt.where(
            Ask.id.in_(visible_asks(visible_to).where(Ask.id.in_(ids)).with_only_columns(Ask.id))
        )
    rows = db.execute(stmt)
    return {r[0]: AskLine(r[0], r[1], r[2], r[3], int(r[4])) for r in rows}


@dataclass(frozen=True)
class ResolvedAsk:
    ask_id: int
    title: str
    author_name: str
    helpers: list[str]
    thanks: list[str]


def resolved_since(
    db: Session, *, org_id: int, team_id: int, since: datetime, statuses: Sequence[str]
) -> list[ResolvedAsk]:
    """Asks drafted from this team's check-ins that closed (helped) since ``since``, with thanks."""
    members = select(TeamMembership.person_id).where(
        TeamMembership.org_id == org_id, TeamMembership.team_id == team_id
    )
    asks = db.execute(
        select(Ask.id, Ask.title, Person.name)
        .join(Checkin, and_(Checkin.org_id == Ask.org_id, Checkin.ask_id == Ask.id))
        .join(Person, and_(Person.org_id == Ask.org_id, Person.id == Ask.author_id))
        .where(
            Ask.org_id == org_id,
            Checkin.person_id.in_(members),
            Checkin.private.is_(False),
            Ask.status.in_(list(statuses)),
            Ask.closed_at >= since,
        )
        .order_by(Ask.closed_at)
    ).all()
    if not asks:
        return []
    ids = [a[0] for a in asks]
    helpers: dict[int, list[str]] = {i: [] for i in ids}
    thanks: dict[int, list[str]] = {i: [] for i in ids}
    rows = db.execute(
        select(Offer.ask_id, Person.name, Thanks.note)
        .join(Person, and_(Person.org_id == Offer.org_id, Person.id == Offer.helper_id))
        .outerjoin(Thanks, and_(Thanks.org_id == Offer.org_id, Thanks.offer_id == Offer.id))
        .where(Offer.org_id == org_id, Offer.ask_id.in_(ids), Offer.status == OfferStatus.DONE.value)
        .order_by(Offer.id)
    )
    for ask_id, name, note in rows:
        helpers[ask_id].append(name)
        if note:
            thanks[ask_id].append(note)
    return [ResolvedAsk(a[0], a[1], a[2], helpers[a[0]], thanks[a[0]]) for a in asks]


def away_of(db: Session, *, org_id: int, person_id: int) -> list[StandupAway]:
    return list(
        db.scalars(
            select(StandupAway)
            .where(StandupAway.org_id == org_id, StandupAway.person_id == person_id)
            .order_by(StandupAway.starts_on)
        )
    )


def people_names(db: Session, *, org_id: int, person_ids: Iterable[int]) -> dict[int, str]:
    ids = set(person_ids)
    if not ids:
        return {}
    rows = db.execute(select(Person.id, Person.name).where(Person.org_id == org_id, Person.id.in_(ids)))
    return {r[0]: r[1] for r in rows}


def my_standup_teams(db: Session, *, org_id: int, person_id: int) -> list[tuple[Team, StandupSettings]]:
    rows = db.execute(
        select(Team, StandupSettings)
        .join(
            StandupSettings, and_(StandupSettings.org_id == Team.org_id, StandupSettings.team_id == Team.id)
        )
        .join(TeamMembership, and_(TeamMembership.org_id == Team.org_id, TeamMembership.team_id == Team.id))
        .where(
            Team.org_id == org_id,
            TeamMembership.person_id == person_id,
            StandupSettings.enabled.is_(True),
        )
        .order_by(Team.id)
    )
    return [(r[0], r[1]) for r in rows]


def timezone_of(db: Session, *, org_id: int, person_id: int) -> str | None:
    return db.scalar(select(Person.timezone).where(Person.org_id == org_id, Person.id == person_id))


def due_digests(db: Session, *, now: datetime, limit: int) -> list[StandupPrompt]:
    """Prompts whose window closed and whose digest has not gone out (an index on ``digest_at``)."""
    return list(
        db.scalars(
            select(StandupPrompt)
            .where(StandupPrompt.digest_at <= now)
            .order_by(StandupPrompt.digest_at, StandupPrompt.id)
            .limit(limit)
        )
    )


def claim_digest(db: Session, *, prompt: StandupPrompt) -> bool:
    """Take the digest once: a second worker's conditional update matches nothing."""
    result = db.execute(
        update(StandupPrompt)
        .where(StandupPrompt.id == prompt.id, StandupPrompt.digest_at.is_not(None))
        .values(digest_at=None)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


# --- the 30–45-day practice --------------------------------------------------------------------------


def active_practice(db: Session, *, org_id: int, team_id: int) -> StandupPractice | None:
    return db.scalar(
        select(StandupPractice).where(
            StandupPractice.org_id == org_id,
            StandupPractice.team_id == team_id,
            StandupPractice.active.is_(True),
        )
    )


def latest_practice(db: Session, *, org_id: int, team_id: int) -> StandupPractice | None:
    """The team's active practice, else its most recent one."""
    return db.scalar(
        select(StandupPractice)
        .where(StandupPractice.org_id == org_id, StandupPractice.team_id == team_id)
        .order_by(StandupPractice.active.desc(), StandupPractice.starts_on.desc(), StandupPractice.id.desc())
        .limit(1)
    )


def get_practice(db: Session, *, org_id: int, practice_id: int) -> StandupPractice | None:
    return db.scalar(
        select(StandupPractice).where(StandupPractice.org_id == org_id, StandupPractice.id == practice_id)
    )


def insert_practice(db: Session, practice: StandupPractice) -> bool:
    """Insert unless the team already has an active practice (two leads pressing Start at once)."""
    try:
        with db.begin_nested():
            db.add(practice)
            db.flush()
    except IntegrityError:
        return False
    return True


def active_practices(db: Session, *, limit: int, org_id: int | None = None) -> list[StandupPractice]:
    """Every active practice, across organizations (the worker's weekly pass; an index on ``active``),
    or one organization's (the demo)."""
    query = select(StandupPractice).where(StandupPractice.active.is_(True))
    if org_id is not None:
        query = query.where(StandupPractice.org_id == org_id)
    return list(db.scalars(query.order_by(StandupPractice.id).limit(limit)))


def claim_week(db: Session, *, practice_id: int, week: int) -> bool:
    """Take week ``week``'s reminder once: a second worker's (or a re-run's) update matches nothing."""
    result = db.execute(
        update(StandupPractice)
        .where(
            StandupPractice.id == practice_id,
            StandupPractice.active.is_(True),
            StandupPractice.reminded_week < week,
        )
        .values(reminded_week=week)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


def claim_retro(db: Session, *, practice_id: int, now: datetime) -> bool:
    result = db.execute(
        update(StandupPractice)
        .where(
            StandupPractice.id == practice_id,
            StandupPractice.active.is_(True),
            StandupPractice.retro_opened_at.is_(None),
        )
        .values(retro_opened_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


def claim_end(db: Session, *, practice_id: int, now: datetime, stopped: bool) -> bool:
    """End an active practice once (it ran its course, or a lead stopped it)."""
    values: dict[str, object] = {"active": False, "ended_at": now}
    if stopped:
        values["stopped_at"] = now
    result = db.execute(
        update(StandupPractice)
        .where(StandupPractice.id == practice_id, StandupPractice.active.is_(True))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


def lead_ids(db: Session, *, org_id: int, team_id: int) -> list[int]:
    """Active leads of a team."""
    return list(
        db.scalars(
            select(TeamMembership.person_id)
            .join(Person, and_(Person.org_id == TeamMembership.org_id, Person.id == TeamMembership.person_id))
            .where(
                TeamMembership.org_id == org_id,
                TeamMembership.team_id == team_id,
                TeamMembership.is_lead.is_(True),
                Person.is_active.is_(True),
            )
            .order_by(TeamMembership.person_id)
        )
    )


@dataclass(frozen=True)
class AskFactRow:
    ask_id: int
    opened_at: datetime
    first_offer_at: datetime | None
    status: str
    done_offers: int


def ask_facts(
    db: Session,
    *,
    org_id: int,
    author_ids: Iterable[int] | None = None,
    ask_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AskFactRow]:
    """Opened asks (of these authors, or these ids, opened in ``[since, until)``), each with its first
    offer and its number of offers marked done: two grouped subqueries, one pass."""
    first = (
        select(Offer.ask_id, func.min(Offer.created_at).label("first_at"))
        .where(Offer.org_id == org_id)
        .group_by(Offer.ask_id)
        .subquery()
    )
    done = (
        select(Offer.ask_id, func.count(Offer.id).label("n"))
        .where(Offer.org_id == org_id, Offer.status == OfferStatus.DONE.value)
        .group_by(Offer.ask_id)
        .subquery()
    )
    query = (
        select(Ask.id, Ask.opened_at, first.c.first_at, Ask.status, func.coalesce(done.c.n, 0))
        .outerjoin(first, first.c.ask_id == Ask.id)
        .outerjoin(done, done.c.ask_id == Ask.id)
        .where(Ask.org_id == org_id, Ask.opened_at.is_not(None))
    )
    if author_ids is not None:
        authors = set(author_ids)
        if not authors:
            return []
        query = query.where(Ask.author_id.in_(authors))
    if ask_ids is not None:
        ids = set(ask_ids)
        if not ids:
            return []
        query = query.where(Ask.id.in_(ids))
    if since is not None:
        query = query.where(Ask.opened_at >= since)
    if until is not None:
        query = query.where(Ask.opened_at < until)
    return [AskFactRow(r[0], r[1], r[2], r[3], int(r[4])) for r in db.execute(query.order_by(Ask.id))]


def help_given_by(
    db: Session, *, org_id: int, helper_ids: Iterable[int], since: datetime, until: datetime
) -> list[tuple[int, int]]:
    """(helper, person helped) of each help these people gave (offers marked done) in ``[since, until)``."""
    helpers = set(helper_ids)
    if not helpers:
        return []
    rows = db.execute(
        select(Offer.helper_id, Ask.author_id)
        .join(Ask, and_(Ask.org_id == Offer.org_id, Ask.id == Offer.ask_id))
        .where(
            Offer.org_id == org_id,
            Offer.helper_id.in_(helpers),
            Offer.status == OfferStatus.DONE.value,
            Offer.done_at >= since,
            Offer.done_at < until,
        )
    )
    return [(r[0], r[1]) for r in rows]


@dataclass(frozen=True)
class CheckinFact:
    person_id: int
    local_date: date
    ask_id: int | None
    need: bool


def checkin_facts(
    db: Session, *, org_id: int, person_ids: Iterable[int], first: date, last: date
) -> list[CheckinFact]:
    """The check-ins of these people between two days (both included): who, which day, any need."""
    ids = set(person_ids)
    if not ids or last < first:
        return []
    rows = db.execute(
        select(Checkin.person_id, Checkin.local_date, Checkin.ask_id, Checkin.need_text)
        .where(
            Checkin.org_id == org_id,
            Checkin.person_id.in_(ids),
            Checkin.local_date >= first,
            Checkin.local_date <= last,
        )
        .order_by(Checkin.local_date, Checkin.person_id)
    )
    return [CheckinFact(r[0], r[1], r[2], r[3] is not None) for r in rows]


def replace_votes(
    db: Session, *, org_id: int, practice_id: int, person_id: int, votes: list[RetroVote]
) -> None:
    """A member's retro votes replace their earlier ones."""
    db.execute(
        delete(RetroVote)
        .where(
            RetroVote.org_id == org_id,
            RetroVote.practice_id == practice_id,
            RetroVote.person_id == person_id,
        )
        .execution_options(synchronize_session=False)
    )
    db.add_all(votes)
    db.flush()


def retro_counts(db: Session, *, org_id: int, practice_id: int) -> tuple[list[tuple[str, str, int]], int]:
    """(question key, choice, how many) and how many members voted: counts only, never who."""
    rows = db.execute(
        select(RetroVote.question_key, RetroVote.choice, func.count(RetroVote.id))
        .where(RetroVote.org_id == org_id, RetroVote.practice_id == practice_id)
        .group_by(RetroVote.question_key, RetroVote.choice)
    )
    voters = db.scalar(
        select(func.count(func.distinct(RetroVote.person_id))).where(
            RetroVote.org_id == org_id, RetroVote.practice_id == practice_id
        )
    )
    return [(r[0], r[1], int(r[2])) for r in rows], int(voters or 0)


def practice_markers(
    db: Session, *, org_id: int, since: date
) -> list[tuple[date, date, str, int, bool, datetime | None]]:
    """(start, last day, team name, length, active, stopped at) of practices that ran since ``since``."""
    rows = db.execute(
        select(
            StandupPractice.starts_on,
            StandupPractice.ends_on,
            Team.name,
            StandupPractice.days,
            StandupPractice.active,
            StandupPractice.stopped_at,
        )
        .join(Team, and_(Team.org_id == StandupPractice.org_id, Team.id == StandupPractice.team_id))
        .where(StandupPractice.org_id == org_id, StandupPractice.ends_on >= since)
        .order_by(StandupPractice.starts_on)
    )
    return [(r[0], r[1], r[2], int(r[3]), bool(r[4]), r[5]) for r in rows]


# --- erasure: the system acts on one person's rows, not a reader -------------------------------------


def checkin_ids_of(db: Session, *, org_id: int, person_id: int) -> list[int]:
    return list(
        db.scalars(select(Checkin.id).where(Checkin.org_id == org_id, Checkin.person_id == person_id))
    )


def replace_checkin_words(db: Session, *, org_id: int, person_id: int, text: str) -> None:
    """Every answer and drafted need of one person's check-ins replaced by ``text`` (rows kept)."""
    ids = checkin_ids_of(db, org_id=org_id, person_id=person_id)
    if ids:
        db.execute(
            update(CheckinAnswer)
            .where(CheckinAnswer.org_id == org_id, CheckinAnswer.checkin_id.in_(ids))
            .values(text=text)
            .execution_options(synchronize_session=False)
        )
    db.execute(
        update(Checkin)
        .where(Checkin.org_id == org_id, Checkin.person_id == person_id, Checkin.need_text.is_not(None))
        .values(need_text=text)
        .execution_options(synchronize_session=False)
    )


def forget_schedule(db: Session, *, org_id: int, person_id: int) -> None:
    """No next prompt, no away periods, and no reminder or digest still to send to this person."""
    for model in (StandupSchedule, StandupAway):
        db.execute(
            delete(model)
            .where(model.org_id == org_id, model.person_id == person_id)
            .execution_options(synchronize_session=False)
        )
    db.execute(
        update(StandupPrompt)
        .where(StandupPrompt.org_id == org_id, StandupPrompt.person_id == person_id)
        .values(remind_at=None, digest_at=None)
        .execution_options(synchronize_session=False)
    )


# --- organization export and import (an admin-only, whole-organization read) --------------------------


@dataclass(frozen=True)
class OrgStandups:
    """Every stand-up row of one organization, each list in a stable order, with the natural keys
    (emails, team slugs) the export writes in place of ids."""

    emails: dict[int, str]
    team_slugs: dict[int, str]
    settings: list[StandupSettings]
    away: list[StandupAway]
    schedules: list[StandupSchedule]
    prompts: list[StandupPrompt]
    checkins: list[Checkin]
    answers: list[CheckinAnswer]


def org_standups(db: Session, *, org_id: int) -> OrgStandups:
    def rows(model: Any, *order: Any) -> list[Any]:
        return list(db.scalars(select(model).where(model.org_id == org_id).order_by(*order, model.id)))

    return OrgStandups(
        emails={i: e for i, e in db.execute(select(Person.id, Person.email).where(Person.org_id == org_id))},
        team_slugs={i: s for i, s in db.execute(select(Team.id, Team.slug).where(Team.org_id == org_id))},
        settings=rows(StandupSettings),
        away=rows(StandupAway, StandupAway.starts_on),
        schedules=rows(StandupSchedule),
        prompts=rows(StandupPrompt, StandupPrompt.local_date),
        checkins=rows(Checkin, Checkin.local_date),
        answers=rows(CheckinAnswer, CheckinAnswer.checkin_id, CheckinAnswer.position),
    )


def insert_rows(db: Session, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Imported rows in one statement; their new ids in the order of ``rows``."""
    if not rows:
        return []
    return list(db.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))


def checkin_days(db: Session, *, org_id: int) -> dict[int, tuple[int, date]]:
    """Check-in id → (its person, its day): how other domains' export sections name a check-in."""
    rows = db.execute(
        select(Checkin.id, Checkin.person_id, Checkin.local_date).where(Checkin.org_id == org_id)
    )
    return {r[0]: (r[1], r[2]) for r in rows}
