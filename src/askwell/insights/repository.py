"""Every statement of the insights domain: writing rollups, reading them within one organization.

Views never read the raw ledger (that is what the rollups are for); the ``raw_*`` readers exist only
so that the benchmarks can set an on-the-fly aggregation beside the rollup reading.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    distinct,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from askwell.asks.models import Ask, Offer, Visibility
from askwell.core.db import Base, UTCDateTime
from askwell.core.jobs import Cursor
from askwell.insights.models import (
    COUNTERS,
    AskFact,
    AskWeek,
    InsightShare,
    InsightSpell,
    PersonDay,
    TeamDay,
    TeamFlow,
)
from askwell.insights.rollup import COUNTED, Entry, FactStates, Spell, Tally, WeekDelta
from askwell.ledger.models import EntryKind, LedgerEntry
from askwell.network.models import Tie
from askwell.people.models import Organization, Person, Role, Team, TeamMembership
from askwell.rings.models import Ring, RingRequest

# --- the job's inputs --------------------------------------------------------------------------------


def entries_after(db: Session, *, position: int, limit: int, upto: int | None = None) -> list[Entry]:
    """Ledger entries of every organization past ``position`` (and at most ``upto``), in id order."""
    stmt = select(
        LedgerEntry.id,
        LedgerEntry.org_id,
        LedgerEntry.kind,
        LedgerEntry.actor_id,
        LedgerEntry.subject_id,
        LedgerEntry.ask_id,
        LedgerEntry.at,
    ).where(LedgerEntry.id > position)
    if upto is not None:
        stmt = stmt.where(LedgerEntry.id <= upto)
    return [Entry(*row) for row in db.execute(stmt.order_by(LedgerEntry.id).limit(limit))]


def cursor_position(db: Session, name: str) -> int:
    """A job's cursor without locking it (readers only want to know whether the rollups moved)."""
    return int(db.scalar(select(Cursor.position).where(Cursor.name == name)) or 0)


def last_entry_id(db: Session) -> int:
    return int(db.scalar(select(func.coalesce(func.max(LedgerEntry.id), 0))) or 0)


def analytics_settings(db: Session) -> dict[int, bool]:
    """Organization id → whether individual analytics are on."""
    return {
        oid: bool(on) for oid, on in db.execute(select(Organization.id, Organization.individual_analytics))
    }


def memberships(db: Session, *, org_id: int) -> set[tuple[int, int]]:
    """(person, team) pairs of one organization now."""
    rows = db.execute(
        select(TeamMembership.person_id, TeamMembership.team_id).where(TeamMembership.org_id == org_id)
    )
    return {(p, t) for p, t in rows}


def spells(db: Session, *, org_id: int, team_ids: Iterable[int] | None = None) -> list[Spell]:
    """Membership history of one organization (or of some of its teams), as plain values."""
    stmt = select(InsightSpell.person_id, InsightSpell.team_id, InsightSpell.since, InsightSpell.until).where(
        InsightSpell.org_id == org_id
    )
    if team_ids is not None:
        stmt = stmt.where(InsightSpell.team_id.in_(sorted(set(team_ids)) or [-1]))
    return [Spell(p, t, since, until) for p, t, since, until in db.execute(stmt)]


def add_spell(db: Session, *, org_id: int, person_id: int, team_id: int, since: datetime | None) -> None:
    db.add(InsightSpell(org_id=org_id, person_id=person_id, team_id=team_id, since=since))


# --- writing rollups ---------------------------------------------------------------------------------


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)  # a mapped class's table is a Table


def _insert(db: Session) -> Any:
    return postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert


