"""Use cases of the stand-ups domain: set a team's stand-up up, schedule and send the day's prompts,
take a check-in, draft an ask from a need found in it and open it once the member confirms, and show
the team's board.

Services flush and never commit: the route, job or command owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from askwell.asks import repository as asks_repo
from askwell.asks import service as asks_service
from askwell.asks.coaching.verdicts import CRITERION_NAMES
from askwell.asks.models import Ask, AskStatus, Visibility
from askwell.asks.schemas import TITLE_MAX, AskCreate, AskWrite
from askwell.core.errors import InvalidInput
from askwell.core.events import (
    HelpNeededConfirmed,
    PracticeEnded,
    PracticeReminded,
    PracticeRetroOpened,
    StandupDigested,
    StandupPrompted,
    StandupReminded,
    emit,
)
from askwell.core.localtime import zone
from askwell.people.models import Person
from askwell.people.policy import Actor, can_manage_team
from askwell.standups import practice, repository, schedule
from askwell.standups.errors import (
    CheckinNotFound,
    EmptyCheckin,
    FutureCheckin,
    NoDraftToConfirm,
    NoStandupForPractice,
    NoStandupToday,
    NotATeamLead,
    NotInTeam,
    PracticeAlreadyActive,
    PracticeNotActive,
    PracticeNotFound,
    PracticeStartTooFar,
    RetroClosed,
    StandupNotFound,
    UnknownHolidayRegion,
    UnknownQuestion,
)
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
from askwell.standups.needs import find_need
from askwell.standups.schemas import (
    AnswerRead,
    AwayWrite,
    BoardRead,
    CheckinRead,
    CheckinWrite,
    FiguresRead,
    NeedConfirm,
    NeedRead,
    PracticeRead,
    PracticeReport,
    PracticeStart,
    PracticeWeek,
    Question,
    RecommendationRead,
    ResolvedLine,
    RetroTally,
    RetroWrite,
    StandupFiguresRead,
    StandupSettingsRead,
    StandupSettingsWrite,
    TeamLine,
    TodayRead,
)

DEFAULT_QUESTIONS = (
    Question(key="worked_on", text="What did you work on?"),
    Question(key="working_on", text="What are you working on today?"),
    Question(key="help_needed", text="What help do you need? Anything blocking you?", optional=True),
)
HELP_OTHERS = Question(key="help_others", text="What could you help others with today?", optional=True)
ROTATING_KEY = "rotating"
#: The answer scanned first for a need: the one that asks for it; the others are scanned after.
HELP_KEY = "help_needed"
#: How many people's prompts one pass of the tick takes (a bounded loop takes several passes).
TICK_BATCH = 500
TICK_PASSES = 40
HELPED = (AskStatus.FULFILLED.value, AskStatus.PARTLY_FULFILLED.value)


# --- settings ----------------------------------------------------------------------------------------


def questions_for(data: StandupSettingsWrite) -> list[Question]:
    questions = list(DEFAULT_QUESTIONS)
    if data.ask_help_others:
        questions.append(HELP_OTHERS)
    questions += [Question(key=f"custom_{i + 1}", text=text) for i, text in enumerate(data.custom_questions)]
    return questions


def cadence_of(settings: StandupSettings) -> schedule.Cadence:
    return schedule.Cadence(
        team_id=settings.team_id,
        weekdays=schedule.parse_weekdays(settings.weekdays) if settings.enabled else frozenset(),
        at=schedule.parse_time(settings.prompt_time),
        window=timedelta(minutes=settings.window_minutes),
        country=settings.holiday_country,
        subdivision=settings.holiday_subdivision,
    )


def _team(db: Session, actor: Actor, team_id: int) -> str:
    team = repository.team_in_org(db, org_id=actor.org_id, team_id=team_id)
    if team is None:
        raise StandupNotFound()
    return team.name


def configure(
    db: Session, *, actor: Actor, team_id: int, data: StandupSettingsWrite, now: datetime
) -> StandupSettings:
    """Set a team's stand-up up (or change it): leads of the team and admins only. Every member's
    next prompt is recomputed at once, so a new time applies from the next stand-up day."""
    _team(db, actor, team_id)
    if not can_manage_team(actor, team_id=team_id):
        raise NotATeamLead()
    country = data.holiday_country.upper() if data.holiday_country else None
    subdivision = (data.holiday_subdivision or "").strip().upper() or None
    if country is not None and not schedule.known_region(country, subdivision):
        raise UnknownHolidayRegion()
    row = repository.settings_of(db, org_id=actor.org_id, team_id=team_id)
    if row is None:
        row = StandupSettings(org_id=actor.org_id, team_id=team_id, created_at=now)
        db.add(row)
    row.enabled = data.enabled
    row.weekdays = ",".join(str(d) for d in data.weekdays)
    row.prompt_time = data.prompt_time
    row.window_minutes = data.window_minutes
    row.questions = [q.model_dump() for q in questions_for(data)]
    row.rotating = list(data.rotating_questions)
    row.holiday_country = country
    row.holiday_subdivision = subdivision if country else None
    row.updated_at = now
    db.flush()
    for person_id in repository.member_ids(db, org_id=actor.org_id, team_id=team_id):
        reschedule(db, org_id=actor.org_id, person_id=person_id, now=now)
    return row


def settings_read(db: Session, *, actor: Actor, team_id: int) -> StandupSettingsRead:
    name = _team(db, actor, team_id)
    _require_member(db, actor, team_id)
    row = repository.settings_of(db, org_id=actor.org_id, team_id=team_id)
    if row is None:
        defaults = StandupSettingsWrite()
        return StandupSettingsRead(
            team_id=team_id,
            team_name=name,
            enabled=False,
            weekdays=defaults.weekdays,
            prompt_time=defaults.prompt_time,
            window_minutes=defaults.window_minutes,
            questions=questions_for(defaults),
            rotating_questions=[],
            holiday_country=None,
            holiday_subdivision=None,
        )
    return StandupSettingsRead(
        team_id=team_id,
        team_name=name,
        enabled=row.enabled,
        weekdays=sorted(schedule.parse_weekdays(row.weekdays)),
        prompt_time=row.prompt_time,
        window_minutes=row.window_minutes,
        questions=[Question.model_validate(q) for q in row.questions],
        rotating_questions=list(row.rotating),
        holiday_country=row.holiday_country,
        holiday_subdivision=row.holiday_subdivision,
    )


def _require_member(db: Session, actor: Actor, team_id: int) -> None:
    if actor.is_admin or team_id in actor.teams:
        return
    if not repository.is_member(db, org_id=actor.org_id, team_id=team_id, person_id=actor.person_id):
        raise NotInTeam()


def set_away(db: Session, *, actor: Actor, data: AwayWrite, now: datetime) -> StandupAway:
    """The person will be away: no prompt and no reminder on those days."""
    if data.ends_on < data.starts_on:
        raise InvalidInput(
            "The last day away comes before the first.", fields={"ends_on": "before starts_on"}
        )
    away = StandupAway(
        org_id=actor.org_id,
        person_id=actor.person_id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_at=now,
    )
    db.add(away)
    db.flush()
    reschedule(db, org_id=actor.org_id, person_id=actor.person_id, now=now)
    return away


# --- scheduling --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A person's scheduling inputs: their zone, their teams' cadences and their away days."""

    tz: ZoneInfo
    cadences: list[schedule.Cadence]
    away: list[schedule.Away]


