"""The inbox badge, live: a stream of server-sent events that follows the inbox without a reload.

A streaming route cannot be read through the TestClient (it waits for the end of the response), so
these tests serve the app for real and read the stream with httpx, each read bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from askwell.asks import service as asks
from askwell.asks.models import OfferKind
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.http.metrics import REGISTRY
from askwell.notifications import service as inbox_service
from askwell.notifications.models import NotificationKind
from askwell.server import create_app
from tests.browser.live import serve
from tests.conftest import World

WAIT = 20  # a bound on each read: a stream that stays silent fails the test
_COUNT = re.compile(r'class="badge nav-count">(\d+)<')


def badges(lines: Iterator[str]) -> Iterator[str]:
    """The data of each "badge" event, as the stream sends them."""
    event = ""
    for line in lines:
        if line.startswith("event:"):
            event = line.removeprefix("event:").strip()
        elif line.startswith("data:") and event == "badge":
            yield line.removeprefix("data:").strip()


def count(markup: str) -> int:
    found = _COUNT.findall(markup)
    return int(found[0]) if found else 0


def open_streams() -> float:
    return REGISTRY.get_sample_value("askwell_sse_connections") or 0.0


@pytest.fixture
def live(settings: Settings, session_factory: sessionmaker[Session], edges: Edges) -> Iterator[str]:
    """The app served for real on the test's (rolled-back) database and edges."""
    app: FastAPI = create_app(settings, session_factory=session_factory, edges=edges)
    with serve(app) as url:
        yield url


class TestInboxLive:
    def test_anonymous_is_sent_to_sign_in(self, client: TestClient) -> None:
        r = client.get("/inbox/live")
        assert (r.status_code, r.headers["location"]) == (303, "/signin?next=/inbox/live")

    def test_the_badge_follows_offers_and_reading_without_a_reload(
        self, db: Session, world: World, live: str
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = asks.create_ask(
            db,
            actor=world.actor(ada),
            data=AskCreate(title="Review the retry logic", due=world.now + timedelta(days=3)),
            now=world.now,
        )
        db.commit()
        cookies = {"askwell_session": world.session_cookie(ada)}
        with (
            httpx.Client(base_url=live, cookies=cookies, timeout=WAIT) as client,
            client.stream("GET", "/inbox/live") as stream,
        ):
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            assert stream.headers["cache-control"] == "no-store"
            events = badges(stream.iter_lines())
            assert count(next(events)) == 0  # the state at once, whatever came before
            assert open_streams() >= 1

            offer = OfferCreate(kind=OfferKind.ADVISE, message="I can look at it today.")
            asks.offer_help(db, actor=world.actor(grace), ask_id=ask.id, data=offer, now=world.now)
            db.commit()  # someone else's change, committed: the badge hears of it
            assert count(next(events)) == 1

            inbox_service.mark_read(db, org_id=org.id, person_id=ada.id, now=world.now)
            db.commit()  # read in another tab: this one's badge goes back to none
            assert next(events) == "<!-- nothing unread -->"

    def test_a_rolled_back_offer_moves_no_badge(self, db: Session, world: World, live: str) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = asks.create_ask(
            db,
            actor=world.actor(ada),
            data=AskCreate(title="Review the retry logic", due=world.now + timedelta(days=3)),
            now=world.now,
        )
        db.commit()
        cookies = {"askwell_session": world.session_cookie(ada)}
        with (
            httpx.Client(base_url=live, cookies=cookies, timeout=WAIT) as client,
            client.stream("GET", "/inbox/live") as stream,
        ):
            events = badges(stream.iter_lines())
            assert count(next(events)) == 0
            offer = OfferCreate(kind=OfferKind.ADVISE, message="I can look at it today.")
            asks.offer_help(db, actor=world.actor(grace), ask_id=ask.id, data=offer, now=world.now)
            db.rollback()
            # Then a real change: the next event is about it, so nothing came for the rolled-back one.
            inbox_service.deliver(
                db,
                org_id=org.id,
                person_id=ada.id,
                notice=inbox_service.Notice(kind=NotificationKind.THANKS, text="Thanks"),
                now=world.now,
            )
            db.commit()
            assert count(next(events)) == 1
