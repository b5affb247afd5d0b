"""The private calendar feed: made, read without signing in, revoked and regenerated; its content
parsed back with icalendar (and icalendar's own checks), on the right instants across timezones, and
nothing from another person's or another organization's data."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks import service as asks
from askwell.asks.schemas import AskCreate
from askwell.calendars import service as calendars
from askwell.calendars.models import CalendarFeed
from askwell.core.logs import configure_logging, redact_path
from askwell.huddles.models import Huddle, HuddleInvite, HuddleStatus
from askwell.people.models import Organization, Person
from askwell.rings import rules as ring_rules
from askwell.rings import service as rings
from askwell.rings.schemas import RingCreate
from tests.conftest import World
from tests.web.conftest import post

LA = ZoneInfo("America/Los_Angeles")
# A due time given in Los Angeles local time (naive: the author's zone), 09:00 PDT = 16:00 UTC.
DUE_LOCAL = datetime(2026, 3, 20, 9, 0)
DUE_UTC = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)


def _zone(db: Session, person: Person, tz: str) -> Person:
    person.timezone = tz
    db.commit()
    return person


def _huddle(
    db: Session,
    world: World,
    org: Organization,
    caller: Person,
    invited: Person,
    *,
    topic: str,
    cancelled: bool,
) -> Huddle:
    starts = world.now + timedelta(days=1)
    huddle = Huddle(
        org_id=org.id,
        caller_id=caller.id,
        topic=topic,
        status=(HuddleStatus.CANCELLED if cancelled else HuddleStatus.SCHEDULED).value,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=15),
        uid=f"huddle-{topic}@askwell.invalid",
        sequence=1 if cancelled else 0,
        link="https://meet.example.com/x",
        created_at=world.now,
        updated_at=world.now,
    )
    db.add(huddle)
    db.flush()
    db.add(HuddleInvite(org_id=org.id, huddle_id=huddle.id, person_id=invited.id))
    db.commit()
    return huddle


def _scene(db: Session, world: World) -> dict[str, object]:
    """Lee (Los Angeles) with an ask due, a ring in Tokyo's morning and two huddles (one cancelled);
    a colleague's ask and another organization's ring and huddle that must not show."""
    acme = world.org("Acme")
    lee = _zone(db, world.person(acme, "Lee Angeles"), "America/Los_Angeles")
    tomo = _zone(db, world.person(acme, "Tomo Tokyo"), "Asia/Tokyo")
    other = world.person(acme, "Olga Other")
    mine = asks.create_ask(
        db,
        actor=world.actor(lee),
        data=AskCreate(title="Review the retry logic in PR 4412", due=DUE_LOCAL),
        now=world.now,
    )
    asks.create_ask(
        db,
        actor=world.actor(other),
        data=AskCreate(title="Someone else's ask", due=DUE_LOCAL),
        now=world.now,
    )
    # Naive start in the creator's zone: 10:00 in Tokyo = 01:00 UTC.
    ring = rings.create_ring(
        db,
        actor=world.actor(tomo),
        data=RingCreate(name="Platform ring", starts_at=datetime(2026, 3, 10, 10, 0), invite=[lee.id]),
        now=world.now,
    )
    _huddle(db, world, acme, tomo, lee, topic="kafka", cancelled=False)
    _huddle(db, world, acme, tomo, lee, topic="called-off", cancelled=True)
    _huddle(db, world, acme, tomo, other, topic="not-lee", cancelled=False)
    globex = world.org("Globex")
    g1 = world.person(globex, "Gus Globex")
    g2 = world.person(globex, "Gia Globex")
    rings.create_ring(
        db,
        actor=world.actor(g1),
        data=RingCreate(name="Globex ring", starts_at=datetime(2026, 3, 10, 10, 0), invite=[g2.id]),
        now=world.now,
    )
    _huddle(db, world, globex, g1, g2, topic="globex", cancelled=False)
    db.commit()
    return {"lee": lee, "ask": mine, "ring": ring, "acme": acme, "globex_person": g2}


def _parse(text: str) -> Calendar:
    cal = Calendar.from_ical(text)
    cal.validate()  # icalendar's own check: PRODID, VERSION, components
    assert cal.get_missing_tzids() == set()
    for component in cal.walk():
        assert not component.errors, component.errors
    for event in cal.walk("VEVENT"):
        assert event.uid and event.stamp is not None
        start = event.decoded("dtstart")
        assert start.tzinfo is not None and start.utcoffset() == timedelta(0), "written in UTC"
    return cal


def _events(cal: Calendar) -> dict[str, object]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_feed_content_and_instants_across_timezones(db: Session, world: World) -> None:
    s = _scene(db, world)
    lee = s["lee"]
    assert isinstance(lee, Person)
    _row, secret = calendars.create(db, actor=world.actor(lee), now=world.now)
    db.commit()
    text = calendars.render(db, secret=secret, now=world.now, base_url="https://askwell.example.com/")
    cal = _parse(text)
    assert str(cal["x-wr-calname"]) == "Askwell: Lee Angeles"
    assert "METHOD" not in cal  # a published feed, not a scheduling message
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {
        "Ask due: Review the retry logic in PR 4412",
        "Ring: Platform ring",
        "Huddle: kafka",
        "Huddle: called-off",
    }
    due = events["Ask due: Review the retry logic in PR 4412"]
    assert due.decoded("dtstart") == DUE_UTC == DUE_LOCAL.replace(tzinfo=LA)
    assert "DTEND" not in due
    ring = events["Ring: Platform ring"]
    assert ring.decoded("dtstart") == datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    assert ring.decoded("dtend") - ring.decoded("dtstart") == timedelta(minutes=60)
    assert str(ring["uid"]) == ring_rules.calendar_uid(s["ring"].org_id, s["ring"].id)  # type: ignore[attr-defined]
    assert str(ring["url"]).startswith("https://askwell.example.com/rings/")
    assert str(events["Huddle: called-off"]["status"]) == "CANCELLED"
    assert int(events["Huddle: called-off"]["sequence"]) == 1
    assert str(events["Huddle: kafka"]["status"]) == "CONFIRMED"
    assert "Globex" not in text and "Someone else" not in text and "not-lee" not in text


def test_the_feed_route_revocation_and_regeneration(
    client: TestClient, db: Session, world: World, signed_in: Callable[[Person], TestClient]
) -> None:
    s = _scene(db, world)
    lee = s["lee"]
    assert isinstance(lee, Person)
    browser = signed_in(lee)
    page = browser.get("/settings/calendar")
    assert page.status_code == 200 and "You have no calendar feed" in page.text
    made = post(browser, "/settings/calendar", {})
    assert made.status_code == 201
    url = made.text.split('id="feed-url" class="mono" type="text" readonly value="', 1)[1].split('"', 1)[0]
    path = url.removeprefix("http://testserver")
    assert path.startswith("/calendar/cal_") and path.endswith(".ics")
    assert url not in browser.get("/settings/calendar").text, "the address is shown once"

    browser.cookies.clear()  # a calendar app: no session, no CSRF
    feed = browser.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert "no-store" in feed.headers["cache-control"]
    assert "Ask due: Review the retry logic" in feed.text
    _parse(feed.text)
    assert browser.get("/calendar/cal_unknownunknownunknown.ics").status_code == 404
    assert browser.get("/calendar/" + "x" * 200 + ".ics").status_code in (404, 422)

    browser = signed_in(lee)
    again = post(browser, "/settings/calendar", {})
    new_url = again.text.split('readonly value="', 1)[1].split('"', 1)[0]
    assert new_url != url
    assert client.get(path).status_code == 404, "the old address stops working"
    new_path = new_url.removeprefix("http://testserver")
    assert client.get(new_path).status_code == 200
    revoked = post(browser, "/settings/calendar/revoke", {})
    assert revoked.status_code == 303
    assert client.get(new_path).status_code == 404
    stored = db.scalars(select(CalendarFeed.secret_hash).where(CalendarFeed.person_id == lee.id)).all()
    assert stored and all(new_path.split("/")[-1].removesuffix(".ics") not in h for h in stored)


def test_api_create_read_revoke_and_isolation(client: TestClient, db: Session, world: World) -> None:
    s = _scene(db, world)
    lee = s["lee"]
    outsider = s["globex_person"]
    assert isinstance(lee, Person) and isinstance(outsider, Person)
    auth = {"Authorization": f"Bearer {world.api_token(lee)}"}
    assert client.get("/api/v1/me/calendar-feed", headers=auth).json() is None
    created = client.post("/api/v1/me/calendar-feed", headers=auth)
    assert created.status_code == 201
    url = created.json()["url"]
    shown = client.get("/api/v1/me/calendar-feed", headers=auth).json()
    assert shown["id"] == created.json()["id"] and "url" not in shown

    # Another organization's person has their own feed: only their organization's rows.
    theirs = client.post(
        "/api/v1/me/calendar-feed", headers={"Authorization": f"Bearer {world.api_token(outsider)}"}
    ).json()["url"]
    their_feed = client.get(theirs.removeprefix("http://testserver")).text
    assert "Globex ring" in their_feed and "Huddle: globex" in their_feed
    assert "Platform ring" not in their_feed and "Review the retry" not in their_feed
    # Revoking one's own feed leaves the other organization's alone.
    assert client.delete("/api/v1/me/calendar-feed", headers=auth).status_code == 204
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert client.get(theirs.removeprefix("http://testserver")).status_code == 200
    assert client.get("/api/v1/me/calendar-feed").status_code == 401


def test_a_deactivated_person_feed_answers_404(db: Session, world: World) -> None:
    s = _scene(db, world)
    lee = s["lee"]
    assert isinstance(lee, Person)
    _row, secret = calendars.create(db, actor=world.actor(lee), now=world.now)
    lee.is_active = False
    db.commit()
    with pytest.raises(Exception, match="No such calendar feed"):
        calendars.render(db, secret=secret, now=world.now, base_url="http://x")


def test_the_feed_secret_is_not_logged(
    client: TestClient, db: Session, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    lee = _scene(db, world)["lee"]
    assert isinstance(lee, Person)
    url = client.post(
        "/api/v1/me/calendar-feed", headers={"Authorization": f"Bearer {world.api_token(lee)}"}
    ).json()["url"]
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    # The app's own records (the test client's httpx logs its requests on the client side).
    app_logs = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert secret not in app_logs


def test_the_servers_access_log_keeps_the_route_not_the_secret() -> None:
    configure_logging("text")
    access = logging.getLogger("uvicorn.access")
    record = access.makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/calendar/cal_SeCrEt-value_123.ics", "1.1", 200),
        None,
    )
    assert all(f.filter(record) for f in access.filters)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /calendar/[redacted].ics HTTP/1.1" 200'
    assert redact_path("/calendar/abc.ics?x=1 /asks/3") == "/calendar/[redacted].ics?x=1 /asks/3"