def _plan(db: Session, *, org_id: int, person_id: int) -> Plan | None:
    found = repository.standups_of(db, org_id=org_id, person_id=person_id)
    if found is None:
        return None
    away = [schedule.Away(a.starts_on, a.ends_on) for a in found.away]
    if found.person.away_until is not None:
        # "Away until" is the day they are back (as in matching): away up to the day before.
        away.append(schedule.Away(date.min, found.person.away_until - timedelta(days=1)))
    return Plan(tz=zone(found.person.timezone), cadences=[cadence_of(s) for s in found.settings], away=away)


def reschedule(
    db: Session, *, org_id: int, person_id: int, now: datetime, from_day: date | None = None
) -> StandupSchedule | None:
    """Compute and store a person's next prompt: from ``from_day``, else from their today (or
    tomorrow, when today's prompt already went out)."""
    plan = _plan(db, org_id=org_id, person_id=person_id)
    row = repository.schedule_of(db, org_id=org_id, person_id=person_id)
    prompt = None
    if plan is not None and plan.cadences:
        if from_day is None:
            from_day = schedule.local_today(now, plan.tz)
            if repository.prompt_on(db, org_id=org_id, person_id=person_id, local_date=from_day) is not None:
                from_day += timedelta(days=1)
        prompt = schedule.next_prompt(plan.cadences, tz=plan.tz, from_day=from_day, away=plan.away)
    if row is None:
        if prompt is None:
            return None
        row = StandupSchedule(org_id=org_id, person_id=person_id)
        db.add(row)
    row.next_at = prompt.due_at if prompt else None
    row.local_date = prompt.local_date if prompt else None
    row.closes_at = prompt.closes_at if prompt else None
    row.updated_at = now
    db.flush()
    return row


@dataclass(frozen=True)
class TickResult:
    sent: int
    skipped: int


def tick(db: Session, *, now: datetime, batch: int = TICK_BATCH) -> TickResult:
    """Send every due prompt once. A prompt whose window already closed (the worker was down) is
    skipped, not sent late; one still open is sent now. Each person's next prompt is computed after."""
    sent = skipped = 0
    for _ in range(TICK_PASSES):
        due = repository.due_schedules(db, now=now, limit=batch)
        for row in due:
            if _send(db, row, now=now):
                sent += 1
            else:
                skipped += 1
        if not due:
            break  # a row moved on to a day already due is taken by the next pass
    return TickResult(sent=sent, skipped=skipped)


