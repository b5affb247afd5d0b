"""The network picture in real Chromium, at desktop and phone sizes: what people see without hovering."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from askwell import wiring
from askwell.accounts.secrets import hash_password
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.network import service as network_service
from askwell.network.picture import KINDS
from askwell.people import service as people_service
from askwell.people.schemas import OrganizationCreate, PersonCreate
from askwell.server import create_app
from tests.browser.test_browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, playwright_api
from tests.conftest import NOW, PASSWORD, create_test_database

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (make chromium)"
    ),
]


@dataclass
class Network:
    url: str
    email: str


@pytest.fixture
def live_network(tmp_path: Path) -> Iterator[Network]:
    """Ada with a friend (who knows someone else) and a tie gone quiet for over a year."""
    database = create_test_database(tmp_path)
    # The page reads "now" from the clock: the ties are dated from NOW, so the app uses it too.
    edges = Edges(clock=FrozenClock(NOW))
    factory = wiring.session_factory(database.engine, edges)
    with unit_of_work(factory) as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        people = {}
        for name in ("Ada Lovelace", "Fay Friend", "Tom Two", "Olly Oldfriend"):
            people[name] = people_service.add_person(
                db,
                org_id=org.id,
                data=PersonCreate(name=name, email=f"{name.split()[0].lower()}@example.com"),
                now=NOW,
                password_hash=hash_password(PASSWORD),
            )
        ada, fay, tom, olly = people.values()

        def talk(a: int, b: int, *, days_ago: float, times: int) -> None:
            at = NOW - timedelta(days=days_ago)
            events = [
                network_service.Interaction(a, b, at - timedelta(days=7 * i), "help_given")
                for i in range(times)
            ]
            network_service.record_interactions(db, org_id=org.id, events=events, now=NOW)

        talk(ada.id, fay.id, days_ago=0, times=4)
        talk(fay.id, tom.id, days_ago=0, times=3)
        talk(ada.id, olly.id, days_ago=400, times=4)
    app = create_app(
        Settings(database_url=database.url, in_process_worker=False), session_factory=factory, edges=edges
    )
    # The socket listens before uvicorn runs, so the first request waits in the backlog, not on a poll.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=sock.getsockname()[1], log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    yield Network(url=f"http://127.0.0.1:{sock.getsockname()[1]}", email="ada@example.com")
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    database.drop()


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_legend_matches_the_dots_names_show_without_hover_strength_in_words(
    live_network: Network, width: int, height: int
) -> None:
    expect = playwright_api.expect
    console: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
        try:
            page.goto(f"{live_network.url}/network")
            page.get_by_label("Email").fill(live_network.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(f"{live_network.url}/network")
            card = page.locator("section.picture-card")
            expect(card.locator("svg.network-picture")).to_be_visible()

            # Each kind: the legend's swatch is painted in exactly the colour of that kind's dots.
            for ring in KINDS:
                swatch = card.locator(f".legend li[data-kind='{ring}'] circle")
                dots = card.locator(f"svg.network-picture circle.node[data-kind='{ring}']")
                expect(swatch).to_be_visible()
                expect(dots.first).to_be_visible()
                painted = [d.evaluate("e => getComputedStyle(e).fill") for d in dots.all()]
                assert set(painted) == {swatch.evaluate("e => getComputedStyle(e).fill")}, ring

            # Names are on the page, visible, with no hover: the key beside (or below) the picture.
            names = card.locator(".picture-names")
            for name in ("Fay Friend", "Olly Oldfriend"):
                expect(names.get_by_role("link", name=name)).to_be_visible()
            expect(names).to_contain_text("1 person through Fay Friend")
            expect(names).not_to_contain_text("Tom Two")  # whom a tie knows is theirs to share
            key = names.locator("li[data-kind='inner']").first
            box, picture = key.bounding_box(), card.locator("svg.network-picture").bounding_box()
            assert box is not None and picture is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= width  # no sideways scrolling on a phone

            # Strength is words from the tie's evidence, not a percentage.
            words = names.locator("li[data-kind='inner'] .tie-words")
            expect(words).to_have_text("4 times in the last 3 weeks, most recently today, through help given")
            expect(page.locator("main")).not_to_contain_text(re.compile(r"strength|\d+ ?%", re.IGNORECASE))
            page.screenshot(path=str(SCREENSHOTS / f"askwell-network-{width}.png"), full_page=True)
        finally:
            browser.close()
    assert not [c for c in console if c.startswith(("error", "pageerror"))], console
