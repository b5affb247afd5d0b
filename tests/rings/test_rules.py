"""The rings' pure rules: lifecycle, joining, order, timer, figures and the chart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from askwell.rings import rules
from askwell.rings.models import RingMode, RingStatus

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_transitions() -> None:
    assert rules.next_status("start", status="preparing", mode=RingMode.LIVE) is RingStatus.LIVE
    assert rules.next_status("start", status="preparing", mode=RingMode.ASYNC) is RingStatus.OPEN
    assert rules.next_status("pause", status="open", mode=RingMode.ASYNC) is None
    assert rules.next_status("resume", status="paused", mode=RingMode.LIVE) is RingStatus.LIVE
    assert rules.next_status("close", status="closed", mode=RingMode.LIVE) is None
    assert rules.next_status("start", status="live", mode=RingMode.LIVE) is None


def test_join_refusals() -> None:
    base = {"status": "preparing", "open_call": False, "joined": 1, "capacity": 2}
    assert rules.join_refusal(**base, member_status="invited") is None  # type: ignore[arg-type]
    assert rules.join_refusal(**base, member_status=None) == "not_invited"  # type: ignore[arg-type]
    assert rules.join_refusal(**{**base, "open_call": True}, member_status=None) is None  # type: ignore[arg-type]
    assert rules.join_refusal(**{**base, "joined": 2}, member_status="invited") == "full"  # type: ignore[arg-type]
    assert rules.join_refusal(**{**base, "joined": 2}, member_status="joined") is None  # type: ignore[arg-type]
    assert rules.join_refusal(**{**base, "status": "closed"}, member_status="joined") == "closed"  # type: ignore[arg-type]


def test_leader_first_order() -> None:
    queue = [
        rules.QueuedRequest(1, 10, T0),
        rules.QueuedRequest(2, 20, T0 + timedelta(minutes=1)),
        rules.QueuedRequest(3, 30, T0),
    ]
    assert rules.order_requests(queue, leader_id=20, leader_first=False) == [1, 3, 2]
    assert rules.order_requests(queue, leader_id=20, leader_first=True) == [2, 1, 3]


def test_timer_stands_still_while_paused() -> None:
    assert rules.remaining_seconds(request_seconds=180, started_at=None, paused_at=None, now=T0) is None
    assert (
        rules.remaining_seconds(
            request_seconds=180, started_at=T0, paused_at=None, now=T0 + timedelta(seconds=200)
        )
        == -20
    )
    paused = T0 + timedelta(seconds=60)
    assert (
        rules.remaining_seconds(
            request_seconds=180, started_at=T0, paused_at=paused, now=T0 + timedelta(hours=1)
        )
        == 120
    )
    resumed = rules.resumed_start(started_at=T0, paused_at=paused, now=paused + timedelta(minutes=5))
    assert resumed == T0 + timedelta(minutes=5)


def test_figures_count_fulfilment_within_the_window() -> None:
    facts = [
        rules.RequestFacts(offers=2, since=T0, status="fulfilled", closed_at=T0 + timedelta(days=3)),
        rules.RequestFacts(offers=1, since=T0, status="partly_fulfilled", closed_at=T0 + timedelta(days=20)),
        rules.RequestFacts(offers=0, since=T0, status="open", closed_at=None),
        rules.RequestFacts(offers=1, since=T0, status="unfulfilled", closed_at=T0 + timedelta(days=1)),
    ]
    f = rules.figures(facts, now=T0 + timedelta(days=10))
    assert (f.count, f.with_offer, f.fulfilled_7, f.fulfilled_30) == (4, 0.75, 0.25, 0.5)
    assert (f.final_7, f.final_30) == (True, False)
    empty = rules.figures([], now=T0)
    assert empty.with_offer is None and rules.percent(empty.with_offer) == "–"


def test_chart_scales_bars_to_the_plot() -> None:
    ring = rules.Figures(4, 1.0, 0.5, None, True, False)
    ordinary = rules.Figures(10, 0.25, 0.0, 0.1, True, True)
    chart = rules.comparison_chart(ring, ordinary)
    assert [b.ring_width for b in chart.bars] == [rules.CHART_PLOT, rules.CHART_PLOT // 2, 0]
    assert [b.ordinary_text for b in chart.bars] == ["25 %", "0 %", "10 %"]