def _send(db: Session, row: StandupSchedule, *, now: datetime) -> bool:
    day = row.local_date
    plan = _plan(db, org_id=row.org_id, person_id=row.person_id)
    prompt = None
    if plan is not None and day is not None:
        prompt = schedule.prompt_on(plan.cadences, tz=plan.tz, day=day, away=plan.away)
    sent = False
    if prompt is not None and prompt.closes_at > now:
        created = StandupPrompt(
            org_id=row.org_id,
            person_id=row.person_id,
            local_date=prompt.local_date,
            team_ids=list(prompt.team_ids),
            due_at=prompt.due_at,
            closes_at=prompt.closes_at,
            remind_at=max(prompt.remind_at, now),
            digest_at=prompt.closes_at,
            created_at=now,
        )
        if repository.insert_prompt(db, created):
            emit(
                db, StandupPrompted(org_id=row.org_id, at=now, person_id=row.person_id, prompt_id=created.id)
            )
            sent = True
    # The day after; or, after a long gap (the worker was down for days), today: older days are over.
    local_now = schedule.local_today(now, plan.tz if plan else ZoneInfo("UTC"))
    next_day = max((day or local_now) + timedelta(days=1), local_now)
    reschedule(db, org_id=row.org_id, person_id=row.person_id, now=now, from_day=next_day)
    return sent


def sync(db: Session, *, now: datetime, limit: int = 2000) -> int:
    """Schedule members who joined a stand-up team since (a team's settings schedule its members)."""
    missing = repository.members_without_schedule(db, limit=limit)
    for org_id, person_id in missing:
        reschedule(db, org_id=org_id, person_id=person_id, now=now)
    return len(missing)


def remind(db: Session, *, now: datetime, limit: int = 1000) -> int:
    """A private reminder, halfway through the window, to each person who has not answered yet."""
    told = 0
    for prompt in repository.due_reminders(db, now=now, limit=limit):
        if not repository.claim_reminder(db, prompt=prompt, now=now):
            continue
        if prompt.closes_at <= now:
            continue
        answered = repository.checkin_on(
            db, org_id=prompt.org_id, person_id=prompt.person_id, local_date=prompt.local_date
        )
        if answered is None:
            emit(
                db,
                StandupReminded(
                    org_id=prompt.org_id, at=now, person_id=prompt.person_id, prompt_id=prompt.id
                ),
            )
            told += 1
    return told


def send_digests(db: Session, *, now: datetime, limit: int = 1000) -> int:
    """Once a person's window closes, the day's digest of their teams' stand-up (to each member, at the
    close of their own window): who needs help and what was resolved are on the board it leads to."""
    sent = 0
    for prompt in repository.due_digests(db, now=now, limit=limit):
        if repository.claim_digest(db, prompt=prompt):
            emit(
                db,
                StandupDigested(
                    org_id=prompt.org_id, at=now, person_id=prompt.person_id, prompt_id=prompt.id
                ),
            )
            sent += 1
    return sent


# --- check-in ----------------------------------------------------------------------------------------


def _questions(teams: list[StandupSettings], day: date) -> list[Question]:
    """The questions of all the person's teams, once each (by key), with the day's rotating one."""
    seen: dict[str, Question] = {}
    rotating: list[str] = []
    for settings in teams:
        for raw in settings.questions or [q.model_dump() for q in DEFAULT_QUESTIONS]:
            q = Question.model_validate(raw)
            seen.setdefault(q.key, q)
        rotating += [r for r in settings.rotating if r not in rotating]
    if rotating:
        text = rotating[day.toordinal() % len(rotating)]
        seen.setdefault(ROTATING_KEY, Question(key=ROTATING_KEY, text=text, optional=True))
    return list(seen.values())


def _me(db: Session, actor: Actor) -> Person:
    found = repository.standups_of(db, org_id=actor.org_id, person_id=actor.person_id)
    if found is None:
        raise NoStandupToday()
    return found.person


def today(db: Session, *, actor: Actor, now: datetime) -> TodayRead:
    """The person's stand-up today: when it is, its questions, and their answers so far."""
    me = _me(db, actor)
    tz = zone(me.timezone)
    day = schedule.local_today(now, tz)
    teams = repository.my_standup_teams(db, org_id=actor.org_id, person_id=actor.person_id)
    plan = _plan(db, org_id=actor.org_id, person_id=actor.person_id)
    computed = schedule.prompt_on(plan.cadences, tz=tz, day=day, away=plan.away) if plan else None
    stored = repository.prompt_on(db, org_id=actor.org_id, person_id=actor.person_id, local_date=day)
    due_at = stored.due_at if stored else (computed.due_at if computed else None)
    closes_at = stored.closes_at if stored else (computed.closes_at if computed else None)
    checkin = repository.checkin_on(db, org_id=actor.org_id, person_id=actor.person_id, local_date=day)
    return TodayRead(
        local_date=day,
        due_at=due_at,
        closes_at=closes_at,
        window_open=closes_at is not None and (due_at is None or due_at <= now) and now < closes_at,
        teams=[TeamLine(id=t.id, name=t.name) for t, _ in teams],
        questions=_questions([s for _, s in teams], day),
        checkin=checkin_read(db, actor=actor, checkin=checkin, now=now, coach=True) if checkin else None,
    )


