"""Use cases of insights: keep the rollups, and read a balance, a mirror, a team's or the
organization's trends, each for whoever may see it. Services flush; callers commit.

Privacy rules kept here (and tested): a balance is its owner's unless they shared it with their lead;
an organization with individual analytics off has no per-person rows and no balance; every team or
organization figure covers at least ``MIN_GROUP`` people (smaller groups are merged or suppressed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from askwell.asks import repository as asks_repo
from askwell.core.jobs import advance_cursor, read_cursor
from askwell.insights import balance, repository
from askwell.insights.errors import (
    AdminsOnly,
    BalanceNotShared,
    IndividualAnalyticsOff,
    LeadsOnly,
    NotTheirLead,
    PersonNotFound,
    TeamNotFound,
)
from askwell.insights.models import COUNTERS
from askwell.insights.rollup import NO_OFFER, ORG_TEAM, Entry, Spells, ask_week_delta, median_hours, tally
from askwell.insights.schemas import (
    BalanceRead,
    FlowCell,
    GroupInsight,
    Marker,
    MirrorRead,
    MonthAsks,
    NudgeRead,
    WeekPoint,
    WeekTrend,
    WindowCounts,
)
from askwell.people import repository as people_repo
from askwell.people.models import Organization
from askwell.people.policy import Actor

CURSOR = "insights.rollup:ledger"
BATCH = 2000
#: The smallest group any team or organization figure may describe.
MIN_GROUP = 5
WINDOWS = (30, 90, 365)
#: The window the pattern is computed over ("this quarter").
PATTERN_DAYS = 90
TREND_WEEKS = 26
#: The most team-to-team cells a view lists (the largest flows).
MATRIX_CELLS = 100
#: Stand-up practices (another domain) add markers here: org_id, since → markers. Empty until then.
MARKER_SOURCES: list[Callable[[Session, int, datetime], list[Marker]]] = []


# --- keeping the rollups ------------------------------------------------------------------------------


def sync_spells(db: Session, *, now: datetime) -> None:
    """Record membership changes since the last look: close spells of memberships that ended, open
    spells for new ones. An organization's first look opens spells "since the beginning", so history
    from before insights existed counts for the teams people were in then."""
    for org_id in repository.analytics_settings(db):
        current = repository.memberships(db, org_id=org_id)
        open_rows = repository.open_spells(db, org_id=org_id)
        first_look = not open_rows and not repository.has_spells(db, org_id=org_id)
        for key, spell_id in open_rows.items():
            if key not in current:
                repository.close_spell(db, spell_id=spell_id, at=now)
        for person_id, team_id in sorted(current - open_rows.keys()):
            repository.add_spell(
                db, org_id=org_id, person_id=person_id, team_id=team_id, since=None if first_look else now
            )
    db.flush()


def _tally_batch(db: Session, entries: list[Entry], settings: dict[int, bool]) -> None:
    cache: dict[int, Spells] = {}

    def spells_of(org_id: int) -> Spells:
        if org_id not in cache:
            cache[org_id] = Spells(repository.spells(db, org_id=org_id))
        return cache[org_id]

    counted = tally(entries, spells_of=spells_of, individual=lambda org_id: settings.get(org_id, True))
    # The weekly ask counts follow the ask rows this batch changes: their old course out, the new in.
    touched = counted.asks_touched()
    before = repository.fact_states(db, asks=touched)
    repository.add_tally(db, counted)
    repository.add_ask_weeks(db, ask_week_delta(before, repository.fact_states(db, asks=touched)))


def roll_up(db: Session, *, now: datetime, batch: int = BATCH, max_batches: int = 50) -> int:
    """Add new ledger entries to the rollups, a batch at a time; the cursor advances in the same
    transaction as the rows, so crashed work is redone and finished work never is."""
    position = read_cursor(db, CURSOR)  # locks the cursor: a rebuild waits for us, and we for it
    sync_spells(db, now=now)
    settings = repository.analytics_settings(db)
    repository.clear_person_days(db, org_ids=[o for o, on in settings.items() if not on])
    done = 0
    for _ in range(max_batches):
        entries = repository.entries_after(db, position=position, limit=batch)
        if not entries:
            break
        _tally_batch(db, entries, settings)
        position = entries[-1].id
        advance_cursor(db, CURSOR, position, now=now)
        done += len(entries)
        if len(entries) < batch:
            break
    db.flush()
    return done


def rebuild(db: Session, *, now: datetime, batch: int = BATCH) -> int:
    """Recreate every rollup row from the ledger up to the job's cursor: the same rows the job built.

    Entries that arrive meanwhile lie past the cursor and are left to the job; the cursor row is locked
    for the rebuild's transaction, so the job cannot add a batch between the delete and the refill.
    """
    upto = read_cursor(db, CURSOR)
    settings = repository.analytics_settings(db)
    repository.clear_rollups(db)
    position, done = 0, 0
    while position < upto:
        entries = repository.entries_after(db, position=position, limit=batch, upto=upto)
        if not entries:
            break
        _tally_batch(db, entries, settings)
        position = entries[-1].id
        done += len(entries)
    db.flush()
    return done


# --- one person's balance ----------------------------------------------------------------------------


def org_of(db: Session, org_id: int) -> Organization:
    org = db.get(Organization, org_id)
    if org is None:  # pragma: no cover - an actor always belongs to an organization
        raise PersonNotFound()
    return org


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _matching_asks(db: Session, *, actor: Actor, skills: list[str], now: datetime) -> tuple[int, str]:
    """Open asks (not the person's own) that mention what the person knows, and where to see them."""
    found: set[int] = set()
    for skill in skills[:3]:
        page = asks_repo.board(db, actor=actor, scope="open", query=skill, limit=50, now=now)
        found |= {a.id for a in page.asks if a.author_id != actor.person_id}
    href = "/asks?" + urlencode({"q": skills[0]}) if skills else "/asks"
    return len(found), href


def balance_of(db: Session, *, actor: Actor, person_id: int, now: datetime) -> BalanceRead:
    """A person's balance for ``actor``: their own, or a member's who shared it with ``actor`` as
    their lead. Anyone else (admins included) is refused: a balance is never surveillance."""
    person = people_repo.person_in_org(db, org_id=actor.org_id, person_id=person_id)
    if person is None:
        raise PersonNotFound()
    if person.id != actor.person_id:
        share = repository.share_of(db, org_id=actor.org_id, person_id=person.id)
        their_teams = repository.teams_of_person(db, org_id=actor.org_id, person_id=person.id)
        if share is None or not share.with_lead or not (their_teams & actor.lead_of):
            raise BalanceNotShared()
    if not org_of(db, actor.org_id).individual_analytics:
        raise IndividualAnalyticsOff()
    today = now.date()
    days = repository.person_days(
        db, org_id=actor.org_id, person_id=person.id, since=today - timedelta(days=365)
    )
    windows = []
    for n in WINDOWS:
        start = today - timedelta(days=n)
        sums = dict.fromkeys(COUNTERS, 0)
        for d in days:
            if d.day > start:
                for c in COUNTERS:
                    sums[c] += getattr(d, c)
        windows.append(WindowCounts(days=n, **sums))
    weekly: dict[date, list[int]] = {}
    first_week = _week(today) - timedelta(weeks=TREND_WEEKS - 1)
    for i in range(TREND_WEEKS):
        weekly[first_week + timedelta(weeks=i)] = [0, 0]
    for d in days:
        w = _week(d.day)
        if w in weekly:
            weekly[w][0] += d.offers + d.help_given
            weekly[w][1] += d.asks
    quarter = windows[1]
    pattern = pattern_of(db, org_id=actor.org_id, person_id=person.id, now=now)
    skills = people_repo.skill_names_of(db, person=person)
    count, matches_href = _matching_asks(db, actor=people_repo.actor_for(db, person), skills=skills, now=now)
    hint = balance.nudge(
        pattern,
        helped=quarter.help_given,
        asked=quarter.asks,
        received=quarter.help_received,
        matching_asks=count,
        period="in the last 90 days",
    )
    href = "/asks/new" if hint.action == balance.NudgeAction.ASK else matches_href
    share = repository.share_of(db, org_id=actor.org_id, person_id=person.id)
    return BalanceRead(
        person_id=person.id,
        name=person.name,
        empty=not any(d.day > today - timedelta(days=365) for d in days),
        windows=windows,
        weeks=[WeekPoint(week=w, gives=g, asks=a) for w, (g, a) in weekly.items()],
        pattern=pattern.value,
        pattern_words=balance.PATTERN_WORDS[pattern],
        nudge=NudgeRead(text=hint.text, action=hint.action.value, label=hint.label, href=href),
        shared_with_lead=bool(share and share.with_lead),
    )


def _activities(
    db: Session, *, org_id: int, now: datetime, people: set[int] | None = None
) -> dict[int, balance.Activity]:
    """Active people's gives and asks over the pattern window (zeros included); all, or ``people``."""
    since = now.date() - timedelta(days=PATTERN_DAYS - 1)
    counts = repository.activities(db, org_id=org_id, since=since, person_ids=people)
    active = repository.active_people(db, org_id=org_id, person_ids=people)
    return {
        p: balance.Activity(gives=counts.get(p, (0, 0))[0], asks=counts.get(p, (0, 0))[1]) for p in active
    }


#: The organization's thresholds change only when the rollups do (the cursor moves) or the day turns;
#: computing them reads every active person's quarter, so each process keeps them per organization,
#: for at most ``THRESHOLDS_TTL`` (deactivations and setting changes show within that).
THRESHOLDS_TTL = timedelta(minutes=5)
_thresholds: dict[
    int, tuple[tuple[int, date], datetime, balance.Thresholds, dict[int, balance.Activity]]
] = {}


def _org_activity(
    db: Session, *, org_id: int, now: datetime
) -> tuple[balance.Thresholds, dict[int, balance.Activity]]:
    """The organization's thresholds and everyone's activity, kept per process (see above)."""
    key = (repository.cursor_position(db, CURSOR), now.date())
    hit = _thresholds.get(org_id)
    if hit is not None and hit[0] == key and timedelta(0) <= now - hit[1] < THRESHOLDS_TTL:
        return hit[2], hit[3]
    everyone = _activities(db, org_id=org_id, now=now)
    limits = balance.thresholds(list(everyone.values()))
    _thresholds[org_id] = (key, now, limits, everyone)
    return limits, everyone


def org_thresholds(db: Session, *, org_id: int, now: datetime) -> balance.Thresholds:
    return _org_activity(db, org_id=org_id, now=now)[0]


def forget_thresholds() -> None:
    """Drop the per-process thresholds (tests that reuse ids; a rebuild)."""
    _thresholds.clear()


def pattern_of(db: Session, *, org_id: int, person_id: int, now: datetime) -> balance.Pattern:
    mine = _activities(db, org_id=org_id, now=now, people={person_id}).get(person_id, balance.Activity(0, 0))
    return balance.classify(mine, org_thresholds(db, org_id=org_id, now=now))


def set_sharing(db: Session, *, actor: Actor, with_lead: bool, now: datetime) -> None:
    repository.set_share(db, org_id=actor.org_id, person_id=actor.person_id, with_lead=with_lead, now=now)


# --- the leader mirror -------------------------------------------------------------------------------


EXAMPLE_TITLE = "Looking for a second pair of eyes on a decision I'm making this week"
EXAMPLE_BODY = (
    "I'm weighing two options for our next quarter's priorities and I'd value a fresh view. "
    "What I need: 30 minutes with someone who has run a similar planning round. "
    "Why: I want to avoid blind spots before I commit the team."
)


def mirror(db: Session, *, actor: Actor, now: datetime) -> MirrorRead:
    """A lead's own asking against their team's, privately. Only the lead sees it."""
    if not actor.lead_of:
        raise LeadsOnly()
    if not org_of(db, actor.org_id).individual_analytics:
        raise IndividualAnalyticsOff()
    since = (now - timedelta(days=180)).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months: dict[str, list[int]] = {}
    cursor = since
    while cursor <= now:
        months[cursor.strftime("%Y-%m")] = [0, 0]
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    for at, visibility in repository.asks_by_month(
        db, org_id=actor.org_id, author_id=actor.person_id, since=since
    ):
        key = at.strftime("%Y-%m")
        if key in months:
            months[key][0] += 1
            months[key][1] += visibility in repository.PUBLIC_TO_TEAM
    mine = sum(a for a, _ in months.values()) / max(1, len(months))
    team_rate = _team_ask_rate(db, org_id=actor.org_id, team_ids=actor.lead_of, now=now)
    with_request, first = repository.rings_asked_first(
        db, org_id=actor.org_id, person_id=actor.person_id, since=since
    )
    if team_rate is not None and mine < team_rate:
        prompt = (
            f"Your team asks about {team_rate:.1f} times per person a month; you asked {mine:.1f}. "
            "When a lead asks first, others follow: bring one real ask to your next stand-up or ring."
        )
    else:
        prompt = (
            "You model asking for help. Keep asking in the open: an ask your team can see tells them "
            "it is safe to ask too."
        )
    return MirrorRead(
        months=[MonthAsks(month=m, asks=a, public=p) for m, (a, p) in months.items()],
        my_asks_per_month=round(mine, 2),
        team_asks_per_person_month=None if team_rate is None else round(team_rate, 2),
        rings_with_request=with_request,
        rings_asked_first=first,
        prompt=prompt,
        example_title=EXAMPLE_TITLE,
        example_body=EXAMPLE_BODY,
        example_href="/asks/new?" + urlencode({"title": EXAMPLE_TITLE, "body": EXAMPLE_BODY}),
    )


def _team_ask_rate(db: Session, *, org_id: int, team_ids: frozenset[int], now: datetime) -> float | None:
    """Asks per person per month over the last 90 days in the given teams (None under 5 people)."""
    spells = Spells(repository.spells(db, org_id=org_id, team_ids=team_ids))
    people = _members_between(spells, team_ids, now - timedelta(days=90), now)
    if len(people) < MIN_GROUP:
        return None
    rows = repository.team_days(db, org_id=org_id, team_ids=team_ids, since=(now - timedelta(days=90)).date())
    return sum(r.asks for r in rows) / len(people) / 3


# --- team and organization trends --------------------------------------------------------------------


def _members_between(
    spells: Spells, team_ids: frozenset[int] | set[int], start: datetime, end: datetime
) -> set[int]:
    return spells.members_between(team_ids, start, end)


def _weeks(now: datetime) -> list[date]:
    last = _week(now.date())
    return [last - timedelta(weeks=TREND_WEEKS - 1 - i) for i in range(TREND_WEEKS)]


def _start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _trends(
    db: Session,
    *,
    org_id: int,
    team_id: int,
    members_of_week: Callable[[date], set[int]],
    in_group: Callable[[int, datetime], bool],
    tie_people: set[int] | None,
    now: datetime,
) -> list[WeekTrend]:
    weeks = _weeks(now)
    since = _start(weeks[0])
    days = repository.team_days(db, org_id=org_id, team_ids=[team_id], since=weeks[0])
    asks_by_week: dict[date, int] = defaultdict(int)
    for d in days:
        asks_by_week[_week(d.day)] += d.asks
    # Asks by week and delay to a first offer (rolled up): never one row per ask.
    buckets_by_week: dict[date, list[tuple[int, int, int]]] = defaultdict(list)
    for week, minutes, n, helped in repository.ask_weeks(db, org_id=org_id, team_id=team_id, since=weeks[0]):
        buckets_by_week[week].append((minutes, n, helped))
    ties_by_week: dict[date, int] = defaultdict(int)
    if tie_people is None:  # the organization: every new tie counts, counted in the database
        ties_by_week.update(repository.new_ties_per_week(db, org_id=org_id, weeks=weeks))
    else:  # a team: only ties with someone who was a member in the window, then checked for the moment
        for a, b, at in repository.new_ties(db, org_id=org_id, since=since, people=tie_people):
            if in_group(a, at) or in_group(b, at):
                ties_by_week[_week(at.date())] += 1
    out = []
    for w in weeks:
        people = len(members_of_week(w))
        if people < MIN_GROUP:
            out.append(WeekTrend(week=w, people=people, suppressed=True))
            continue
        buckets = buckets_by_week.get(w, [])
        opened = sum(n for _, n, _ in buckets)
        offered = sum(n for m, n, _ in buckets if m != NO_OFFER)
        fulfilled = sum(h for _, _, h in buckets)
        median = median_hours((m, n) for m, n, _ in buckets)
        out.append(
            WeekTrend(
                week=w,
                people=people,
                suppressed=False,
                asks=asks_by_week.get(w, 0),
                asks_per_person_week=round(asks_by_week.get(w, 0) / people, 3),
                offered_share=round(offered / opened, 3) if opened else None,
                fulfilled_share=round(fulfilled / opened, 3) if opened else None,
                median_hours_to_first_offer=None if median is None else round(median, 1),
                unanswered=opened - offered,
                new_ties=ties_by_week.get(w, 0),
            )
        )
    return out


def _markers(db: Session, *, org_id: int, now: datetime) -> list[Marker]:
    since = _start(_weeks(now)[0])
    found = [
        Marker(at=at, kind="ring", label=f"Ring: {name}")
        for at, name, _rid in repository.ring_markers(db, org_id=org_id, since=since)
        if at <= now
    ]
    for source in MARKER_SOURCES:
        found.extend(source(db, org_id, since))
    return sorted(found, key=lambda m: m.at)


def _group_patterns(
    db: Session, *, org_id: int, people: set[int], now: datetime, whole: bool = False
) -> dict[str, float] | None:
    """Share of ``people`` in each pattern, thresholds from the whole organization; None when
    individual analytics are off or the group is under ``MIN_GROUP``."""
    if not org_of(db, org_id).individual_analytics:
        return None
    if whole:
        limits, group = _org_activity(db, org_id=org_id, now=now)
    else:
        group = _activities(db, org_id=org_id, now=now, people=people)
        limits = org_thresholds(db, org_id=org_id, now=now)
    if len(group) < MIN_GROUP:
        return None
    return balance.shares({p: balance.classify(a, limits) for p, a in group.items()})


def _matrix(db: Session, *, org_id: int, now: datetime, focus: int | None) -> list[FlowCell]:
    """Help between teams over the trend window (all of them, or those ``focus`` exchanged help with),
    the ``MATRIX_CELLS`` largest cells. Teams of under ``MIN_GROUP`` members (then) are merged into
    "Smaller teams"; if that group is itself under ``MIN_GROUP``, its cells are dropped.

    A team's row and column are few cells, read whole. For the organization the database sums, ranks
    and cuts the cells between teams of ``MIN_GROUP`` or more; only the small teams' cells (usually
    few) come back to be merged here, then both are ranked together."""
    start = _start(_weeks(now)[0])
    since = start.date()
    cells: dict[tuple[str, str], int] = defaultdict(int)
    if focus is None:
        for giver, receiver, n in repository.top_flows(
            db, org_id=org_id, since=since, start=start, end=now, size=MIN_GROUP, limit=MATRIX_CELLS
        ):
            cells[(giver, receiver)] += n
        rest = repository.flows_outside(db, org_id=org_id, since=since, start=start, end=now, size=MIN_GROUP)
    else:
        rest = repository.flows(db, org_id=org_id, since=since, team_id=focus)
    if rest:
        involved = {t for g, r, _ in rest for t in (g, r)}
        big = repository.teams_of_at_least(
            db, org_id=org_id, team_ids=involved, start=start, end=now, size=MIN_GROUP
        )
        small = involved - big
        small_ok = bool(small) and (
            repository.people_in_teams(db, org_id=org_id, team_ids=small, start=start, end=now) >= MIN_GROUP
        )
        names = repository.teams(db, org_id=org_id)

        def label(team_id: int) -> str | None:
            if team_id not in small:
                return names.get(team_id)
            return "Smaller teams" if small_ok else None

        for g_id, r_id, n in rest:
            gl, rl = label(g_id), label(r_id)
            if gl is not None and rl is not None:
                cells[(gl, rl)] += n
    # A thousand teams make a million cells nobody reads: the organization view shows the largest.
    top = sorted(cells.items(), key=lambda c: (-c[1], c[0]))[:MATRIX_CELLS]
    return [FlowCell(giver=g, receiver=r, help=n) for (g, r), n in sorted(top)]


def team_insight(db: Session, *, actor: Actor, team_id: int, now: datetime) -> GroupInsight:
    """A team's trends, for its leads and the organization's admins."""
    team = repository.team_in_org(db, org_id=actor.org_id, team_id=team_id)
    if team is None:
        raise TeamNotFound()
    if not (actor.is_admin or team_id in actor.lead_of):
        raise NotTheirLead()
    spells = Spells(repository.spells(db, org_id=actor.org_id, team_ids=[team_id]))
    weeks = _weeks(now)
    people = _members_between(spells, {team_id}, _start(weeks[0]), now)
    suppressed = len(people) < MIN_GROUP
    trends = _trends(
        db,
        org_id=actor.org_id,
        team_id=team_id,
        members_of_week=lambda w: _members_between(
            spells, {team_id}, _start(w), _start(w + timedelta(weeks=1))
        ),
        in_group=lambda p, at: team_id in spells.teams_at(p, at),
        tie_people=people,
        now=now,
    )
    return GroupInsight(
        scope="team",
        team_id=team.id,
        name=team.name,
        people=len(people),
        suppressed=suppressed,
        weeks=trends,
        matrix=[] if suppressed else _matrix(db, org_id=actor.org_id, now=now, focus=team_id),
        patterns=None if suppressed else _group_patterns(db, org_id=actor.org_id, people=people, now=now),
        markers=_markers(db, org_id=actor.org_id, now=now),
    )


def org_insight(db: Session, *, actor: Actor, now: datetime) -> GroupInsight:
    """The organization's trends, for its admins."""
    if not actor.is_admin:
        raise AdminsOnly()
    org = org_of(db, actor.org_id)
    active = repository.active_people(db, org_id=actor.org_id)
    suppressed = len(active) < MIN_GROUP
    trends = _trends(
        db,
        org_id=actor.org_id,
        team_id=ORG_TEAM,
        members_of_week=lambda w: active,
        in_group=lambda p, at: True,
        tie_people=None,
        now=now,
    )
    return GroupInsight(
        scope="org",
        team_id=None,
        name=org.name,
        people=len(active),
        suppressed=suppressed,
        weeks=trends,
        matrix=[] if suppressed else _matrix(db, org_id=actor.org_id, now=now, focus=None),
        patterns=None
        if suppressed
        else _group_patterns(db, org_id=actor.org_id, people=active, now=now, whole=True),
        markers=_markers(db, org_id=actor.org_id, now=now),
    )


CSV_COLUMNS = (
    "week",
    "people",
    "asks",
    "asks_per_person_week",
    "offered_share",
    "fulfilled_share",
    "median_hours_to_first_offer",
    "unanswered",
    "new_ties",
)


def csv_rows(insight: GroupInsight) -> list[list[str]]:
    """The weekly trends as CSV rows (suppressed weeks keep their date, with empty figures)."""
    rows = [list(CSV_COLUMNS)]
    for w in insight.weeks:
        data = w.model_dump()
        rows.append(
            ["" if data[c] is None or (w.suppressed and c != "week") else str(data[c]) for c in CSV_COLUMNS]
        )
    return rows
