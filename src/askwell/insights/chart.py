"""Pure layout of a small weekly line chart as SVG coordinates (drawn by the templates, no script)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

WIDTH = 520
HEIGHT = 160
PAD = 24


@dataclass(frozen=True)
class Line:
    name: str
    label: str
    points: str  # "x,y x,y ..." for <polyline points=...>


@dataclass(frozen=True)
class MarkerLine:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    markers: list[MarkerLine]
    top: float
    first: date | None
    last: date | None


def line_chart(
    weeks: Sequence[date],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    markers: Sequence[tuple[datetime, str]] = (),
) -> Chart:
    """Lines for ``series`` (name, label, one value per week; None leaves a gap) over ``weeks``, and
    vertical markers at moments inside the range. An all-zero chart is flat, never a division by zero."""
    values = [v for _, _, vs in series for v in vs if v is not None]
    top = max([*values, 1.0])
    n = max(1, len(weeks) - 1)
    span_x = WIDTH - 2 * PAD
    span_y = HEIGHT - 2 * PAD

    def x(i: float) -> float:
        return round(PAD + span_x * i / n, 1)

    def y(v: float) -> float:
        return round(HEIGHT - PAD - span_y * v / top, 1)

    lines = [
        Line(name, label, " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(vs) if v is not None))
        for name, label, vs in series
    ]
    found = []
    if weeks:
        first = weeks[0].toordinal()
        for at, label in markers:
            offset = (at.date().toordinal() - first) / 7
            if 0 <= offset <= n:
                found.append(MarkerLine(x(offset), label))
    return Chart(WIDTH, HEIGHT, lines, found, top, weeks[0] if weeks else None, weeks[-1] if weeks else None)