def answer(db: Session, *, actor: Actor, data: CheckinWrite, now: datetime) -> Checkin:
    """Record (or replace) the day's check-in. After the window it is accepted and marked late.
    A need found in any answer becomes a draft ask for the member to confirm; none, no draft."""
    me = _me(db, actor)
    tz = zone(me.timezone)
    teams = repository.my_standup_teams(db, org_id=actor.org_id, person_id=actor.person_id)
    if not teams:
        raise NoStandupToday()
    today_ = schedule.local_today(now, tz)
    day = data.local_date or today_
    if day > today_:
        raise FutureCheckin()
    team_ids = [t.id for t, _ in teams]
    if data.team_id is not None and data.team_id not in team_ids:
        raise StandupNotFound()
    team_id = data.team_id or team_ids[0]
    questions = {q.key: q for q in _questions([s for _, s in teams], day)}
    for key in data.answers:
        if key not in questions:
            raise UnknownQuestion(key)
    texts = {k: v for k, v in data.answers.items() if v}
    if not texts:
        raise EmptyCheckin()

    prompt = repository.prompt_on(db, org_id=actor.org_id, person_id=actor.person_id, local_date=day)
    closes_at = prompt.closes_at if prompt else None
    if closes_at is None:
        computed = schedule.prompt_on([cadence_of(s) for _, s in teams], tz=tz, day=day)
        closes_at = computed.closes_at if computed else None
    late = schedule.is_late(closes_at, now=now) or (closes_at is None and day < today_)
    if prompt is not None:
        prompt.remind_at = None  # answered: no reminder

    checkin = repository.checkin_on(db, org_id=actor.org_id, person_id=actor.person_id, local_date=day)
    if checkin is None:
        checkin = Checkin(
            org_id=actor.org_id, person_id=actor.person_id, local_date=day, submitted_at=now, late=late
        )
        db.add(checkin)
    else:
        repository.delete_answers(db, checkin=checkin)
    checkin.team_id = team_id
    checkin.prompt_id = prompt.id if prompt else None
    checkin.private = data.private
    checkin.updated_at = now
    db.flush()
    order = list(questions)
    db.add_all(
        CheckinAnswer(
            org_id=actor.org_id,
            checkin_id=checkin.id,
            question_key=key,
            question=questions[key].text,
            text=text,
            position=order.index(key),
        )
        for key, text in texts.items()
    )
    db.flush()
    _draft_from_need(db, actor=actor, checkin=checkin, texts=texts, now=now)
    return checkin


def _draft_from_need(
    db: Session, *, actor: Actor, checkin: Checkin, texts: dict[str, str], now: datetime
) -> None:
    scan = sorted(texts.items(), key=lambda kv: kv[0] != HELP_KEY)  # "help needed" first, then the rest
    found = next(((text, need) for _, text in scan if (need := find_need(text)) is not None), None)
    draft = _draft_ask(db, actor=actor, checkin=checkin)
    if found is None:
        # The need was edited away: the draft (if any) stays among the member's drafts, unlinked.
        if draft is not None:
            checkin.ask_id = None
            checkin.need_text = None
        return
    text, need = found
    if draft is None and checkin.ask_id is not None:
        return  # already confirmed: the open ask carries on, a re-edit does not open another
    sentence = _sentence(text, need.start, need.end)
    title = _title(sentence)
    data = AskCreate(
        title=title,
        body=text,
        visibility=Visibility.TEAM,
        team_id=checkin.team_id,
        publish=False,
    )
    if draft is None:
        ask = asks_service.create_ask(db, actor=actor, data=data, now=now)
    else:
        ask = asks_service.update_ask(
            db,
            actor=actor,
            ask_id=draft.id,
            data=AskWrite.model_validate(data.model_dump(exclude={"publish"})),
            now=now,
        )
    checkin.ask_id = ask.id
    checkin.need_text = sentence
    db.flush()


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around the need's span: the detector marks the words that state the need ("no
    idea who knows their API"), while an ask's title reads better with what it is about."""
    stops = ".!?\n"
    begin = max(text.rfind(c, 0, start) for c in stops) + 1
    ends = [i for c in stops if (i := text.find(c, max(end - 1, start))) != -1]
    finish = min(ends) + 1 if ends else len(text)
    return text[begin:finish].strip() or text[start:end].strip()


def _title(need: str) -> str:
    words = " ".join(need.split()).strip(" .,;:-")
    if len(words) < 3:
        words = f"Help: {words}".strip()
    title = words[:1].upper() + words[1:]
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return title


def _draft_ask(db: Session, *, actor: Actor, checkin: Checkin) -> Ask | None:
    """The check-in's ask while it is still a draft (None once confirmed, or without one)."""
    if checkin.ask_id is None:
        return None
    ask = asks_repo.get_ask(db, actor=actor, ask_id=checkin.ask_id)
    return ask if ask.status == AskStatus.DRAFT.value else None


def get_checkin(db: Session, *, actor: Actor, checkin_id: int) -> Checkin:
    """One's own check-in."""
    checkin = repository.get_checkin(db, org_id=actor.org_id, checkin_id=checkin_id)
    if checkin is None or checkin.person_id != actor.person_id:
        raise CheckinNotFound()
    return checkin


