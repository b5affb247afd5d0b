"""Turning ledger entries into rollup increments: a pure, additive tally.

The incremental job and ``insights rebuild`` both feed entries through ``tally`` and add the result
to the rollup tables. Every increment is a sum (counters) or a minimum (an ask's first offer, first
help), so the rows do not depend on how entries were batched: rebuilding from the whole ledger gives
exactly the rows the job built a batch at a time. Team figures use membership *at the entry's time*
(``Spells``), never today's teams.

A new source (rings, stand-ups) is one more ``EntryKind`` in ``COUNTED`` below, not a rewrite.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from askwell.insights.models import COUNTERS
from askwell.ledger.models import EntryKind

#: Organization-wide rows use this team id.
ORG_TEAM = 0

#: What each counted kind adds: (counter for the actor, counter for the subject or None).
COUNTED: dict[str, tuple[str, str | None]] = {
    EntryKind.ASK_OPENED.value: ("asks", None),
    EntryKind.OFFER_MADE.value: ("offers", None),
    EntryKind.HELP_GIVEN.value: ("help_given", "help_received"),
    EntryKind.THANKS.value: ("thanks_given", "thanks_received"),
}


@dataclass(frozen=True)
class Entry:
    """The fields of a ledger entry the tally reads."""

    id: int
    org_id: int
    kind: str
    actor_id: int
    subject_id: int | None
    ask_id: int | None
    at: datetime


@dataclass(frozen=True)
class Spell:
    person_id: int
    team_id: int
    since: datetime | None
    until: datetime | None

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return (self.since is None or self.since < end) and (self.until is None or self.until > start)

    def covers(self, at: datetime) -> bool:
        return (self.since is None or self.since <= at) and (self.until is None or at < self.until)


class Spells:
    """Membership history of one organization: which teams a person was in at a moment."""

    def __init__(self, spells: Iterable[Spell]) -> None:
        self._by_person: dict[int, list[Spell]] = defaultdict(list)
        self._by_team: dict[int, list[Spell]] = defaultdict(list)
        for s in spells:
            self._by_person[s.person_id].append(s)
            self._by_team[s.team_id].append(s)
        # Most people never changed teams: their answer does not depend on the moment (kept as asked).
        self._always: dict[int, tuple[int, ...] | None] = {}

    def members_between(self, team_ids: Iterable[int], start: datetime, end: datetime) -> set[int]:
        """People who were in one of ``team_ids`` at some moment of [start, end)."""
        return {s.person_id for t in team_ids for s in self._by_team.get(t, ()) if s.overlaps(start, end)}

    def sizes_between(self, start: datetime, end: datetime) -> dict[int, set[int]]:
        """Every team's members at some moment of [start, end)."""
        return {t: {s.person_id for s in rows if s.overlaps(start, end)} for t, rows in self._by_team.items()}

    def teams_at(self, person_id: int, at: datetime) -> tuple[int, ...]:
        if person_id not in self._always:
            rows = self._by_person.get(person_id, [])
            fixed = all(s.since is None and s.until is None for s in rows)
            self._always[person_id] = tuple(sorted({s.team_id for s in rows})) if fixed else None
        always = self._always[person_id]
        if always is not None:
            return always
        return tuple(sorted({s.team_id for s in self._by_person.get(person_id, ()) if s.covers(at)}))


#: Delay buckets of ``AskWeek``: (below this many minutes, bucket width in minutes), then a day each.
DELAY_STEPS: tuple[tuple[int, int], ...] = ((120, 1), (2 * 24 * 60, 10), (14 * 24 * 60, 60))
DAY_MINUTES = 24 * 60
#: Delays past this count as this (a year): the histogram stays bounded.
MAX_DELAY_MINUTES = 365 * DAY_MINUTES
#: ``AskWeek.delay_minutes`` of asks without an offer.
NO_OFFER = -1


