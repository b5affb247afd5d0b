"""A person's feed as iCalendar text (RFC 5545): pure, the events in, the ``.ics`` out.

Times are written in UTC (``...Z``): each calendar app shows them on its own clock, so a person in
Los Angeles and one in Tokyo subscribed to their own feeds see the same instant. No METHOD: a
subscribed feed is published state, not a scheduling message, and a cancelled huddle stays in it with
STATUS:CANCELLED under the same UID as its emailed invitation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

PRODID = "-//Askwell//Calendar feed//EN"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    sequence: int
    summary: str
    description: str
    starts_at: datetime
    # None: a moment (an ask's due time), not a span.
    ends_at: datetime | None
    url: str
    cancelled: bool = False


def build(events: list[FeedEvent], *, name: str, stamp: datetime) -> str:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    # How often a calendar should come back for changes (a hint; most apps decide for themselves).
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("sequence", item.sequence)
        event.add("dtstamp", stamp.astimezone(UTC))
        event.add("dtstart", item.starts_at.astimezone(UTC))
        if item.ends_at is not None and item.ends_at > item.starts_at:
            event.add("dtend", item.ends_at.astimezone(UTC))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        event.add("url", item.url)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if item.ends_at is None else "OPAQUE")
        cal.add_component(event)
    text: bytes = cal.to_ical()
    return text.decode()