def add_tally(db: Session, tally: Tally) -> None:
    """Add a tally's increments to the rollup rows (upserts: a sum, or the earliest time)."""
    insert = _insert(db)
    # Core statements on the tables (not the ORM's bulk path): one executemany per table and batch.
    if tally.person:
        t = _table(PersonDay)
        stmt = insert(t)
        stmt = stmt.on_conflict_do_update(
            index_elements=["org_id", "person_id", "day"],
            set_={c: t.c[c] + getattr(stmt.excluded, c) for c in COUNTERS},
        )
        db.execute(
            stmt,
            [{"org_id": o, "person_id": p, "day": d, **c} for (o, p, d), c in tally.person.items()],
        )
    if tally.team:
        t = _table(TeamDay)
        stmt = insert(t)
        stmt = stmt.on_conflict_do_update(
            index_elements=["org_id", "team_id", "day"],
            set_={c: t.c[c] + getattr(stmt.excluded, c) for c in COUNTERS},
        )
        db.execute(stmt, [{"org_id": o, "team_id": t, "day": d, **c} for (o, t, d), c in tally.team.items()])
    if tally.flows:
        t = _table(TeamFlow)
        stmt = insert(t)
        stmt = stmt.on_conflict_do_update(
            index_elements=["org_id", "day", "giver_team_id", "receiver_team_id"],
            set_={"help": t.c.help + stmt.excluded.help},
        )
        db.execute(
            stmt,
            [
                {"org_id": o, "day": d, "giver_team_id": g, "receiver_team_id": r, "help": n}
                for (o, d, g, r), n in tally.flows.items()
            ],
        )
    table = _table(AskFact)
    if tally.opened:
        stmt = insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=["org_id", "team_id", "ask_id"],
            set_={"opened_at": _earliest(table.c.opened_at, stmt.excluded.opened_at)},
        )
        db.execute(
            stmt,
            [
                {"org_id": o, "ask_id": a, "team_id": t, "author_id": author, "opened_at": at}
                for (o, a, t), (author, at) in tally.opened.items()
            ],
        )
    for column, found in (("first_offer_at", tally.offered), ("helped_at", tally.helped)):
        if not found:
            continue
        col = table.c[column]
        when = bindparam("when", type_=UTCDateTime())
        db.execute(
            update(table)
            .where(table.c.org_id == bindparam("o"), table.c.ask_id == bindparam("a"))
            .values({column: _earliest(col, when)}),
            [{"o": o, "a": a, "when": at} for (o, a), at in found.items()],
        )


def fact_states(db: Session, *, asks: Iterable[tuple[int, int]]) -> FactStates:
    """The ``AskFact`` rows of some (org, ask) pairs, as the ``AskWeek`` counts need them."""
    by_org: dict[int, list[int]] = {}
    for org_id, ask_id in sorted(set(asks)):
        by_org.setdefault(org_id, []).append(ask_id)
    out: FactStates = {}
    for org_id, ask_ids in by_org.items():
        for i in range(0, len(ask_ids), 500):
            rows = db.execute(
                select(
                    AskFact.team_id,
                    AskFact.ask_id,
                    AskFact.opened_at,
                    AskFact.first_offer_at,
                    AskFact.helped_at,
                ).where(AskFact.org_id == org_id, AskFact.ask_id.in_(ask_ids[i : i + 500]))
            )
            for team_id, ask_id, opened, offered, helped in rows:
                out[(org_id, team_id, ask_id)] = (opened, offered, helped)
    return out


def add_ask_weeks(db: Session, delta: WeekDelta) -> None:
    """Add ``AskWeek`` increments (some negative: an ask's old course), then drop the rows left at
    zero, so that the rows are the same however the entries were batched."""
    if not delta:
        return
    t = _table(AskWeek)
    stmt = _insert(db)(t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["org_id", "team_id", "week", "delay_minutes"],
        set_={"asks": t.c.asks + stmt.excluded.asks, "helped": t.c.helped + stmt.excluded.helped},
    )
    db.execute(
        stmt,
        [
            {"org_id": o, "team_id": team, "week": w, "delay_minutes": m, "asks": n, "helped": h}
            for (o, team, w, m), (n, h) in delta.items()
        ],
    )
    emptied = [k for k, (n, _h) in delta.items() if n < 0]
    if emptied:
        db.execute(
            delete(t).where(
                t.c.org_id == bindparam("o"),
                t.c.team_id == bindparam("t"),
                t.c.week == bindparam("w"),
                t.c.delay_minutes == bindparam("m"),
                t.c.asks == 0,
            ),
            [{"o": o, "t": team, "w": w, "m": m} for o, team, w, m in emptied],
        )


def _earliest(col: Any, new: Any) -> ColumnElement[Any]:
    return case((col.is_(None), new), (new < col, new), else_=col)


def clear_rollups(db: Session) -> None:
    """Every derived row of every organization (the rebuild starts from nothing)."""
    for table in (PersonDay, TeamDay, TeamFlow, AskFact, AskWeek):
        db.execute(delete(table))


