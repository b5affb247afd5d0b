"""Invitations parsed back with icalendar: method, UID, SEQUENCE, people, and UTC times across zones."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from askwell.integrations import ics

START = datetime(2026, 3, 29, 0, 45, tzinfo=UTC)  # the night Berlin springs forward (01:45 CET)


def _invitation(sequence: int = 0) -> ics.Invitation:
    return ics.Invitation(
        uid="huddle-1-7@askwell.invalid",
        sequence=sequence,
        summary="Huddle: Kafka retries",
        description="Cal is stuck",
        starts_at=START.astimezone(ZoneInfo("Asia/Kolkata")),  # any aware time: written in UTC
        ends_at=datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
        link="https://meet.example.com/askwell-7",
        organizer=ics.Party("Cal Caller", "cal@example.com"),
        attendees=(ics.Party("Bea", "bea@example.com"), ics.Party("Kiran", "kiran@example.com")),
        stamp=datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
    )


def test_request_round_trips() -> None:
    cal = Calendar.from_ical(ics.build(_invitation(), method=ics.Method.REQUEST))
    assert str(cal["method"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == "huddle-1-7@askwell.invalid"
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == START and event.decoded("dtstart").tzinfo is not None
    assert event.decoded("dtstart").utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert event.decoded("dtend") == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert str(event["organizer"]) == "mailto:cal@example.com"
    assert [str(a) for a in event["attendee"]] == ["mailto:bea@example.com", "mailto:kiran@example.com"]
    assert "https://meet.example.com/askwell-7" in str(event["description"])
    # Read on a Berlin clock, the slot is 01:45 CET (before the jump), 03:00 CEST at its end.
    berlin = ZoneInfo("Europe/Berlin")
    assert event.decoded("dtstart").astimezone(berlin).strftime("%H:%M %Z") == "01:45 CET"
    assert event.decoded("dtend").astimezone(berlin).strftime("%H:%M %Z") == "03:00 CEST"


def test_cancel_keeps_the_uid_and_raises_the_sequence() -> None:
    cal = Calendar.from_ical(ics.build(_invitation(sequence=1), method=ics.Method.CANCEL))
    event = cal.walk("VEVENT")[0]
    assert str(cal["method"]) == "CANCEL"
    assert (str(event["uid"]), int(event["sequence"]), str(event["status"])) == (
        "huddle-1-7@askwell.invalid",
        1,
        "CANCELLED",
    )


def test_content_type_names_the_method() -> None:
    assert ics.content_type(ics.Method.REQUEST).startswith("text/calendar; method=REQUEST")