def confirm_need(db: Session, *, actor: Actor, checkin_id: int, data: NeedConfirm, now: datetime) -> Ask:
    """The member confirms the drafted ask (edited in the same step, or as drafted): it opens, and
    ``HelpNeededConfirmed`` tells whoever routes it sideways."""
    checkin = get_checkin(db, actor=actor, checkin_id=checkin_id)
    draft = _draft_ask(db, actor=actor, checkin=checkin)
    if draft is None:
        raise NoDraftToConfirm()
    edits = data.model_dump(exclude_none=True)
    if edits:
        current = AskWrite(
            title=draft.title,
            body=draft.body,
            what=draft.what,
            why=draft.why,
            action=draft.action,
            visibility=Visibility(draft.visibility),
            team_id=draft.team_id,
        )
        asks_service.update_ask(
            db, actor=actor, ask_id=draft.id, data=current.model_copy(update=edits), now=now
        )
    ask = asks_service.publish_ask(db, actor=actor, ask_id=draft.id, now=now)
    emit(
        db,
        HelpNeededConfirmed(
            org_id=actor.org_id,
            at=now,
            ask_id=ask.id,
            author_id=ask.author_id,
            team_id=checkin.team_id,
            checkin_id=checkin.id,
        ),
    )
    return ask


def _gaps(ask: Ask, *, tz: ZoneInfo, now: datetime) -> tuple[int, list[str]]:
    """The SMART coaching of the draft, each gap said kindly (what would help a helper)."""
    review = asks_service.coach(
        AskWrite(title=ask.title, body=ask.body, what=ask.what, why=ask.why, action=ask.action),
        tz=tz,
        now=now,
    )
    gaps = [
        f"{CRITERION_NAMES[c.criterion]}: {c.rewrite or c.reason}"
        for c in review.criteria
        if c.status != "met"
    ]
    return review.score, gaps


def checkin_read(
    db: Session,
    *,
    actor: Actor,
    checkin: Checkin,
    now: datetime,
    coach: bool = False,
    answers: list[repository.AnswerLine] | None = None,
    name: str | None = None,
    ask: repository.AskLine | None = None,
    load_ask: bool = True,
) -> CheckinRead:
    if answers is None:
        answers = repository.answers_of(db, org_id=checkin.org_id, checkin_ids=[checkin.id])[checkin.id]
    if name is None:
        name = repository.people_names(db, org_id=checkin.org_id, person_ids=[checkin.person_id]).get(
            checkin.person_id, ""
        )
    if load_ask and ask is None and checkin.ask_id is not None:
        ask = repository.ask_lines(db, org_id=checkin.org_id, ask_ids=[checkin.ask_id]).get(checkin.ask_id)
    need = None
    if ask is not None and checkin.need_text is not None:
        score, gaps = 0, list[str]()
        if coach and ask.status == AskStatus.DRAFT.value and checkin.person_id == actor.person_id:
            full = asks_repo.get_ask(db, actor=actor, ask_id=ask.id)
            score, gaps = _gaps(full, tz=ZoneInfo("UTC"), now=now)
        need = NeedRead(
            ask_id=ask.id,
            ask_status=ask.status,
            title=ask.title,
            need=checkin.need_text,
            score=score,
            gaps=gaps,
            offers=ask.offers,
        )
    return CheckinRead(
        id=checkin.id,
        person_id=checkin.person_id,
        person_name=name,
        team_id=checkin.team_id,
        local_date=checkin.local_date,
        late=checkin.late,
        private=checkin.private,
        submitted_at=checkin.submitted_at,
        answers=[AnswerRead(key=a.question_key, question=a.question, text=a.text) for a in answers],
        need=need,
    )


# --- the board ---------------------------------------------------------------------------------------


def _sees_private(actor: Actor, *, team_id: int, author_id: int) -> bool:
    return actor.is_admin or team_id in actor.lead_of or actor.person_id == author_id


def board(db: Session, *, actor: Actor, team_id: int, now: datetime, tz: ZoneInfo | None = None) -> BoardRead:
    """Today's check-ins of a team (help needed first), and what was resolved since the last
    stand-up, with thanks. Those who have not answered are counted, never named."""
    # Round trips are most of a board read's cost on PostgreSQL: the checks share one query, and the
    # visibility of the drafted asks joins the query that reads them.
    header = repository.board_header(db, org_id=actor.org_id, team_id=team_id, person_id=actor.person_id)
    if header is None or not header.has_standup:
        raise StandupNotFound()
    if not (actor.is_admin or team_id in actor.teams or header.is_member):
        raise NotInTeam()
    if tz is None:
        tz = zone(header.timezone)
    day = schedule.local_today(now, tz)
    everyone = repository.board_checkins(db, org_id=actor.org_id, team_id=team_id, local_date=day)
    rows = [
        (c, p)
        for c, p in everyone
        if not c.private or _sees_private(actor, team_id=team_id, author_id=c.person_id)
    ]
    members = set(repository.member_ids(db, org_id=actor.org_id, team_id=team_id))
    answers = repository.answers_of(db, org_id=actor.org_id, checkin_ids=[c.id for c, _ in rows])
    ask_ids = {c.ask_id for c, _ in rows if c.ask_id is not None}
    asks = repository.ask_lines(db, org_id=actor.org_id, ask_ids=ask_ids, visible_to=actor)
    reads = [
        checkin_read(
            db,
            actor=actor,
            checkin=c,
            now=now,
            answers=answers.get(c.id, []),
            name=p,
            ask=asks.get(c.ask_id) if c.ask_id is not None else None,
            load_ask=False,  # loaded above; an ask the viewer may not see (a draft) stays unshown
        )
        for c, p in rows
    ]
    reads.sort(key=lambda r: (r.need is None, r.submitted_at))
    previous = repository.previous_standup_date(db, org_id=actor.org_id, team_id=team_id, before=day)
    since = (
        datetime.combine(previous, datetime.min.time(), tzinfo=tz) if previous else now - timedelta(days=1)
    )
    resolved = repository.resolved_since(
        db, org_id=actor.org_id, team_id=team_id, since=since, statuses=HELPED
    )
    return BoardRead(
        team_id=team_id,
        team_name=header.team_name,
        local_date=day,
        answered=len({c.person_id for c, _ in everyone if c.person_id in members}),
        members=len(members),
        checkins=reads,
        resolved=[
            ResolvedLine(
                ask_id=r.ask_id, title=r.title, author_name=r.author_name, helpers=r.helpers, thanks=r.thanks
            )
            for r in resolved
        ],
    )


