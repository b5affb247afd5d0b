"""A ring's live pages: the board, the console and the projector streams (server-sent events).

A stream cannot be read through the TestClient (it waits for the end of the response), so these tests
serve the app for real and read the streams with httpx, each read bounded by ``WAIT``. Refusals
(sign in, 404, 403) come before anything streams, so the TestClient checks those.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from askwell.accounts import service as accounts
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.people.models import Person
from askwell.server import create_app
from askwell.web.routes.rings_stream import SharedReads
from tests.browser.live import serve
from tests.conftest import World
from tests.rings.conftest import RingMaker, RingScene

WAIT = 20  # a bound on each read: a stream that stays silent fails the test
STREAMS = ("board", "console", "projector")
SignIn = Callable[[Person], TestClient]


@dataclass(frozen=True)
class Event:
    event: str
    id: str
    data: str


def parse(lines: Iterator[str]) -> Iterator[Event]:
    """Server-sent events as the browser assembles them (multi-line data joined by newlines)."""
    event, ident, data = "message", "", []
    for line in lines:
        if line.startswith(":"):
            continue
        if not line:
            if data:
                yield Event(event, ident, "\n".join(data))
            event, data = "message", []
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            event = value
        elif name == "id":
            ident = value
        elif name == "data":
            data.append(value)


def until(events: Iterator[Event], name: str) -> tuple[list[Event], Event]:
    """Read up to the next event called ``name``: what came before it, and it."""
    before = []
    for e in events:
        if e.event == name:
            return before, e
        before.append(e)
    raise AssertionError(f"the stream ended before a {name!r} event")


@pytest.fixture
def live(settings: Settings, session_factory: sessionmaker[Session], edges: Edges) -> Iterator[str]:
    """The app served for real on the test's (rolled-back) database and edges."""
    app: FastAPI = create_app(settings, session_factory=session_factory, edges=edges)
    with serve(app) as url:
        yield url


def client_of(url: str, world: World, person: Person) -> httpx.Client:
    return httpx.Client(
        base_url=url,
        cookies={"askwell_session": world.session_cookie(person)},
        headers={"Accept": "text/event-stream"},
        timeout=WAIT,
    )


