"""The digest: when a person's is due, and what it says. Pure: ``now`` and the zone are passed in.

A daily digest goes out once per local day, at ``DIGEST_HOUR`` on the person's own clock; a weekly one
at the same hour on the person's Monday (``DIGEST_WEEKDAY``), covering everything since the last one. A worker that was
down at that hour still sends it until ``CATCH_UP_UNTIL``; after that the day is skipped rather than
mailed in the evening, and the next morning's digest covers everything since the last one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from askwell.core.clock import local_at
from askwell.core.localtime import local_time

#: 08:00 on the person's clock: read with the first coffee, before the day's asks come in.
DIGEST_HOUR = 8
#: Monday: the week's digest opens the working week.
DIGEST_WEEKDAY = 0
#: A late worker may still send until noon; a "daily digest" in the evening would be yesterday's news.
CATCH_UP_UNTIL = 12


@dataclass(frozen=True)
class DigestItem:
    text: str
    link: str
    created_at: datetime


def start_of_day(now: datetime, tz: ZoneInfo) -> datetime:
    """Midnight of the person's current day, as a UTC instant."""
    return local_at(now.astimezone(tz).date(), time(0), tz).astimezone(UTC)


def due(*, now: datetime, tz: ZoneInfo, last_sent_at: datetime | None, weekly: bool = False) -> bool:
    """Whether this person's digest for today should go now (a weekly one only on their Monday)."""
    local = now.astimezone(tz)
    if weekly and local.weekday() != DIGEST_WEEKDAY:
        return False
    if not DIGEST_HOUR <= local.hour < CATCH_UP_UNTIL:
        return False
    return last_sent_at is None or last_sent_at < start_of_day(now, tz)


def compose(
    *,
    name: str,
    items: Sequence[DigestItem],
    tz: ZoneInfo,
    base_url: str,
    weekly: bool = False,
    unsubscribe_url: str | None = None,
) -> tuple[str, str]:
    """Subject and plain-text body: every item with its time on the reader's clock and its link."""
    count = len(items)
    noun = "notification" if count == 1 else "notifications"
    subject = f"Askwell: {count} unread {noun} {'this week' if weekly else 'today'}"
    first = name.split()[0] if name.split() else ""
    lines = [
        f"Hello {first}," if first else "Hello,",
        "",
        f"{count} {noun} you have not read yet (times in {tz.key.replace('_', ' ')}):",
        "",
    ]
    for item in items:
        when = local_time(item.created_at, tz)
        if weekly:
            when = f"{item.created_at.astimezone(tz):%a} {when}"
        lines.append(f"- {when}  {item.text}")
        lines.append(f"  {base_url}{item.link or '/inbox'}")
    lines += [
        "",
        f"Your inbox: {base_url}/inbox",
        f"Choose what you hear about, and how: {base_url}/settings/notifications",
    ]
    if unsubscribe_url:
        lines.append(f"Stop these emails with one click: {unsubscribe_url}")
    return subject, "\n".join(lines) + "\n"
