"""The ring's core rules over plain values: its lifecycle, who may join, the order of requests, the
facilitator's timer, and the report's figures and chart. No session, no I/O; ``now`` is passed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from askwell.asks.models import AskStatus, OfferKind
from askwell.rings.models import MemberStatus, RingMode, RingOfferKind, RingStatus

S = RingStatus

# What each console action may do, from which status. Live rings pause; async rings only open and close.
TRANSITIONS: dict[str, dict[RingStatus, RingStatus]] = {
    "start": {S.PREPARING: S.LIVE},
    "open": {S.PREPARING: S.OPEN},
    "pause": {S.LIVE: S.PAUSED},
    "resume": {S.PAUSED: S.LIVE},
    "close": {S.PREPARING: S.CLOSED, S.LIVE: S.CLOSED, S.PAUSED: S.CLOSED, S.OPEN: S.CLOSED},
}
RUNNING = frozenset({S.LIVE, S.PAUSED, S.OPEN})

# The one-click offers of a ring, as the ask's offer kind and the words on the button.
OFFER_KINDS: dict[RingOfferKind, tuple[OfferKind, str]] = {
    RingOfferKind.HELP: (OfferKind.DO, "I can help"),
    RingOfferKind.KNOW_SOMEONE: (OfferKind.ADVISE, "I know someone"),
    RingOfferKind.RESOURCE: (OfferKind.RESOURCE, "I have a resource"),
}

#: Follow-up reminders after the ring ends: "was it fulfilled?" to requesters, "did you follow through?"
#: to helpers.
FOLLOW_UPS = (timedelta(days=7), timedelta(days=30))
#: An async ring's digest of new requests goes to each participant at most this often.
DIGEST_EVERY = timedelta(hours=20)
#: A facilitator's nudge reaches the same person at most this often.
NUDGE_EVERY = timedelta(hours=12)


def next_status(action: str, *, status: str, mode: str) -> RingStatus | None:
    """Where a console action leads from here; None when it is not allowed. Starting opens an async ring."""
    if action == "start" and mode == RingMode.ASYNC:
        action = "open"
    return TRANSITIONS.get(action, {}).get(RingStatus(status))


def accepts_requests(status: str) -> bool:
    return RingStatus(status) is not S.CLOSED


def accepts_offers(status: str) -> bool:
    """Offers are made while the ring runs (a paused session still takes them)."""
    return RingStatus(status) in RUNNING


def join_refusal(
    *, status: str, member_status: str | None, open_call: bool, joined: int, capacity: int
) -> str | None:
    """Why this person may not join now ("closed", "full", "not_invited"), or None."""
    if RingStatus(status) is S.CLOSED:
        return "closed"
    if member_status == MemberStatus.JOINED:
        return None
    if member_status is None and not open_call:
        return "not_invited"
    if joined >= capacity:
        return "full"
    return None


@dataclass(frozen=True)
class QueuedRequest:
    request_id: int
    person_id: int
    created_at: datetime


def order_requests(
    requests: Sequence[QueuedRequest], *, leader_id: int | None, leader_first: bool
) -> list[int]:
    """The live session's order: first come, first presented; the leader's request opens the ring when
    it says "leader first" (a lead asking first makes asking safe for everyone else)."""
    ordered = sorted(requests, key=lambda r: (r.created_at, r.request_id))
    if leader_first and leader_id is not None:
        ordered.sort(key=lambda r: r.person_id != leader_id)
    return [r.request_id for r in ordered]


def remaining_seconds(
    *, request_seconds: int, started_at: datetime | None, paused_at: datetime | None, now: datetime
) -> int | None:
    """Seconds left on the current request's timer (negative: over time); None when nothing is presented.

    While paused the timer stands still at the moment of pausing.
    """
    if started_at is None:
        return None
    until = paused_at or now
    return request_seconds - int((until - started_at).total_seconds())


def resumed_start(
    *, started_at: datetime | None, paused_at: datetime | None, now: datetime
) -> datetime | None:
    """The timer's start moved later by the pause, so a resumed request keeps the time it had left."""
    if started_at is None or paused_at is None:
        return started_at
    return started_at + (now - paused_at)


# --- the report ------------------------------------------------------------------------------------

FULFILLED = frozenset({AskStatus.FULFILLED.value, AskStatus.PARTLY_FULFILLED.value})


@dataclass(frozen=True)
class RequestFacts:
    """One request (a ring's, or an ordinary ask for comparison) as the figures need it.

    ``since`` is the moment D+7 and D+30 count from: the ring's end for ring requests, the moment an
    ordinary ask was opened.
    """

    offers: int
    since: datetime
    status: str
    closed_at: datetime | None


@dataclass(frozen=True)
class Figures:
    count: int
    with_offer: float | None  # share of requests with at least one offer, 0..1
    fulfilled_7: float | None  # share fulfilled (fully or partly) within 7 days
    fulfilled_30: float | None
    # Whether every request's window has passed: before that the share is "so far".
    final_7: bool
    final_30: bool


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def fulfilled_within(fact: RequestFacts, days: int) -> bool:
    return (
        fact.status in FULFILLED
        and fact.closed_at is not None
        and fact.closed_at <= fact.since + timedelta(days=days)
    )


def figures(facts: Sequence[RequestFacts], *, now: datetime) -> Figures:
    n = len(facts)
    return Figures(
        count=n,
        with_offer=_share(sum(1 for f in facts if f.offers > 0), n),
        fulfilled_7=_share(sum(1 for f in facts if fulfilled_within(f, 7)), n),
        fulfilled_30=_share(sum(1 for f in facts if fulfilled_within(f, 30)), n),
        final_7=all(now >= f.since + timedelta(days=7) for f in facts),
        final_30=all(now >= f.since + timedelta(days=30) for f in facts),
    )


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    ring_width: int
    ordinary_width: int
    ring_text: str
    ordinary_text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_x: int
    plot_width: int
    bars: tuple[Bar, ...]


CHART_ROW = 56
CHART_LABEL = 150
CHART_PLOT = 300


def comparison_chart(ring: Figures, ordinary: Figures) -> Chart:
    """Horizontal bar pairs (ring, ordinary asks) for each share; drawn as SVG by the report page."""
    rows = (
        ("At least one offer", ring.with_offer, ordinary.with_offer),
        ("Fulfilled by day 7", ring.fulfilled_7, ordinary.fulfilled_7),
        ("Fulfilled by day 30", ring.fulfilled_30, ordinary.fulfilled_30),
    )
    bars = tuple(
        Bar(
            label=label,
            y=20 + i * CHART_ROW,
            ring_width=round((a or 0.0) * CHART_PLOT),
            ordinary_width=round((b or 0.0) * CHART_PLOT),
            ring_text=percent(a),
            ordinary_text=percent(b),
        )
        for i, (label, a, b) in enumerate(rows)
    )
    return Chart(
        width=CHART_LABEL + CHART_PLOT + 60,
        height=20 + len(rows) * CHART_ROW + 30,
        plot_x=CHART_LABEL,
        plot_width=CHART_PLOT,
        bars=bars,
    )


def calendar_uid(org_id: int, ring_id: int) -> str:
    """The ring's identity in calendars: the same in its emailed invitation and in people's feeds, so a
    calendar holding both shows one event."""
    return f"ring-{org_id}-{ring_id}@askwell.invalid"