def delay_bucket(opened: datetime, first_offer: datetime | None) -> int:
    """The bucket (its lower bound in minutes) of an ask's delay to a first offer; ``NO_OFFER`` if none.

    Fine where delays are short (a minute under two hours), coarser where a few minutes do not matter
    (an hour past two days): a week's median read from the buckets is within one bucket of the exact one.
    """
    if first_offer is None:
        return NO_OFFER
    minutes = min(MAX_DELAY_MINUTES, max(0, int((first_offer - opened).total_seconds() // 60)))
    for below, width in DELAY_STEPS:
        if minutes < below:
            return minutes - minutes % width
    return minutes - minutes % DAY_MINUTES


def week_of(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


#: (org, team, ask) → (opened, first offer, helped): an ``AskFact`` row's course.
FactStates = dict[tuple[int, int, int], tuple[datetime, datetime | None, datetime | None]]
#: (org, team, week, delay bucket) → [asks, helped]: ``AskWeek`` increments.
WeekDelta = dict[tuple[int, int, date, int], list[int]]


def ask_week_delta(before: FactStates, after: FactStates) -> WeekDelta:
    """What changing ``AskFact`` rows from ``before`` to ``after`` does to the ``AskWeek`` counts: each
    old course taken out, each new one put in (unchanged rows cancel out and are dropped). The counts
    are a sum over the facts' final courses, so they do not depend on how entries were batched."""
    out: WeekDelta = defaultdict(lambda: [0, 0])
    for states, sign in ((before, -1), (after, 1)):
        for (org_id, team_id, _ask), (opened, offered, helped) in states.items():
            row = out[(org_id, team_id, week_of(opened.date()), delay_bucket(opened, offered))]
            row[0] += sign
            row[1] += sign * (helped is not None)
    return {k: v for k, v in out.items() if v != [0, 0]}


def median_hours(buckets: Iterable[tuple[int, int]]) -> float | None:
    """The median delay in hours of (delay bucket in minutes, asks) pairs (offered asks only), as
    ``statistics.median`` gives it over one value per ask; None without any."""
    rows = sorted((m, n) for m, n in buckets if m != NO_OFFER and n > 0)
    total = sum(n for _, n in rows)
    if not total:
        return None
    wanted = ((total - 1) // 2, total // 2)
    found: list[int] = []
    seen = 0
    for minutes, n in rows:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(minutes)
        seen += n
    return (found[0] + found[1]) / 2 / 60


def zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def _earliest(a: datetime | None, b: datetime) -> datetime:
    return b if a is None else min(a, b)


@dataclass
class Tally:
    person: dict[tuple[int, int, date], dict[str, int]] = field(default_factory=dict)
    team: dict[tuple[int, int, date], dict[str, int]] = field(default_factory=dict)
    flows: dict[tuple[int, date, int, int], int] = field(default_factory=dict)
    #: (org, ask, team) → (author, opened): one row per team of the author then, and team 0.
    opened: dict[tuple[int, int, int], tuple[int, datetime]] = field(default_factory=dict)
    #: (org, ask) → the earliest offer / help in the batch (merged with the rows by minimum).
    offered: dict[tuple[int, int], datetime] = field(default_factory=dict)
    helped: dict[tuple[int, int], datetime] = field(default_factory=dict)

    def asks_touched(self) -> set[tuple[int, int]]:
        """(org, ask) of every ask whose ``AskFact`` rows this tally may change."""
        return {(o, a) for o, a, _ in self.opened} | self.offered.keys() | self.helped.keys()

    def _add(
        self, table: dict[tuple[int, int, date], dict[str, int]], key: tuple[int, int, date], c: str
    ) -> None:
        row = table.get(key)
        if row is None:
            row = table[key] = zero()
        row[c] += 1


def tally(
    entries: Sequence[Entry],
    *,
    spells_of: Callable[[int], Spells],
    individual: Callable[[int], bool],
) -> Tally:
    """The increments ``entries`` make. ``spells_of(org_id)`` gives that organization's membership
    history; ``individual(org_id)`` says whether per-person rows are kept (the organization setting)."""
    out = Tally()
    for e in entries:
        spells = spells_of(e.org_id)
        day = e.at.date()
        if e.kind == EntryKind.ASK_OPENED.value and e.ask_id is not None:
            for team_id in (ORG_TEAM, *spells.teams_at(e.actor_id, e.at)):
                key3 = (e.org_id, e.ask_id, team_id)
                if key3 not in out.opened or e.at < out.opened[key3][1]:
                    out.opened[key3] = (e.actor_id, e.at)
        elif e.kind == EntryKind.OFFER_MADE.value and e.ask_id is not None:
            out.offered[(e.org_id, e.ask_id)] = _earliest(out.offered.get((e.org_id, e.ask_id)), e.at)
        elif e.kind == EntryKind.HELP_GIVEN.value and e.ask_id is not None:
            out.helped[(e.org_id, e.ask_id)] = _earliest(out.helped.get((e.org_id, e.ask_id)), e.at)
        counted = COUNTED.get(e.kind)
        if counted is None:
            continue
        actor_counter, subject_counter = counted
        pairs = [(e.actor_id, actor_counter)]
        if subject_counter is not None and e.subject_id is not None and e.subject_id != e.actor_id:
            pairs.append((e.subject_id, subject_counter))
        for person_id, counter in pairs:
            if individual(e.org_id):
                out._add(out.person, (e.org_id, person_id, day), counter)
            out._add(out.team, (e.org_id, ORG_TEAM, day), counter)
            for team_id in spells.teams_at(person_id, e.at):
                out._add(out.team, (e.org_id, team_id, day), counter)
        if e.kind == EntryKind.HELP_GIVEN.value and e.subject_id is not None:
            for giver in spells.teams_at(e.actor_id, e.at):
                for receiver in spells.teams_at(e.subject_id, e.at):
                    key = (e.org_id, day, giver, receiver)
                    out.flows[key] = out.flows.get(key, 0) + 1
    return out