# --- the 30–45-day practice --------------------------------------------------------------------------
#
# Days are UTC days: a practice is a team's, and its members may sit on several clocks; a day either
# way changes nothing in a 30-day comparison. The stand-up days inside it are the team's own.

#: A practice starts up to this many days back (a lead who forgot to press Start on Monday)...
START_BACK = 7
#: ...or this many ahead.
START_AHEAD = 30
PRACTICE_BATCH = 1000


def _today(now: datetime) -> date:
    return now.astimezone(UTC).date()


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _figures_read(f: practice.Figures) -> FiguresRead:
    return FiguresRead(
        weeks=f.weeks,
        people=f.people,
        asks=f.asks,
        asks_per_person_week=f.asks_per_person_week,
        helped_share=f.helped_share,
        median_hours_to_first_offer=f.median_hours_to_first_offer,
        help_given=f.help_given,
        across_teams_share=f.across_teams_share,
        has_data=f.has_data,
    )


def period_figures(
    db: Session, *, org_id: int, members: list[int], first: date, end: date
) -> practice.Figures:
    """The help-seeking of ``members`` over the days ``[first, end)``: their asks opened then, and the
    help they gave (inside the team or across teams)."""
    since, until = _midnight(first), _midnight(max(first, end))
    rows = repository.ask_facts(db, org_id=org_id, author_ids=members, since=since, until=until)
    facts = [
        practice.AskFact(r.ask_id, r.opened_at, r.first_offer_at, r.status in HELPED or r.done_offers > 0)
        for r in rows
    ]
    team = set(members)
    given = repository.help_given_by(db, org_id=org_id, helper_ids=members, since=since, until=until)
    return practice.figures(
        facts=facts,
        weeks=max(0, (end - first).days) / 7,
        people=len(members),
        given_to=[helped not in team for _, helped in given],
    )


def _baseline_of(p: StandupPractice) -> practice.Figures:
    b = p.baseline or {}
    return practice.Figures(
        weeks=float(b.get("weeks", 0)),
        people=int(b.get("people", 0)),
        asks=int(b.get("asks", 0)),
        asks_per_person_week=b.get("asks_per_person_week"),
        helped_share=b.get("helped_share"),
        median_hours_to_first_offer=b.get("median_hours_to_first_offer"),
        help_given=int(b.get("help_given", 0)),
        across_teams_share=b.get("across_teams_share"),
    )


def start_practice(
    db: Session, *, actor: Actor, team_id: int, data: PracticeStart, now: datetime
) -> StandupPractice:
    """A lead (or an admin) commits the team to its stand-up for 30 or 45 days. The baseline, the
    team's figures over the ``BASELINE_WEEKS`` before the start, is computed now and stored."""
    _team(db, actor, team_id)
    if not can_manage_team(actor, team_id=team_id):
        raise NotATeamLead()
    today = _today(now)
    starts_on = data.starts_on or today
    if not today - timedelta(days=START_BACK) <= starts_on <= today + timedelta(days=START_AHEAD):
        raise PracticeStartTooFar()
    settings = repository.settings_of(db, org_id=actor.org_id, team_id=team_id)
    if settings is None or not settings.enabled:
        raise NoStandupForPractice()
    current = repository.active_practice(db, org_id=actor.org_id, team_id=team_id)
    if current is not None:
        if current.ends_on >= today:
            raise PracticeAlreadyActive(current.ends_on.isoformat())
        _end(db, current, now=now, stopped=False)  # over, though the worker has not said so yet
    members = repository.member_ids(db, org_id=actor.org_id, team_id=team_id)
    baseline_end = min(starts_on, today)
    baseline = period_figures(
        db,
        org_id=actor.org_id,
        members=members,
        first=baseline_end - timedelta(weeks=practice.BASELINE_WEEKS),
        end=baseline_end,
    )
    row = StandupPractice(
        org_id=actor.org_id,
        team_id=team_id,
        started_by=actor.person_id,
        days=data.days,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=data.days - 1),
        active=True,
        baseline=_figures_read(baseline).model_dump(),
        reminded_week=0,
        created_at=now,
    )
    if not repository.insert_practice(db, row):
        raise PracticeAlreadyActive((starts_on + timedelta(days=data.days - 1)).isoformat())
    return row


