"""Showing an instant to a person: in their own timezone, with the zone named where people differ.

The one formatter for times that people read (pages, through the ``local_time`` template filter,
and emails). Timestamps are stored in UTC; nobody should have to convert them in their head.
The other direction, a local reading (a day and a clock time) to an instant, is ``core.clock.local_at``;
a person's zone name becomes a zone only through ``zone`` (an unknown name reads as UTC).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: "4 Dec, 16:10": day before month, 24-hour clock, as elsewhere in Askwell.
DEFAULT_FORMAT = "%-d %b, %H:%M"


def zone(name: str | ZoneInfo | None) -> ZoneInfo:
    """A person's zone; an unknown name (an old import) reads as UTC rather than failing a page."""
    if isinstance(name, ZoneInfo):
        return name
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_label(at: datetime, tz: str | ZoneInfo | None) -> str:
    """The zone's abbreviation at that instant ("CET", "EST"); bare offsets read as "UTC+03"."""
    name = at.astimezone(zone(tz)).tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def differs(at: datetime, tz: str | ZoneInfo | None, others: Iterable[str | ZoneInfo | None]) -> bool:
    """Whether anyone else's clock shows a different time at that instant (Paris and Berlin do not)."""
    mine = at.astimezone(zone(tz)).utcoffset()
    return any(at.astimezone(zone(other)).utcoffset() != mine for other in others)


def local_time(
    at: datetime,
    tz: str | ZoneInfo | None,
    *,
    others: Iterable[str | ZoneInfo | None] = (),
    fmt: str = DEFAULT_FORMAT,
    label: bool = False,
) -> str:
    """``at`` on the reader's clock; the zone is named when ``label`` or when ``others`` differ."""
    text = at.astimezone(zone(tz)).strftime(fmt)
    if label or differs(at, tz, others):
        text = f"{text} {zone_label(at, tz)}"
    return text