class TestRefusals:
    def test_anonymous_is_sent_to_sign_in(self, client: TestClient, rings: RingMaker) -> None:
        ring, _ = rings.running()
        for view in STREAMS:
            r = client.get(f"/rings/{ring.id}/{view}/live")
            assert (r.status_code, r.headers["location"]) == (
                303,
                f"/signin?next=/rings/{ring.id}/{view}/live",
            )

    def test_other_organization_and_strangers_get_404(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        for person in (ring_scene.outsider_org_admin, ring_scene.stranger):
            client = signed_in(person)
            for view in STREAMS:
                assert client.get(f"/rings/{ring.id}/{view}/live").status_code == 404, (person.name, view)

    def test_only_facilitators_open_the_console_stream(
        self, signed_in: SignIn, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        assert signed_in(ring_scene.ada).get(f"/rings/{ring.id}/console/live").status_code == 403

    def test_a_bad_position_is_a_fresh_start_not_an_error(
        self, live: str, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        bad_positions = [({"Last-Event-ID": bad}, {}) for bad in ("x" * 50, "-3", "99999999999999999999")]
        bad_positions.append(({}, {"after": "²"}))  # a digit to str.isdigit, not to int
        for headers, params in bad_positions:
            with (
                client_of(live, world, ring_scene.ada) as client,
                client.stream("GET", f"/rings/{ring.id}/board/live", headers=headers, params=params) as r,
            ):
                missed, board = until(parse(r.iter_lines()), "board")
            assert r.status_code == 200 and missed == [], (headers, params)
            assert board.id == str(ring.event_seq)


class TestLiveBoard:
    def test_an_offer_reaches_the_board_without_a_reload(
        self, live: str, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        seen = ring.event_seq
        with (
            client_of(live, world, ring_scene.grace) as client,
            client.stream("GET", f"/rings/{ring.id}/board/live", params={"after": seen}) as r,
        ):
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            assert r.headers["cache-control"] == "no-store"
            events = parse(r.iter_lines())
            missed, board = until(events, "board")  # the state at once
            assert missed == []
            assert 'id="ring-board"' in board.data and board.id == str(seen)
            assert "Happy to pair on it tomorrow" not in board.data

            rings.offer(ring, ring_scene.linus, reqs["ada"])  # someone else's offer, committed
            news, board = until(events, "board")
            assert [json.loads(e.data)["kind"] for e in news] == ["ring.offer_made"]
            assert news[0].id == str(seen + 1) == board.id
            assert "Linus Torvalds" in board.data and "Happy to pair on it tomorrow" in board.data
            # Grace's own offer buttons are in the partial, with her CSRF field: the swap keeps the board usable.
            assert 'name="csrf_token"' in board.data and "I know someone" in board.data

    def test_a_reconnecting_client_gets_what_it_missed_in_order(
        self, live: str, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        seen = ring.event_seq
        rings.offer(ring, ring_scene.linus, reqs["ada"])
        rings.offer(ring, ring_scene.grace, reqs["ada"])
        rings.act(ring, "next")
        with (
            client_of(live, world, ring_scene.ada) as client,
            client.stream("GET", f"/rings/{ring.id}/board/live", headers={"Last-Event-ID": str(seen)}) as r,
        ):
            missed, board = until(parse(r.iter_lines()), "board")
        assert [int(e.id) for e in missed] == [seen + 1, seen + 2, seen + 3]
        assert [json.loads(e.data)["kind"] for e in missed][:2] == ["ring.offer_made", "ring.offer_made"]
        assert board.id == str(seen + 3)
        assert "Linus Torvalds" in board.data and "Grace Hopper" in board.data


class TestBounded:
    def test_a_stream_ends_once_its_session_does(
        self, live: str, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        token = world.session_cookie(ring_scene.grace)
        with (
            httpx.Client(base_url=live, cookies={"askwell_session": token}, timeout=WAIT) as client,
            client.stream("GET", f"/rings/{ring.id}/board/live") as r,
        ):
            events = parse(r.iter_lines())
            until(events, "board")
            accounts.sign_out(db, token=token)
            db.commit()
            rings.offer(ring, ring_scene.linus, reqs["ada"])  # the next read finds no session: the end
            assert list(events) == []


class TestLiveConsoleAndProjector:
    """One stream per test: the test's database is one connection (rolled back at the end), which two
    streams reading at once would share; several readers at once are the browser test's and the
    benchmark's (real databases)."""

    def test_the_console_follows_next(
        self, live: str, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        with (
            client_of(live, world, ring_scene.facilitator) as fran,
            fran.stream("GET", f"/rings/{ring.id}/console/live") as console,
        ):
            events = parse(console.iter_lines())
            _, first = until(events, "console")
            assert 'id="ring-console"' in first.data and "Request 1 of 3" in first.data
            _, board = until(events, "board")
            assert 'id="ring-board"' in board.data and 'id="now-title"' not in board.data

            advanced = rings.act(ring, "next")
            _, after = until(events, "console")
            assert "Request 2 of 3" in after.data
            # Its buttons act on the new version, so a second facilitator's "next" is not a stale one.
            assert f'name="version" value="{advanced.version}"' in after.data

    def test_the_projector_follows_next(
        self, live: str, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        with (
            client_of(live, world, ring_scene.ada) as ada,
            ada.stream("GET", f"/rings/{ring.id}/projector/live") as projector,
        ):
            events = parse(projector.iter_lines())
            _, shown = until(events, "projector")
            assert 'id="ring-projector"' in shown.data
            assert "<html" not in shown.data
            rings.act(ring, "next")
            _, moved = until(events, "projector")
            assert moved.data != shown.data and int(moved.id) > int(shown.id)


class TestSharedReads:
    def test_one_read_of_a_ring_serves_its_streams_until_it_changes(
        self, db: Session, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        shared = SharedReads()
        first = shared.get(db, ring)
        assert shared.get(db, ring) is first  # the same change: not read again
        rings.offer(ring, ring_scene.linus, reqs["ada"])
        db.refresh(ring)
        after = shared.get(db, ring)
        assert after is not first
        _members, rows = after
        assert any(o.helper_name == "Linus Torvalds" for row in rows for o in row.offers)