def _end(db: Session, p: StandupPractice, *, now: datetime, stopped: bool) -> bool:
    ended = repository.claim_end(db, practice_id=p.id, now=now, stopped=stopped)
    db.refresh(p)
    return ended


def stop_practice(db: Session, *, actor: Actor, practice_id: int, now: datetime) -> StandupPractice:
    """A lead stops the practice early: reminders stop; the report stays, marked stopped."""
    p = get_practice(db, actor=actor, practice_id=practice_id)
    if not can_manage_team(actor, team_id=p.team_id):
        raise NotATeamLead()
    if not _end(db, p, now=now, stopped=True):
        raise PracticeNotActive()
    return p


def get_practice(db: Session, *, actor: Actor, practice_id: int) -> StandupPractice:
    """A practice of a team the actor belongs to (or any, for an admin); another organization's: 404."""
    p = repository.get_practice(db, org_id=actor.org_id, practice_id=practice_id)
    if p is None:
        raise PracticeNotFound()
    _require_member(db, actor, p.team_id)
    return p


def team_practice(db: Session, *, actor: Actor, team_id: int) -> StandupPractice | None:
    """The team's active practice, else its latest; None when it never had one."""
    _team(db, actor, team_id)
    _require_member(db, actor, team_id)
    return repository.latest_practice(db, org_id=actor.org_id, team_id=team_id)


def _status(p: StandupPractice, today: date) -> str:
    if p.stopped_at is not None:
        return "stopped"
    if not p.active or today > p.ends_on:
        return "finished"
    return "upcoming" if today < p.starts_on else "running"


