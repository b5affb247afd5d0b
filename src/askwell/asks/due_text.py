"""How an ask's due moment reads: the same instant for every viewer, on the author's and the viewer's clocks.

An ask written "by Wednesday" in Lisbon is due on Thursday morning in Sydney; showing each viewer only
their own date made the title and the due line disagree. The one rule: the author's time first (it is
what they wrote against), named as theirs when the viewer's clock differs, then the viewer's own.
Pure: no session, ``now`` passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from askwell.core.localtime import differs, zone

DAY = "%a %-d %b"
DAY_YEAR = "%a %-d %b %Y"


@dataclass(frozen=True)
class DueText:
    """``text``: "Wed 9 Dec, 17:00 Ana's time (Thu 10 Dec, 01:00 yours)"; ``short``: the viewer's day."""

    text: str
    short: str
    iso: str
    overdue: bool


def _clock(at: datetime, tz: ZoneInfo, now: datetime) -> str:
    day = DAY if at.astimezone(tz).year == now.astimezone(tz).year else DAY_YEAR
    return at.astimezone(tz).strftime(f"{day}, %H:%M")


def possessive(name: str) -> str:
    """ "Ana Lima" → "Ana's"; "Chris" → "Chris's" (the first name is how people say it)."""
    first = (name.split() or ["the author"])[0]
    return f"{first}'s"


def describe_due(
    due_at: datetime,
    *,
    viewer_tz: str | ZoneInfo | None,
    author_tz: str | ZoneInfo | None,
    author_name: str,
    viewer_is_author: bool,
    now: datetime,
    overdue: bool = False,
) -> DueText:
    """The due moment for one viewer; the author's clock is named only where it shows another time."""
    mine, theirs = zone(viewer_tz), zone(author_tz)
    if viewer_is_author or not differs(due_at, mine, [theirs]):
        text = _clock(due_at, mine, now)
    else:
        text = f"{_clock(due_at, theirs, now)} {possessive(author_name)} time ({_clock(due_at, mine, now)} yours)"
    short_fmt = DAY if due_at.astimezone(mine).year == now.astimezone(mine).year else DAY_YEAR
    return DueText(
        text=text,
        short=due_at.astimezone(mine).strftime(short_fmt),
        iso=due_at.isoformat(),
        overdue=overdue,
    )