def clear_person_days(db: Session, *, org_ids: Iterable[int]) -> None:
    """Per-person rows of organizations that switched individual analytics off."""
    ids = sorted(set(org_ids))
    if ids:
        db.execute(delete(PersonDay).where(PersonDay.org_id.in_(ids)))


def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every derived row without its surrogate id, sorted: what "the same rows" means in tests and
    in ``insights rebuild --check``."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in (PersonDay, TeamDay, TeamFlow, AskFact, AskWeek):
        cols = [c for c in table.__table__.columns if c.name != "id"]
        out[table.__tablename__] = sorted(tuple(r) for r in db.execute(select(*cols)))
    return out


# --- reading: one person -----------------------------------------------------------------------------


def person_days(db: Session, *, org_id: int, person_id: int, since: date) -> list[PersonDay]:
    return list(
        db.scalars(
            select(PersonDay)
            .where(PersonDay.org_id == org_id, PersonDay.person_id == person_id, PersonDay.day >= since)
            .order_by(PersonDay.day)
        )
    )


def activities(
    db: Session, *, org_id: int, since: date, person_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, int]]:
    """Person → (gives, asks) since ``since``, for everyone with a row (the rule's distribution)."""
    stmt = (
        select(
            PersonDay.person_id,
            func.sum(PersonDay.offers + PersonDay.help_given),
            func.sum(PersonDay.asks),
        )
        .where(PersonDay.org_id == org_id, PersonDay.day >= since)
        .group_by(PersonDay.person_id)
    )
    if person_ids is not None:
        stmt = stmt.where(PersonDay.person_id.in_(sorted(set(person_ids)) or [-1]))
    return {p: (int(g or 0), int(a or 0)) for p, g, a in db.execute(stmt)}


def active_people(db: Session, *, org_id: int, person_ids: Iterable[int] | None = None) -> set[int]:
    """Active people of the organization (or among ``person_ids``)."""
    stmt = select(Person.id).where(Person.org_id == org_id, Person.is_active.is_(True))
    if person_ids is not None:
        stmt = stmt.where(Person.id.in_(sorted(set(person_ids)) or [-1]))
    return set(db.scalars(stmt))


def share_of(db: Session, *, org_id: int, person_id: int) -> InsightShare | None:
    return db.scalar(
        select(InsightShare).where(InsightShare.org_id == org_id, InsightShare.person_id == person_id)
    )


def set_share(db: Session, *, org_id: int, person_id: int, with_lead: bool, now: datetime) -> None:
    row = share_of(db, org_id=org_id, person_id=person_id)
    if row is None:
        db.add(InsightShare(org_id=org_id, person_id=person_id, with_lead=with_lead, updated_at=now))
    else:
        row.with_lead = with_lead
        row.updated_at = now
    db.flush()


def teams_of_person(db: Session, *, org_id: int, person_id: int) -> set[int]:
    return set(
        db.scalars(
            select(TeamMembership.team_id).where(
                TeamMembership.org_id == org_id, TeamMembership.person_id == person_id
            )
        )
    )


def raw_person_counts(db: Session, *, org_id: int, person_id: int, since: datetime) -> dict[str, int]:
    """The same six counters straight from the ledger (benchmarks only)."""
    out = dict.fromkeys(COUNTERS, 0)
    # Grouped by actor (a few dozen groups), not by "actor = person": PostgreSQL does not match that
    # expression in GROUP BY with the one in SELECT when each has its own parameter.
    rows = db.execute(
        select(LedgerEntry.kind, LedgerEntry.actor_id, func.count())
        .where(
            LedgerEntry.org_id == org_id,
            or_(LedgerEntry.actor_id == person_id, LedgerEntry.subject_id == person_id),
            LedgerEntry.at >= since,
        )
        .group_by(LedgerEntry.kind, LedgerEntry.actor_id)
    )
    for kind, actor_id, n in rows:
        counted = COUNTED.get(kind)
        if counted is None:
            continue
        name = counted[0] if actor_id == person_id else counted[1]
        if name is not None:
            out[name] += int(n)
    return out


# --- reading: teams and the organization -------------------------------------------------------------


def team_days(db: Session, *, org_id: int, team_ids: Iterable[int], since: date) -> list[TeamDay]:
    return list(
        db.scalars(
            select(TeamDay)
            .where(
                TeamDay.org_id == org_id,
                TeamDay.team_id.in_(sorted(set(team_ids)) or [-1]),
                TeamDay.day >= since,
            )
            .order_by(TeamDay.day)
        )
    )


