"""A facilitator runs a ring in real Chromium: starts it, advances, participants offer in one click,
the facilitator proposes and confirms the assignment; and the live part: in separate browser contexts,
participants' boards, the console's board and the projector follow the facilitator's actions and each
other's offers without a reload (server-sent events)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from askwell.core.clock import Clock
from askwell.core.uow import unit_of_work
from askwell.people.models import Person
from askwell.people.repository import actor_for
from askwell.rings import service
from askwell.rings.schemas import RingCreate, RingRequestCreate
from tests.browser.live import DESKTOP, PHONE, DemoAccount, DemoApp

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the chromium fixture skips first
    expect = None  # type: ignore[assignment]


def _ring_with_requests(app: DemoApp) -> int:
    """The lead facilitates; the member and the admin have joined, each with a request."""
    lead, member, admin = app.lead, app.member, app.admin
    now = Clock().now()
    with unit_of_work(app.session_factory) as db:

        def actor(account: DemoAccount) -> Any:
            person = db.get(Person, account.person_id)
            assert person is not None
            return actor_for(db, person)

        ring = service.create_ring(
            db,
            actor=actor(lead),
            data=RingCreate(
                name="Browser ring",
                starts_at=now + timedelta(minutes=5),
                invite=[member.person_id, admin.person_id],
                participate=False,
            ),
            now=now,
        )
        for account, title in (
            (member, "Review my release checklist by Friday"),
            (admin, "Find a mentor for our new analyst"),
        ):
            service.join(db, actor=actor(account), ring_id=ring.id, now=now)
            service.submit_request(
                db, actor=actor(account), ring_id=ring.id, data=RingRequestCreate(title=title), now=now
            )
        return ring.id


def _sign_in(page: Any, app: DemoApp, account: DemoAccount, next_path: str) -> None:
    page.goto(f"{app.url}/signin?next={next_path}")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(app.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{app.url}{next_path}")


def test_facilitator_runs_a_ring(demo_app: DemoApp, chromium: Any) -> None:
    ring_id = _ring_with_requests(demo_app)
    errors: list[str] = []
    lead_ctx = chromium.new_context(viewport=DESKTOP)
    member_ctx = chromium.new_context(viewport=PHONE)
    try:
        lead, member = lead_ctx.new_page(), member_ctx.new_page()
        for page in (lead, member):
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))

        _sign_in(lead, demo_app, demo_app.lead, f"/rings/{ring_id}/console")
        lead.get_by_role("button", name="Start the ring").click()
        expect(lead.get_by_role("status")).to_have_text("The ring is under way.")
        console = lead.locator("#ring-console")
        expect(console).to_contain_text("Request 1 of 2")
        expect(console.locator("[data-ring-timer]")).to_be_visible()

        # A participant on a phone offers on the other request in one click.
        _sign_in(member, demo_app, demo_app.member, f"/rings/{ring_id}")
        other = member.locator(".ring-request", has_text="Find a mentor for our new analyst")
        other.get_by_label("Note (optional)").fill("I mentored two analysts last year")
        other.get_by_role("button", name="I know someone").click()
        expect(member.get_by_role("status")).to_contain_text("Offer sent")
        expect(member.locator(".ring-request", has_text="Find a mentor")).to_contain_text(
            "You offered help here"
        )
        assert member.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

        # The console's board shows the offer without a reload (live), then the facilitator moves on.
        expect(lead.locator("#ring-board")).to_contain_text(
            "I know someone: I mentored two analysts last year"
        )
        lead.get_by_role("button", name="Next request").click()
        expect(lead.get_by_role("status")).to_have_text("Next request.")
        expect(console).to_contain_text("Request 2 of 2")
        lead.get_by_role("button", name="End the ring").click()

        # After the ring: propose, check, confirm.
        expect(lead).to_have_url(f"{demo_app.url}/rings/{ring_id}/assignment?flash=The+ring+is+closed.")
        lead.get_by_role("button", name="Propose pairings").click()
        expect(lead.locator(".ring-pairings").first).to_contain_text(
            f"{demo_app.member.name} helps {demo_app.admin.name}"
        )
        expect(lead.locator(".ring-pairings").first).to_contain_text("I know someone")
        lead.get_by_role("button", name="Confirm 1 pairing").click()
        # The flash, beside the notice of requests nobody could be suggested for (also a status).
        expect(lead.locator(".flash[role=status]")).to_contain_text("Confirmed 1 pairing")
        expect(lead.get_by_role("heading", name="Confirmed")).to_be_visible()

        lead.goto(f"{demo_app.url}/rings/{ring_id}/report")
        expect(lead.locator("svg.ring-chart")).to_be_visible()
    finally:
        lead_ctx.close()
        member_ctx.close()
    assert errors == []


def _watch(page: Any, errors: list[str]) -> None:
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))


def test_boards_console_and_projector_follow_the_ring_live(demo_app: DemoApp, chromium: Any) -> None:
    """Four pages in three contexts: the facilitator's console and projector, two participants' boards.
    Whatever one of them does, the others show without reloading (a marker set on each page stays)."""
    ring_id = _ring_with_requests(demo_app)
    first, second = "Review my release checklist by Friday", "Find a mentor for our new analyst"
    errors: list[str] = []
    contexts = [chromium.new_context(viewport=DESKTOP) for _ in range(3)]
    try:
        lead_ctx, member_ctx, admin_ctx = contexts
        console, projector = lead_ctx.new_page(), lead_ctx.new_page()
        member, admin = member_ctx.new_page(), admin_ctx.new_page()
        for page in (console, projector, member, admin):
            _watch(page, errors)
        _sign_in(console, demo_app, demo_app.lead, f"/rings/{ring_id}/console")
        projector.goto(f"{demo_app.url}/rings/{ring_id}/projector")
        _sign_in(member, demo_app, demo_app.member, f"/rings/{ring_id}")
        _sign_in(admin, demo_app, demo_app.admin, f"/rings/{ring_id}")
        watched = (projector, member, admin)
        for page in watched:
            expect(page.locator(".ring-live[sse-connect]")).to_have_count(1)
            page.evaluate("window.__ringMarker = 'same page'")

        # The facilitator starts: the projector and both boards show the first request as "now".
        console.get_by_role("button", name="Start the ring").click()
        expect(console.locator("#ring-console")).to_contain_text("Request 1 of 2")
        expect(projector.locator("#ring-projector h1")).to_have_text(first)
        for page in (member, admin):
            expect(page.locator("#ring-board .ring-now")).to_contain_text(first)

        # The admin offers on the current request: its requester (the member), the console's board
        # and the projector see it appear.
        current = admin.locator(".ring-request", has_text=first)
        current.get_by_label("Note (optional)").fill("I wrote our last release checklist")
        current.get_by_role("button", name="I can help").click()
        expect(admin.get_by_role("status")).to_contain_text("Offer sent")
        offer = "I wrote our last release checklist"
        expect(member.locator(".ring-request", has_text=first)).to_contain_text(offer)
        expect(console.locator("#ring-board")).to_contain_text(offer)
        expect(projector.locator("#ring-projector .ring-offers")).to_contain_text(offer)

        # Next: everyone moves to the second request.
        console.get_by_role("button", name="Next request").click()
        expect(console.locator("#ring-console")).to_contain_text("Request 2 of 2")
        expect(projector.locator("#ring-projector h1")).to_have_text(second)
        for page in (member, admin):
            expect(page.locator("#ring-board .ring-now")).to_contain_text(second)

        # Pause stops the projector's timer; the pages that only watched were never reloaded.
        console.get_by_role("button", name="Pause").click()
        expect(projector.locator("[data-ring-timer]")).to_have_attribute("data-running", "0")
        for page in (projector, member):  # the admin's page reloaded after the offer (a form post)
            assert page.evaluate("window.__ringMarker") == "same page", page.url
    finally:
        for context in contexts:
            context.close()
    assert errors == [], "\n".join(errors)
