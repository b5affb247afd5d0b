"""The inbox badge in real Chromium: it counts up while the page stays open, when someone else offers
help on one of my asks (server-sent events through the htmx SSE extension; no reload)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from askwell.asks import service as asks
from askwell.asks.models import OfferKind
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.core.clock import Clock
from askwell.core.uow import unit_of_work
from askwell.people.models import Person
from askwell.people.repository import actor_for
from tests.browser.live import DESKTOP, DemoApp

pytestmark = pytest.mark.browser


def _offer_on_a_new_ask_of(app: DemoApp, person_id: int) -> None:
    """Someone else in the organization offers help on a fresh ask of ``person_id``'s (committed)."""
    now = Clock().now()
    with unit_of_work(app.session_factory) as db:
        me = db.get(Person, person_id)
        helper = db.scalars(
            select(Person).where(Person.org_id == app.org_id, Person.id != person_id, Person.is_active)
        ).first()
        assert me is not None and helper is not None
        ask = asks.create_ask(
            db,
            actor=actor_for(db, me),
            data=AskCreate(title="Live badge: review my rollout plan", due=now + timedelta(days=3)),
            now=now,
        )
        offer = OfferCreate(kind=OfferKind.ADVISE, message="Happy to look at it this afternoon.")
        asks.offer_help(db, actor=actor_for(db, helper), ask_id=ask.id, data=offer, now=now)


def _unread(text: str | None) -> int:
    found = re.match(r"\s*(\d+)", text or "")
    return int(found[1]) if found else 0


def test_the_badge_counts_an_offer_without_a_reload(demo_app: DemoApp, chromium: Any) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console", lambda msg: problems.append(f"{msg.type}: {msg.text}") if msg.type == "error" else None
    )
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    try:
        member = demo_app.member
        page.goto(f"{demo_app.url}/signin")
        page.get_by_label("Email").fill(member.email)
        page.get_by_label("Password").fill(demo_app.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page).to_have_url(f"{demo_app.url}/")
        badge = page.locator("#inbox-badge")
        expect(badge).to_have_attribute("sse-connect", "/inbox/live")
        before = _unread(badge.text_content())
        page.evaluate("window.__askwellMarker = 'same page'")

        _offer_on_a_new_ask_of(demo_app, member.person_id)

        expect(badge.locator(".nav-count")).to_have_text(re.compile(rf"^{before + 1}\b"))
        assert page.evaluate("window.__askwellMarker") == "same page"
        assert problems == [], "\n".join(problems)
    finally:
        context.close()