def ask_weeks(db: Session, *, org_id: int, team_id: int, since: date) -> list[tuple[date, int, int, int]]:
    """(week, delay bucket, asks, helped) of the asks a team's members (team 0: anyone) opened in the
    weeks from ``since`` (a Monday): one range of the unique index, a few hundred rows a week at most."""
    rows = db.execute(
        select(AskWeek.week, AskWeek.delay_minutes, AskWeek.asks, AskWeek.helped).where(
            AskWeek.org_id == org_id, AskWeek.team_id == team_id, AskWeek.week >= since
        )
    )
    return [(w, m, n, h) for w, m, n, h in rows]


def flows(db: Session, *, org_id: int, since: date, team_id: int) -> list[tuple[int, int, int]]:
    """(giver team, receiver team, help) since ``since`` of the cells of ``team_id``'s row and column."""
    rows = db.execute(
        select(TeamFlow.giver_team_id, TeamFlow.receiver_team_id, func.sum(TeamFlow.help))
        .where(
            TeamFlow.org_id == org_id,
            TeamFlow.day >= since,
            or_(TeamFlow.giver_team_id == team_id, TeamFlow.receiver_team_id == team_id),
        )
        .group_by(TeamFlow.giver_team_id, TeamFlow.receiver_team_id)
    )
    return [(g, r, int(n or 0)) for g, r, n in rows]