def _midpoint(p: StandupPractice) -> date:
    return p.starts_on + timedelta(days=p.days // 2)


def _retro_open(p: StandupPractice, today: date) -> bool:
    return _status(p, today) == "running" and today >= _midpoint(p)


def practice_read(db: Session, *, practice_: StandupPractice, now: datetime) -> PracticeRead:
    today = _today(now)
    team = repository.team_in_org(db, org_id=practice_.org_id, team_id=practice_.team_id)
    day = min(practice_.days, max(0, (today - practice_.starts_on).days + 1))
    return PracticeRead(
        id=practice_.id,
        team_id=practice_.team_id,
        team_name=team.name if team else "",
        days=practice_.days,
        starts_on=practice_.starts_on,
        ends_on=practice_.ends_on,
        status=_status(practice_, today),
        day=day,
        retro_open=_retro_open(practice_, today),
        baseline=_figures_read(_baseline_of(practice_)),
    )


def _as_of(p: StandupPractice, today: date) -> date:
    """The last day the report covers: yesterday while running (today's stand-up is still open), the
    last day once finished, the day before it was stopped."""
    last = p.ends_on
    if p.stopped_at is not None:
        last = min(last, _today(p.stopped_at) - timedelta(days=1))
    return min(last, today - timedelta(days=1)) if p.active else last


def report(db: Session, *, actor: Actor, practice_id: int, now: datetime) -> PracticeReport:
    """Participation, help needed raised, % resolved and time to first offer, before vs during, with
    the recommendation (``practice.recommend``). The lead alone also sees their own modelling."""
    p = get_practice(db, actor=actor, practice_id=practice_id)
    today = _today(now)
    as_of = _as_of(p, today)
    members = repository.member_ids(db, org_id=p.org_id, team_id=p.team_id)
    settings = repository.settings_of(db, org_id=p.org_id, team_id=p.team_id)
    cadence = cadence_of(settings) if settings is not None else None
    days = [p.starts_on + timedelta(days=i) for i in range(max(0, (as_of - p.starts_on).days + 1))]
    meeting = {d for d in days if cadence is not None and schedule.team_meets(cadence, d)}
    facts = repository.checkin_facts(db, org_id=p.org_id, person_ids=members, first=p.starts_on, last=as_of)
    on_days = [f for f in facts if f.local_date in meeting]
    needs = [f for f in facts if f.need]
    asks = repository.ask_facts(
        db, org_id=p.org_id, ask_ids=[f.ask_id for f in needs if f.ask_id is not None]
    )
    resolved = sum(1 for a in asks if a.status in HELPED or a.done_offers > 0)
    standup = practice.standup_figures(
        standup_days=len(meeting),
        members=len(members),
        answered=len(on_days),
        needs_raised=len(needs),
        needs_resolved=resolved,
    )
    before = _baseline_of(p)
    during = period_figures(
        db, org_id=p.org_id, members=members, first=p.starts_on, end=as_of + timedelta(days=1)
    )
    rule = practice.recommend(standup=standup, before=before, during=during)
    final = _status(p, today) in ("finished", "stopped")
    weeks = []
    for w in range(1, (len(days) + 6) // 7 + 1):
        in_week = {d for d in meeting if practice.week_of(d, starts_on=p.starts_on) == w}
        answered = sum(1 for f in on_days if f.local_date in in_week)
        possible = len(in_week) * len(members)
        weeks.append(
            PracticeWeek(
                week=w,
                starts_on=p.starts_on + timedelta(weeks=w - 1),
                standup_days=len(in_week),
                participation=round(answered / possible, 3) if possible else None,
                needs_raised=sum(
                    1 for f in needs if practice.week_of(f.local_date, starts_on=p.starts_on) == w
                ),
            )
        )
    tallies, voters = _retro(db, p, settings)
    you = None
    if p.team_id in actor.lead_of:
        mine = [f for f in facts if f.person_id == actor.person_id]
        raised = sum(1 for f in mine if f.need)
        you = (
            f"You raised help needed on {raised} of {len(meeting)} stand-up days "
            f"(you answered on {sum(1 for f in mine if f.local_date in meeting)})."
        )
    return PracticeReport(
        practice=practice_read(db, practice_=p, now=now),
        as_of=as_of,
        final=final,
        before=_figures_read(before),
        during=_figures_read(during),
        standup=StandupFiguresRead(**standup.__dict__),
        weeks=weeks,
        retro=tallies,
        retro_voters=voters,
        recommendation=RecommendationRead(verdict=rule.verdict, reasons=rule.reasons, final=final),
        you=you,
    )


def _retro(db: Session, p: StandupPractice, settings: StandupSettings | None) -> tuple[list[RetroTally], int]:
    counts, voters = repository.retro_counts(db, org_id=p.org_id, practice_id=p.id)
    questions = [Question.model_validate(q) for q in (settings.questions if settings else [])]
    tallies = {q.key: RetroTally(key=q.key, question=q.text) for q in questions}
    for key, choice, n in counts:
        tally = tallies.setdefault(key, RetroTally(key=key, question=key))
        setattr(tally, choice, n)
    return list(tallies.values()), voters


def vote_retro(db: Session, *, actor: Actor, practice_id: int, data: RetroWrite, now: datetime) -> None:
    """A member says keep / change / drop per question, from the mid-point to the last day; voting
    again replaces their votes. Only the counts are ever shown."""
    p = get_practice(db, actor=actor, practice_id=practice_id)
    if not repository.is_member(db, org_id=actor.org_id, team_id=p.team_id, person_id=actor.person_id):
        raise NotInTeam()
    if not _retro_open(p, _today(now)):
        raise RetroClosed()
    settings = repository.settings_of(db, org_id=p.org_id, team_id=p.team_id)
    keys = {q["key"] for q in (settings.questions if settings else [])}
    for key in data.votes:
        if key not in keys:
            raise UnknownQuestion(key)
    repository.replace_votes(
        db,
        org_id=actor.org_id,
        practice_id=p.id,
        person_id=actor.person_id,
        votes=[
            RetroVote(
                org_id=actor.org_id,
                practice_id=p.id,
                person_id=actor.person_id,
                question_key=key,
                choice=choice,
                created_at=now,
            )
            for key, choice in data.votes.items()
        ],
    )


@dataclass(frozen=True)
class PracticeTick:
    reminded: int
    retros: int
    ended: int


def practice_tick(db: Session, *, now: datetime, org_id: int | None = None) -> PracticeTick:
    """The practices' weekly pass: a gentle reminder to each member at the start of each practice
    week (naming nobody), the retro invitation at the mid-point, and the end with its report for the
    leads. Each is claimed by a conditional update, so it happens once however many workers run it
    and however often; a worker down for two weeks sends the current week's reminder, not three."""
    today = _today(now)
    reminded = retros = ended = 0
    for p in repository.active_practices(db, limit=PRACTICE_BATCH, org_id=org_id):
        if today > p.ends_on:
            if _end(db, p, now=now, stopped=False):
                ended += 1
                leads = set(repository.lead_ids(db, org_id=p.org_id, team_id=p.team_id))
                for person_id in sorted(leads):
                    emit(db, PracticeEnded(org_id=p.org_id, at=now, person_id=person_id, practice_id=p.id))
            continue
        if today < p.starts_on:
            continue
        members = repository.member_ids(db, org_id=p.org_id, team_id=p.team_id)
        week = practice.week_of(today, starts_on=p.starts_on)
        if repository.claim_week(db, practice_id=p.id, week=week):
            reminded += 1
            for person_id in members:
                emit(
                    db,
                    PracticeReminded(
                        org_id=p.org_id, at=now, person_id=person_id, practice_id=p.id, week=week
                    ),
                )
        if today >= _midpoint(p) and repository.claim_retro(db, practice_id=p.id, now=now):
            retros += 1
            for person_id in members:
                emit(db, PracticeRetroOpened(org_id=p.org_id, at=now, person_id=person_id, practice_id=p.id))
        db.refresh(p)
    return PracticeTick(reminded=reminded, retros=retros, ended=ended)


def practice_markers(db: Session, *, org_id: int, since: datetime) -> list[tuple[datetime, str]]:
    """Before/after markers for trend charts (insights): each practice's first day, and, once it is
    over, the day after its last (or the day it was stopped)."""
    found = []
    for starts_on, ends_on, team, days, active, stopped_at in repository.practice_markers(
        db, org_id=org_id, since=_today(since)
    ):
        found.append((_midnight(starts_on), f"Stand-up practice starts: {team} ({days} days)"))
        if stopped_at is not None:
            found.append((_midnight(_today(stopped_at)), f"Stand-up practice stopped: {team}"))
        elif not active:
            found.append((_midnight(ends_on + timedelta(days=1)), f"Stand-up practice ends: {team}"))
    return [(at, label) for at, label in found if at >= since]
