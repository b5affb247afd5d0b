"""Calendar invitations (RFC 5545/5546) for huddles and live rings: METHOD:REQUEST to invite or to
update, METHOD:CANCEL to call off.

Pure: the meeting's facts in, the ``.ics`` text out. Times are written in UTC (``...Z``), so every
calendar shows them on its own clock whatever the attendees' timezones. The UID stays the same for
the life of a meeting and SEQUENCE grows with each change, which is how calendars know a cancellation
replaces the invitation they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Askwell//Invitations//EN"


class Method(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


@dataclass(frozen=True)
class Party:
    name: str
    email: str


@dataclass(frozen=True)
class Invitation:
    uid: str
    sequence: int
    summary: str
    description: str
    starts_at: datetime
    ends_at: datetime
    link: str
    organizer: Party
    attendees: tuple[Party, ...]
    stamp: datetime


def content_type(method: Method) -> str:
    return f"text/calendar; method={method.value}; charset=utf-8"


def _address(party: Party, *, attendee: bool) -> vCalAddress:
    address = vCalAddress(f"mailto:{party.email}")
    address.params["cn"] = vText(party.name)
    if attendee:
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["rsvp"] = vText("TRUE")
    return address


def build(invitation: Invitation, *, method: Method) -> str:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method.value)
    event = Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", invitation.stamp.astimezone(UTC))
    event.add("dtstart", invitation.starts_at.astimezone(UTC))
    event.add("dtend", invitation.ends_at.astimezone(UTC))
    event.add("summary", invitation.summary)
    event.add("description", f"{invitation.description}\n\nJoin: {invitation.link}".strip())
    event.add("location", invitation.link)
    event.add("url", invitation.link)
    event.add("status", "CANCELLED" if method == Method.CANCEL else "CONFIRMED")
    event["organizer"] = _address(invitation.organizer, attendee=False)
    for party in invitation.attendees:
        event.add("attendee", _address(party, attendee=True), encode=False)
    cal.add_component(event)
    text: bytes = cal.to_ical()
    return text.decode()