def _spell_overlaps(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    return [
        or_(InsightSpell.since.is_(None), InsightSpell.since < end),
        or_(InsightSpell.until.is_(None), InsightSpell.until > start),
    ]


def _teams_of_at_least(*, org_id: int, start: datetime, end: datetime, size: int) -> Select[int]:
    return (
        select(InsightSpell.team_id)
        .where(InsightSpell.org_id == org_id, *_spell_overlaps(start, end))
        .group_by(InsightSpell.team_id)
        .having(func.count(distinct(InsightSpell.person_id)) >= size)
    )


def teams_of_at_least(
    db: Session, *, org_id: int, team_ids: Iterable[int], start: datetime, end: datetime, size: int
) -> set[int]:
    """Those of ``team_ids`` with at least ``size`` members at some moment of [start, end)."""
    stmt = _teams_of_at_least(org_id=org_id, start=start, end=end, size=size).where(
        InsightSpell.team_id.in_(sorted(set(team_ids)) or [-1])
    )
    return set(db.scalars(stmt))


def top_flows(
    db: Session, *, org_id: int, since: date, start: datetime, end: datetime, size: int, limit: int
) -> list[tuple[str, str, int]]:
    """(giver team name, receiver team name, help) of the ``limit`` largest cells since ``since``
    between teams of at least ``size`` members in [start, end): summed, ranked and cut in the
    database, so the organization's million possible cells never come back."""
    big = _teams_of_at_least(org_id=org_id, start=start, end=end, size=size)
    giver, receiver = aliased(Team), aliased(Team)
    total = func.sum(TeamFlow.help)
    rows = db.execute(
        select(giver.name, receiver.name, total)
        .join(giver, (giver.id == TeamFlow.giver_team_id) & (giver.org_id == TeamFlow.org_id))
        .join(receiver, (receiver.id == TeamFlow.receiver_team_id) & (receiver.org_id == TeamFlow.org_id))
        .where(
            TeamFlow.org_id == org_id,
            TeamFlow.day >= since,
            TeamFlow.giver_team_id.in_(big),
            TeamFlow.receiver_team_id.in_(big),
        )
        .group_by(giver.name, receiver.name)
        .order_by(total.desc(), giver.name, receiver.name)
        .limit(limit)
    )
    return [(g, r, int(n or 0)) for g, r, n in rows]


def flows_outside(
    db: Session, *, org_id: int, since: date, start: datetime, end: datetime, size: int
) -> list[tuple[int, int, int]]:
    """(giver team, receiver team, help) since ``since`` of the cells with a team of under ``size``
    members in [start, end) at one end at least (the small teams' cells, merged by the caller)."""
    big = _teams_of_at_least(org_id=org_id, start=start, end=end, size=size)
    rows = db.execute(
        select(TeamFlow.giver_team_id, TeamFlow.receiver_team_id, func.sum(TeamFlow.help))
        .where(
            TeamFlow.org_id == org_id,
            TeamFlow.day >= since,
            or_(TeamFlow.giver_team_id.not_in(big), TeamFlow.receiver_team_id.not_in(big)),
        )
        .group_by(TeamFlow.giver_team_id, TeamFlow.receiver_team_id)
    )
    return [(g, r, int(n or 0)) for g, r, n in rows]


def people_in_teams(
    db: Session, *, org_id: int, team_ids: Iterable[int], start: datetime, end: datetime
) -> int:
    """How many people were in one of ``team_ids`` at some moment of [start, end)."""
    return int(
        db.scalar(
            select(func.count(distinct(InsightSpell.person_id))).where(
                InsightSpell.org_id == org_id,
                InsightSpell.team_id.in_(sorted(set(team_ids)) or [-1]),
                *_spell_overlaps(start, end),
            )
        )
        or 0
    )


def teams(db: Session, *, org_id: int) -> dict[int, str]:
    return {tid: name for tid, name in db.execute(select(Team.id, Team.name).where(Team.org_id == org_id))}


def team_in_org(db: Session, *, org_id: int, team_id: int) -> Team | None:
    return db.scalar(select(Team).where(Team.org_id == org_id, Team.id == team_id))


def new_ties(
    db: Session, *, org_id: int, since: datetime, people: Iterable[int]
) -> list[tuple[int, int, datetime]]:
    """(a, b, first interaction) of ties of ``people`` first formed since ``since`` (a team's: two
    index lookups by person, not the organization's ties)."""
    ids = sorted(set(people)) or [-1]
    rows = db.execute(
        select(Tie.a_id, Tie.b_id, Tie.first_at).where(
            Tie.org_id == org_id, Tie.first_at >= since, or_(Tie.a_id.in_(ids), Tie.b_id.in_(ids))
        )
    )
    return [(a, b, at) for a, b, at in rows]


def new_ties_per_week(db: Session, *, org_id: int, weeks: list[date]) -> dict[date, int]:
    """Week (a Monday) → ties first formed in it, counted in the database over one range of
    ``ix_ties_org_id_first_at`` (no row per tie comes back)."""
    bounds = [datetime(w.year, w.month, w.day, tzinfo=UTC) for w in [*weeks, weeks[-1] + timedelta(weeks=1)]]
    counts = [
        func.coalesce(func.sum(case((and_(Tie.first_at >= lo, Tie.first_at < hi), 1), else_=0)), 0)
        for lo, hi in pairwise(bounds)
    ]
    row = db.execute(
        select(*counts).where(Tie.org_id == org_id, Tie.first_at >= bounds[0], Tie.first_at < bounds[-1])
    ).one()
    return {w: int(n) for w, n in zip(weeks, row, strict=True) if n}


def ring_markers(db: Session, *, org_id: int, since: datetime) -> list[tuple[datetime, str, int]]:
    """(start, name, ring id) of rings that started since ``since``: the before/after markers."""
    rows = db.execute(
        select(Ring.starts_at, Ring.name, Ring.id)
        .where(Ring.org_id == org_id, Ring.starts_at >= since)
        .order_by(Ring.starts_at)
    )
    return [(at, name, rid) for at, name, rid in rows]


def rings_asked_first(db: Session, *, org_id: int, person_id: int, since: datetime) -> tuple[int, int]:
    """(rings the person took part in with a request, of which theirs came first)."""
    requests = db.execute(
        select(RingRequest.ring_id, RingRequest.person_id, RingRequest.position)
        .join(Ring, (Ring.id == RingRequest.ring_id) & (Ring.org_id == RingRequest.org_id))
        .where(RingRequest.org_id == org_id, Ring.starts_at >= since)
    ).all()
    first: dict[int, tuple[int, int]] = {}
    mine: set[int] = set()
    for ring_id, pid, position in requests:
        if pid == person_id:
            mine.add(ring_id)
        if ring_id not in first or position < first[ring_id][0]:
            first[ring_id] = (position, pid)
    return len(mine), sum(1 for r in mine if first[r][1] == person_id)


def asks_by_month(db: Session, *, org_id: int, author_id: int, since: datetime) -> list[tuple[datetime, str]]:
    """(opened, visibility) of one author's published asks since ``since`` (the leader mirror)."""
    rows = db.execute(
        select(Ask.opened_at, Ask.visibility).where(
            Ask.org_id == org_id, Ask.author_id == author_id, Ask.opened_at >= since
        )
    )
    return [(at, vis) for at, vis in rows if at is not None]


PUBLIC_TO_TEAM = (Visibility.TEAM.value, Visibility.ORG.value)


def raw_org_counts(db: Session, *, org_id: int, since: datetime) -> dict[str, int]:
    """Organization counters straight from the ledger (benchmarks only)."""
    rows = db.execute(
        select(LedgerEntry.kind, func.count())
        .where(LedgerEntry.org_id == org_id, LedgerEntry.at >= since)
        .group_by(LedgerEntry.kind)
    )
    counts = {k: int(n) for k, n in rows}
    return {
        "asks": counts.get(EntryKind.ASK_OPENED.value, 0),
        "offers": counts.get(EntryKind.OFFER_MADE.value, 0),
        "help_given": counts.get(EntryKind.HELP_GIVEN.value, 0),
        "thanks_given": counts.get(EntryKind.THANKS.value, 0),
    }


def raw_first_offers(db: Session, *, org_id: int, since: datetime) -> list[tuple[datetime, datetime | None]]:
    """(opened, first offer) of every ask opened since ``since``, straight from the ledger (benchmarks
    only: the organization view's medians done on the fly)."""
    opened = func.min(case((LedgerEntry.kind == EntryKind.ASK_OPENED.value, LedgerEntry.at)))
    offered = func.min(case((LedgerEntry.kind == EntryKind.OFFER_MADE.value, LedgerEntry.at)))
    rows = db.execute(
        select(opened, offered)
        .where(
            LedgerEntry.org_id == org_id,
            LedgerEntry.at >= since,
            LedgerEntry.kind.in_([EntryKind.ASK_OPENED.value, EntryKind.OFFER_MADE.value]),
        )
        .group_by(LedgerEntry.ask_id)
        .having(opened.is_not(None))
    )
    return [(_aware(o), None if f is None else _aware(f)) for o, f in rows]


def _aware(at: datetime | str) -> datetime:
    """A ``min()`` over a date column loses its type on SQLite (a string comes back)."""
    value = datetime.fromisoformat(at) if isinstance(at, str) else at
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def raw_team_counts(db: Session, *, org_id: int, team_id: int, since: datetime) -> dict[str, int]:
    """A team's counters straight from the ledger by today's membership (benchmarks only)."""
    members = select(TeamMembership.person_id).where(
        TeamMembership.org_id == org_id, TeamMembership.team_id == team_id
    )
    rows = db.execute(
        select(LedgerEntry.kind, func.count())
        .where(LedgerEntry.org_id == org_id, LedgerEntry.at >= since, LedgerEntry.actor_id.in_(members))
        .group_by(LedgerEntry.kind)
    )
    return {k: int(n) for k, n in rows}


def close_spell(db: Session, *, spell_id: int, at: datetime) -> None:
    db.execute(update(InsightSpell).where(InsightSpell.id == spell_id).values(until=at))


def open_spells(db: Session, *, org_id: int) -> dict[tuple[int, int], int]:
    """(person, team) → spell id of the memberships the job last saw."""
    rows = db.execute(
        select(InsightSpell.person_id, InsightSpell.team_id, InsightSpell.id).where(
            InsightSpell.org_id == org_id, InsightSpell.until.is_(None)
        )
    )
    return {(p, t): i for p, t, i in rows}


def has_spells(db: Session, *, org_id: int) -> bool:
    return db.scalar(select(InsightSpell.id).where(InsightSpell.org_id == org_id).limit(1)) is not None


def authors_since(db: Session, *, org_id: int, since: datetime) -> set[int]:
    """People who wrote an ask since ``since`` (the demo picks who shows which pattern)."""
    return set(db.scalars(select(Ask.author_id).where(Ask.org_id == org_id, Ask.created_at >= since)))


def helpers_since(db: Session, *, org_id: int, since: datetime) -> set[int]:
    """People who offered help since ``since``."""
    return set(db.scalars(select(Offer.helper_id).where(Offer.org_id == org_id, Offer.created_at >= since)))


def lead_ids(db: Session, *, org_id: int) -> set[int]:
    return set(
        db.scalars(
            select(TeamMembership.person_id).where(TeamMembership.org_id == org_id, TeamMembership.is_lead)
        )
    )


def admin_ids(db: Session, *, org_id: int) -> set[int]:
    return set(db.scalars(select(Person.id).where(Person.org_id == org_id, Person.role == Role.ADMIN.value)))
