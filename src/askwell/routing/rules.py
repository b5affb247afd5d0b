"""Routing sideways, as pure rules: who among the peers is asked, and when "N working hours" is up.

No session, no I/O, ``now`` passed in. The service loads candidates (with their who-can-help score
from ``matching``, their recent route requests and their timezone), calls ``choose_peers`` and
persists; the escalation job asks ``add_working_hours`` when the lead should be told.

How peers are chosen (``choose_peers``):

| rule | why |
|---|---|
| never the author, never someone inactive | they cannot help with their own ask; the inactive never answer |
| never someone already asked today (their local day) | nobody is asked twice on the same day |
| someone asked yesterday only when too few others are free | nobody is asked two days running while others could be |
| then by a blend: who-can-help score, minus today's load, plus working-hours overlap with the author | the best helper who is not swamped and is awake when the author is |

Working hours and their DST-safe arithmetic ("4 working hours after Friday 16:00") are
``core.workhours``, shared with huddles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from askwell.core.workhours import DEFAULT_HOURS, WorkingHours, add_working_hours, overlap

#: How many peers an ask goes to: two is the least that survives one "can't", three the most before
#: it feels like a broadcast.
MIN_PEERS, MAX_PEERS = 2, 3
#: Hours of silence before the lead is asked, by default.
DEFAULT_ESCALATE_HOURS = 4

#: Weights of the blend. The who-can-help score (0..1) leads; each open route request today costs
#: a quarter of a perfect score (protects the generous few); a full day's overlap with the author is
#: worth a fifth (someone asleep while the author works answers tomorrow).
LOAD_PENALTY = 0.25
OVERLAP_WEIGHT = 0.2


def escalate_at(
    routed_at: datetime, *, hours: int, tz: ZoneInfo, working: WorkingHours = DEFAULT_HOURS
) -> datetime:
    """When the lead is asked: ``hours`` working hours after routing, on the author's clock (an ask
    routed on Friday afternoon waits through the weekend, not through the night only)."""
    return add_working_hours(routed_at, timedelta(hours=hours), tz, working)


# --- choosing peers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentRequest:
    """A route request made to a candidate lately: when, and whether it still waits for an answer."""

    at: datetime
    open: bool


@dataclass(frozen=True)
class Candidate:
    person_id: int
    tz: ZoneInfo
    #: The who-can-help score for this ask (0 when matching did not rank them).
    score: float = 0.0
    active: bool = True
    hours: WorkingHours = DEFAULT_HOURS
    recent: tuple[RecentRequest, ...] = field(default=())


@dataclass(frozen=True)
class Choice:
    person_id: int
    value: float
    asked_yesterday: bool


def local_day(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def asked_on(candidate: Candidate, day: date) -> bool:
    return any(local_day(r.at, candidate.tz) == day for r in candidate.recent)


def open_today(candidate: Candidate, *, now: datetime) -> int:
    today = local_day(now, candidate.tz)
    return sum(1 for r in candidate.recent if r.open and local_day(r.at, candidate.tz) == today)


def peers_count(wanted: int) -> int:
    return min(max(wanted, MIN_PEERS), MAX_PEERS)


def choose_peers(
    candidates: Sequence[Candidate],
    *,
    author_id: int,
    author_tz: ZoneInfo,
    now: datetime,
    count: int,
    exclude: frozenset[int] = frozenset(),
    author_hours: WorkingHours = DEFAULT_HOURS,
) -> list[Choice]:
    """Up to ``count`` peers, best first (see the module's table). ``exclude``: already asked for this ask."""
    day = timedelta(days=1)
    choices: list[Choice] = []
    seen: set[int] = set()
    for c in candidates:
        if c.person_id in seen or c.person_id == author_id or not c.active or c.person_id in exclude:
            continue
        seen.add(c.person_id)
        today = local_day(now, c.tz)
        if asked_on(c, today):
            continue
        shared = overlap((author_tz, author_hours), (c.tz, c.hours), now=now, span=day)
        value = (
            max(c.score, 0.0)
            - LOAD_PENALTY * open_today(c, now=now)
            + OVERLAP_WEIGHT * min(shared / timedelta(hours=8), 1.0)
        )
        choices.append(Choice(c.person_id, value, asked_on(c, today - day)))
    # Rested people first, then the blend, then the id (a stable answer for equal values).
    choices.sort(key=lambda ch: (ch.asked_yesterday, -ch.value, ch.person_id))
    return choices[: max(count, 0)]
