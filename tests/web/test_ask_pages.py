import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks import service
from askwell.asks.models import Ask, AskStatus, Offer, OfferKind, OfferStatus, Thanks
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.people.models import Person
from tests.conftest import QueryCounter, World, csrf
from tests.notifications.support import texts
from tests.web.conftest import post

GOOD = dict(
    title="Review the retry logic in PR #4412 before Thursday's release",
    body=(
        "Could someone from data engineering review PR #4412 (the Kafka consumer's retry logic)? "
        "It blocks the payments release on Thursday and I want a second pair of eyes on the backoff math."
    ),
)
_TITLE = re.compile(r'class="ask-title" href="/asks/\d+">([^<]+)</a>')

Ask_ = Callable[..., Ask]
SignIn = Callable[[Person], TestClient]


def listed(html: str) -> list[str]:
    return [t.replace("&#39;", "'") for t in _TITLE.findall(html)]


@pytest.fixture
def make_ask(db: Session, world: World) -> Ask_:
    def make(author: Person, **overrides: object) -> Ask:
        fields = {**GOOD, "due": world.now + timedelta(days=3), **overrides}
        ask = service.create_ask(db, actor=world.actor(author), data=AskCreate(**fields), now=world.now)
        db.commit()
        return ask

    return make


@pytest.fixture
def offer_on(db: Session, world: World) -> Callable[..., Offer]:
    def make(helper: Person, ask: Ask, *, kind: OfferKind = OfferKind.ADVISE) -> Offer:
        offer = service.offer_help(
            db,
            actor=world.actor(helper),
            ask_id=ask.id,
            data=OfferCreate(kind=kind, message="Happy to pair on it tomorrow."),
            now=world.now,
        )
        db.commit()
        return offer

    return make


def form(**overrides: object) -> dict[str, object]:
    return {**GOOD, "due": "2026-03-05", "tags": "Kafka, code review", "visibility": "org", **overrides}


def count_asks(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Ask)) or 0


class TestBoard:
    def test_anonymous(self, client: TestClient) -> None:
        r = client.get("/asks?scope=mine")
        assert r.status_code == 303
        assert r.headers["location"].startswith("/signin?next=/asks")

    def test_open_asks_of_my_organization_only(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        org = world.org()
        me, grace = world.person(org, "Ada"), world.person(org, "Grace")
        outsider = world.person(world.org("Globex"), "Hank")
        make_ask(grace, title="Pair on the Kafka consumer")
        make_ask(outsider, title="Globex secret plan review")
        r = signed_in(me).get("/asks")
        assert r.status_code == 200
        assert listed(r.text) == ["Pair on the Kafka consumer"]

    def test_private_ask_is_invisible_to_people_not_named(
        self, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        me, named, other = world.person(org, "Ada"), world.person(org, "Grace"), world.person(org, "Linus")
        make_ask(me, title="Private salary negotiation advice", visibility="people", audience=[named.id])
        client = signed_in(other)
        assert listed(client.get("/asks").text) == []
        assert listed(client.get("/asks?q=salary").text) == []
        assert listed(signed_in(named).get("/asks?q=salary").text) == ["Private salary negotiation advice"]

    def test_tabs_search_and_tag(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        org = world.org()
        me, grace = world.person(org, "Ada"), world.person(org, "Grace")
        make_ask(
            me,
            title="Help me plan the onboarding week",
            body="Three hires start Monday.",
            tags=["Onboarding"],
        )
        make_ask(grace, title="Review my Kafka retry logic", tags=["Kafka"])
        client = signed_in(me)
        assert listed(client.get("/asks?scope=mine").text) == ["Help me plan the onboarding week"]
        assert listed(client.get("/asks?q=kafka+retry").text) == ["Review my Kafka retry logic"]
        assert listed(client.get("/asks?tag=onboarding").text) == ["Help me plan the onboarding week"]

    def test_htmx_gets_only_the_results(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        me = world.person(world.org(), "Ada")
        make_ask(me)
        r = signed_in(me).get("/asks?q=retry", headers={"HX-Request": "true"})
        assert "<html" not in r.text
        assert len(listed(r.text)) == 1
        assert r.headers["vary"] == "HX-Request"

    def test_bad_scope_is_refused(self, world: World, signed_in: SignIn) -> None:
        r = signed_in(world.person(world.org())).get("/asks?scope=everything")
        assert r.status_code == 422

    def test_paginates_twenty_a_page(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        me = world.person(world.org(), "Ada")
        for i in range(23):
            make_ask(me, title=f"Ask number {i:02d} about retries")
        client = signed_in(me)
        first, second = client.get("/asks"), client.get("/asks?page=2")
        assert "23 asks" in first.text
        assert len(listed(first.text)) == 20
        assert len(listed(second.text)) == 3
        assert 'href="/asks?page=2"' in first.text

    def test_queries_do_not_grow_with_the_page(
        self,
        world: World,
        signed_in: SignIn,
        make_ask: Ask_,
        offer_on: Callable[..., Offer],
        count_queries: Callable[[], QueryCounter],
    ) -> None:
        org = world.org()
        me, grace = world.person(org, "Ada"), world.person(org, "Grace")
        client = signed_in(me)

        def queries_for(n: int) -> int:
            while len(listed(client.get("/asks").text)) < n:
                ask = make_ask(grace, tags=["Kafka", f"t{n}"])
                offer_on(me, ask)
            counter = count_queries()
            r = client.get("/asks")
            assert len(listed(r.text)) == n
            return counter.count

        assert queries_for(5) == queries_for(20)


class TestNewAsk:
    def test_form_has_live_coaching(self, world: World, signed_in: SignIn) -> None:
        r = signed_in(world.person(world.org())).get("/asks/new")
        assert r.status_code == 200
        assert 'hx-post="/asks/coach"' in r.text
        assert 'hx-trigger="input changed delay:400ms' in r.text
        assert 'id="coaching"' in r.text

    def test_posts_an_open_ask(self, db: Session, world: World, signed_in: SignIn) -> None:
        me = world.person(world.org(), "Ada")
        r = post(signed_in(me), "/asks/new", form(own_guess="30"))
        assert r.status_code == 303
        ask = db.scalar(select(Ask).where(Ask.author_id == me.id))
        assert ask is not None
        assert r.headers["location"].startswith(f"/asks/{ask.id}?flash=")
        assert (ask.status, ask.own_guess) == (AskStatus.OPEN.value, 30)

    def test_saves_a_draft(self, db: Session, world: World, signed_in: SignIn) -> None:
        me = world.person(world.org(), "Ada")
        post(signed_in(me), "/asks/new", {**form(), "save": "draft"})
        assert db.scalar(select(Ask.status).where(Ask.author_id == me.id)) == AskStatus.DRAFT.value

    def test_empty_title_keeps_the_values(self, db: Session, world: World, signed_in: SignIn) -> None:
        me = world.person(world.org())
        r = post(signed_in(me), "/asks/new", form(title="  ", body="My own words stay here"))
        assert r.status_code == 422
        assert "My own words stay here" in r.text
        assert 'id="f-title-error"' in r.text
        assert count_asks(db) == 0

    def test_overlong_text(self, db: Session, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(world.person(world.org())), "/asks/new", form(body="x" * 4500))
        assert r.status_code == 422
        assert count_asks(db) == 0

    def test_due_in_the_past(self, db: Session, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(world.person(world.org())), "/asks/new", form(due="2026-02-01"))
        assert r.status_code == 422
        assert "The due date is in the past." in r.text
        assert 'value="2026-02-01"' in r.text
        assert count_asks(db) == 0

    def test_unreadable_due_and_effort(self, db: Session, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(world.person(world.org())), "/asks/new", form(due="soon", effort_hours="lots"))
        assert r.status_code == 422
        assert 'id="f-due-error"' in r.text and 'id="f-effort_hours-error"' in r.text
        assert count_asks(db) == 0

    def test_private_ask_needs_people(self, db: Session, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(world.person(world.org())), "/asks/new", form(visibility="people"))
        assert r.status_code == 422
        assert "needs at least one person" in r.text
        assert count_asks(db) == 0

    def test_people_of_another_organization_cannot_be_named(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        me = world.person(world.org(), "Ada")
        outsider = world.person(world.org("Globex"), "Hank")
        r = post(signed_in(me), "/asks/new", form(visibility="people", audience=[str(outsider.id)]))
        assert r.status_code == 422
        assert count_asks(db) == 0

    def test_named_people_are_kept_when_the_form_comes_back(self, world: World, signed_in: SignIn) -> None:
        org = world.org()
        me, grace = world.person(org, "Ada"), world.person(org, "Grace Hopper")
        r = post(signed_in(me), "/asks/new", form(title="", visibility="people", audience=[str(grace.id)]))
        assert r.status_code == 422
        assert f'name="audience" value="{grace.id}" checked' in r.text


class TestLiveCoaching:
    def test_anonymous(self, client: TestClient) -> None:
        r = post(client, "/asks/coach", {"body": "help"})
        assert r.status_code == 303

    def test_reviews_what_is_typed(self, world: World, signed_in: SignIn) -> None:
        client = signed_in(world.person(world.org()))
        vague = post(client, "/asks/coach", {"title": "", "body": "Can anyone help me with stuff?"})
        good = post(client, "/asks/coach", {**GOOD, "due": "2026-03-05", "effort_hours": "1"})
        assert vague.status_code == good.status_code == 200
        assert "<html" not in good.text
        for name in ("Specific", "Time-bound"):
            assert name in good.text
        score = re.compile(r'data-score="(\d+)"')
        assert int(score.findall(good.text)[0]) > int(score.findall(vague.text)[0])
        assert "Try:" in vague.text

    def test_shows_my_guess_beside_the_likely_rate(self, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(world.person(world.org())), "/asks/coach", {**GOOD, "own_guess": "5"})
        assert "your guess: <strong>5%</strong>" in r.text
        assert "underestimate" in r.text

    def test_nothing_to_coach_yet(self, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(world.person(world.org())), "/asks/coach", {"title": " ", "body": ""})
        assert r.status_code == 200
        assert "Start writing" in r.text

    def test_invalid_values_say_why(self, world: World, signed_in: SignIn) -> None:
        r = post(signed_in(world.person(world.org())), "/asks/coach", {**GOOD, "own_guess": "250"})
        assert r.status_code == 200
        assert "Your guess can be at most 100." in r.text
        assert "data-score" not in r.text


class TestPeoplePicker:
    def test_finds_colleagues_and_keeps_choices(self, world: World, signed_in: SignIn) -> None:
        org = world.org()
        me = world.person(org, "Ada Lovelace")
        grace, greg = world.person(org, "Grace Hopper"), world.person(org, "Greg Egan")
        world.person(world.org("Globex"), "Grace Outsider")
        r = signed_in(me).get(f"/asks/people?q=gr&audience={greg.id}")
        assert f'value="{greg.id}" checked' in r.text
        assert f'value="{grace.id}">' in r.text
        assert "Outsider" not in r.text and "Ada Lovelace" not in r.text


class TestAskPage:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/asks/1").status_code == 303

    def test_author_sees_coaching_and_the_ways_to_finish(
        self, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        me = world.person(world.org(), "Ada")
        ask = make_ask(me, own_guess=20)
        r = signed_in(me).get(f"/asks/{ask.id}")
        assert r.status_code == 200
        assert "Coaching" in r.text and "data-score" in r.text
        for action in ("close", "withdraw", "extend"):
            assert f'action="/asks/{ask.id}/{action}"' in r.text
        assert f'action="/asks/{ask.id}/offers"' not in r.text

    def test_colleague_can_offer_but_not_manage(
        self, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"))
        r = signed_in(world.person(org, "Grace")).get(f"/asks/{ask.id}")
        assert f'action="/asks/{ask.id}/offers"' in r.text
        assert f'action="/asks/{ask.id}/close"' not in r.text
        assert "data-score" not in r.text

    def test_other_organization_gets_404(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        ask = make_ask(world.person(world.org(), "Ada"))
        r = signed_in(world.person(world.org("Globex"))).get(f"/asks/{ask.id}")
        assert r.status_code == 404

    def test_private_ask_404_unless_named(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        org = world.org()
        named, other = world.person(org, "Grace"), world.person(org, "Linus")
        ask = make_ask(world.person(org, "Ada"), visibility="people", audience=[named.id])
        assert signed_in(other).get(f"/asks/{ask.id}").status_code == 404
        assert signed_in(named).get(f"/asks/{ask.id}").status_code == 200

    def test_unknown_and_impossible_ids(self, world: World, signed_in: SignIn) -> None:
        client = signed_in(world.person(world.org()))
        assert client.get("/asks/999999").status_code == 404
        assert client.get("/asks/99999999999").status_code == 422
        assert client.get("/asks/abc").status_code == 422


class TestOffers:
    def test_offer_help_tells_the_asker(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = make_ask(ada)
        r = post(
            signed_in(grace),
            f"/asks/{ask.id}/offers",
            {"kind": "do", "message": "I'll review it", "hours": "1"},
        )
        assert r.status_code == 303
        offer = db.scalar(select(Offer).where(Offer.ask_id == ask.id))
        assert offer is not None and (offer.helper_id, offer.kind, offer.hours) == (grace.id, "do", 1.0)
        assert texts(db, world, ada) == [f"Grace offered to help with “{ask.title}”"]

    def test_not_on_my_own_ask(self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        me = world.person(world.org(), "Ada")
        ask = make_ask(me)
        r = post(signed_in(me), f"/asks/{ask.id}/offers", {"kind": "do", "message": "Me"})
        assert r.status_code == 422
        assert "You cannot offer help on your own ask." in r.text
        assert db.scalar(select(func.count()).select_from(Offer)) == 0

    def test_empty_message_keeps_the_choice(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"))
        r = post(signed_in(world.person(org)), f"/asks/{ask.id}/offers", {"kind": "resource", "message": " "})
        assert r.status_code == 422
        assert 'value="resource" checked' in r.text
        assert 'id="f-message-error"' in r.text

    def test_twice_is_a_conflict(
        self, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        grace = world.person(org, "Grace")
        ask = make_ask(world.person(org, "Ada"))
        offer_on(grace, ask)
        r = post(signed_in(grace), f"/asks/{ask.id}/offers", {"kind": "do", "message": "Again"})
        assert r.status_code == 409
        assert "already have an open offer" in r.text

    def test_introduction_needs_someone_of_my_organization(
        self, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"))
        outsider = world.person(world.org("Globex"))
        client = signed_in(world.person(org, "Grace"))
        missing = post(client, f"/asks/{ask.id}/offers", {"kind": "introduce", "message": "Meet them"})
        foreign = post(
            client,
            f"/asks/{ask.id}/offers",
            {"kind": "introduce", "message": "Meet them", "introduce_id": str(outsider.id)},
        )
        assert missing.status_code == foreign.status_code == 422

    def test_other_organization_gets_404(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        ask = make_ask(world.person(world.org(), "Ada"))
        r = post(
            signed_in(world.person(world.org("Globex"))),
            f"/asks/{ask.id}/offers",
            {"kind": "do", "message": "x"},
        )
        assert r.status_code == 404

    def test_accept_done_and_thank(
        self,
        db: Session,
        world: World,
        signed_in: SignIn,
        make_ask: Ask_,
        offer_on: Callable[..., Offer],
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = make_ask(ada)
        offer = offer_on(grace, ask)
        early = post(signed_in(ada), f"/offers/{offer.id}/thanks", {"note": "Thanks!"})
        assert early.status_code == 409
        assert post(signed_in(ada), f"/offers/{offer.id}/accept").status_code == 303
        assert post(signed_in(grace), f"/offers/{offer.id}/done").status_code == 303
        page = signed_in(ada).get(f"/asks/{ask.id}")
        assert f'action="/offers/{offer.id}/thanks"' in page.text
        thanked = post(signed_in(ada), f"/offers/{offer.id}/thanks", {"note": "You unblocked the release."})
        again = post(signed_in(ada), f"/offers/{offer.id}/thanks", {"note": "Thanks again"})
        assert thanked.status_code == 303
        assert again.status_code == 409 and "already thanked" in again.text
        assert db.scalars(select(Thanks.note)).all() == ["You unblocked the release."]

    def test_only_the_asker_accepts_and_only_helper_or_asker_mark_done(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        ada, grace, linus = world.person(org, "Ada"), world.person(org, "Grace"), world.person(org, "Linus")
        ask = make_ask(ada)
        offer = offer_on(grace, ask)
        assert post(signed_in(linus), f"/offers/{offer.id}/accept").status_code == 403
        assert post(signed_in(ada), f"/offers/{offer.id}/done").status_code == 409  # not accepted yet
        assert db.scalar(select(Offer.status).where(Offer.id == offer.id)) == OfferStatus.PROPOSED.value
        post(signed_in(ada), f"/offers/{offer.id}/accept")
        assert post(signed_in(linus), f"/offers/{offer.id}/done").status_code == 403
        assert post(signed_in(ada), f"/offers/{offer.id}/done").status_code == 303
        db.expire_all()
        assert db.scalar(select(Offer.status).where(Offer.id == offer.id)) == OfferStatus.DONE.value
        assert any("Ada" in t and "marked your help" in t for t in texts(db, world, grace))

    def test_disallowed_transition_is_explained_in_place(
        self, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        offer = offer_on(grace, make_ask(ada))
        r = post(signed_in(grace), f"/offers/{offer.id}/done")
        assert r.status_code == 409
        assert "An offer that is proposed cannot become done." in r.text

    def test_empty_thanks(
        self, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        offer = offer_on(grace, make_ask(ada))
        post(signed_in(ada), f"/offers/{offer.id}/accept")
        post(signed_in(grace), f"/offers/{offer.id}/done")
        r = post(signed_in(ada), f"/offers/{offer.id}/thanks", {"note": "  "})
        assert r.status_code == 422
        assert f'id="o{offer.id}-f-note-error"' in r.text

    def test_foreign_offer_gets_404(
        self, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        offer = offer_on(world.person(org, "Grace"), make_ask(world.person(org, "Ada")))
        assert (
            post(signed_in(world.person(world.org("Globex"))), f"/offers/{offer.id}/accept").status_code
            == 404
        )


class TestEdit:
    def test_edit_keeps_history(self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        me = world.person(world.org(), "Ada")
        ask = make_ask(me, title="Review my retry logic")
        client = signed_in(me)
        page = client.get(f"/asks/{ask.id}/edit")
        assert page.status_code == 200 and 'value="Review my retry logic"' in page.text
        r = post(client, f"/asks/{ask.id}/edit", form(title="Review my retry logic by Thursday"))
        assert r.status_code == 303
        history = client.get(f"/asks/{ask.id}/history")
        assert "Version 2 (current)" in history.text
        assert "Review my retry logic by Thursday" in history.text
        assert "Review my retry logic</dd>" in history.text
        assert "changed: title" in history.text
        assert "UTC" in history.text  # Ada's clock is UTC in tests, and it is named
        assert "Thu 5 Mar, 17:00" in history.text  # the due moment on Ada's clock, as on the ask page

    def test_someone_else_cannot_edit(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"), title="Original title here")
        client = signed_in(world.person(org, "Grace"))
        assert client.get(f"/asks/{ask.id}/edit").status_code == 403
        assert post(client, f"/asks/{ask.id}/edit", form(title="Hijacked")).status_code == 403
        assert db.scalar(select(Ask.title).where(Ask.id == ask.id)) == "Original title here"

    def test_invalid_edit_keeps_values(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        me = world.person(world.org())
        ask = make_ask(me, title="Original title here")
        r = post(signed_in(me), f"/asks/{ask.id}/edit", form(title="Better title", due="2020-01-01"))
        assert r.status_code == 422
        assert 'value="Better title"' in r.text
        assert db.scalar(select(Ask.version).where(Ask.id == ask.id)) == 1

    def test_closed_ask_cannot_be_edited(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        me = world.person(world.org())
        ask = make_ask(me)
        client = signed_in(me)
        post(client, f"/asks/{ask.id}/withdraw")
        assert client.get(f"/asks/{ask.id}/edit").status_code == 409
        assert post(client, f"/asks/{ask.id}/edit", form()).status_code == 422


class TestCloseWithdrawExtend:
    def test_close_prompts_thanks_for_helpers_not_thanked(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = make_ask(ada)
        offer = offer_on(grace, ask)
        post(signed_in(ada), f"/offers/{offer.id}/accept")
        post(signed_in(grace), f"/offers/{offer.id}/done")
        r = post(signed_in(ada), f"/asks/{ask.id}/close", {"outcome": "partly_fulfilled", "note": "Mostly"})
        assert r.status_code == 303
        assert "Say+thank+you+to+Grace" in r.headers["location"]
        page = signed_in(ada).get(r.headers["location"])
        assert "not been thanked yet" in page.text
        assert f'action="/offers/{offer.id}/thanks"' in page.text
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.PARTLY_FULFILLED.value

    def test_close_needs_an_outcome_said_beside_the_choice(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        me = world.person(world.org())
        ask = make_ask(me)
        client = signed_in(me)
        page = client.get(f"/asks/{ask.id}")
        assert "only you know how it went" in page.text  # no help yet: the form explains the choice
        r = post(client, f"/asks/{ask.id}/close", {"outcome": "", "note": "keep me"})
        assert r.status_code == 422
        assert 'id="outcome-error"' in r.text and "keep me" in r.text
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.OPEN.value

    def test_close_preselects_fulfilled_once_help_was_accepted(
        self, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = make_ask(ada)
        offer = offer_on(grace, ask)
        client = signed_in(ada)
        post(client, f"/offers/{offer.id}/accept")
        page = client.get(f"/asks/{ask.id}")
        assert 'id="outcome-fulfilled" name="outcome" value="fulfilled" checked' in page.text

    def test_someone_else_cannot_close_or_withdraw(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"))
        client = signed_in(world.person(org, "Grace"))
        assert post(client, f"/asks/{ask.id}/close", {"outcome": "fulfilled"}).status_code == 403
        assert post(client, f"/asks/{ask.id}/withdraw").status_code == 403
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.OPEN.value

    def test_withdraw_then_nothing_more(self, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        me = world.person(world.org())
        ask = make_ask(me)
        client = signed_in(me)
        assert post(client, f"/asks/{ask.id}/withdraw").status_code == 303
        again = post(client, f"/asks/{ask.id}/close", {"outcome": "fulfilled"})
        assert again.status_code == 409
        assert "cannot become fulfilled" in again.text

    def test_extend_an_expired_ask(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        me = world.person(world.org())
        ask = make_ask(me)
        db.execute(Ask.__table__.update().where(Ask.id == ask.id).values(status=AskStatus.EXPIRED.value))
        db.commit()
        client = signed_in(me)
        past = post(client, f"/asks/{ask.id}/extend", {"due": "2026-03-01"})
        assert past.status_code == 422 and "The due date is in the past." in past.text
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.EXPIRED.value
        assert post(client, f"/asks/{ask.id}/extend", {"due": "2026-03-20"}).status_code == 303
        db.expire_all()
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.OPEN.value

    def test_publish_a_draft(self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_) -> None:
        me = world.person(world.org())
        ask = make_ask(me, publish=False)
        assert post(signed_in(me), f"/asks/{ask.id}/publish").status_code == 303
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.OPEN.value


class TestPostingOnPurpose:
    """Posting tells everyone the ask is shared with: it happens only when the author means it."""

    def test_enter_in_a_single_line_field_submits_nothing(self, world: World, signed_in: SignIn) -> None:
        # Implicit submission (Enter) clicks the form's first submit button; here it is disabled.
        page = signed_in(world.person(world.org())).get("/asks/new")
        form_html = page.text[page.text.index('action="/asks/new"') :]
        first_button = re.search(r"<button[^>]*>", form_html)
        assert first_button is not None
        assert 'type="submit" disabled' in first_button.group(0)
        assert form_html.index(first_button.group(0)) < form_html.index('id="f-title"')

    def test_a_title_alone_asks_post_anyway_and_keeps_every_field(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        me = world.person(world.org())
        r = post(signed_in(me), "/asks/new", form(title="Help with stuff", body="", tags="SQL"))
        assert r.status_code == 200
        assert "Post anyway?" in r.text and "no text beyond the title" in r.text
        assert 'value="Help with stuff"' in r.text and 'value="SQL"' in r.text
        assert count_asks(db) == 0

    def test_a_low_score_asks_too(self, db: Session, world: World, signed_in: SignIn) -> None:
        me = world.person(world.org())
        r = post(signed_in(me), "/asks/new", form(title="Need help", body="Can someone help me?", due=""))
        assert r.status_code == 200
        assert "Post anyway?" in r.text and "/100" in r.text
        assert count_asks(db) == 0

    def test_post_anyway_posts(self, db: Session, world: World, signed_in: SignIn) -> None:
        me = world.person(world.org())
        r = post(
            signed_in(me), "/asks/new", {**form(title="Help with stuff", body=""), "save": "publish-anyway"}
        )
        assert r.status_code == 303
        assert db.scalar(select(Ask.status).where(Ask.author_id == me.id)) == AskStatus.OPEN.value

    def test_a_draft_is_saved_without_asking(self, db: Session, world: World, signed_in: SignIn) -> None:
        me = world.person(world.org())
        r = post(signed_in(me), "/asks/new", {**form(title="Help with stuff", body=""), "save": "draft"})
        assert r.status_code == 303
        assert db.scalar(select(Ask.status).where(Ask.author_id == me.id)) == AskStatus.DRAFT.value

    def test_posting_a_thin_draft_asks_first(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        me = world.person(world.org())
        ask = make_ask(me, title="Help with stuff", body="", due=None, publish=False)
        client = signed_in(me)
        r = post(client, f"/asks/{ask.id}/publish")
        assert r.status_code == 200 and "Post anyway?" in r.text
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.DRAFT.value
        assert post(client, f"/asks/{ask.id}/publish", {"post_anyway": "yes"}).status_code == 303
        db.expire_all()
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.OPEN.value


class TestExpiredSession:
    """A form sent after the session or the form token expired comes back to the form, not to a 403."""

    def test_the_form_keeps_a_copy_and_a_save_forgets_it(self, world: World, signed_in: SignIn) -> None:
        me = world.person(world.org())
        client = signed_in(me)
        page = client.get("/asks/new")
        assert f'data-keep-draft="new" data-keep-owner="{me.id}"' in page.text
        r = post(client, "/asks/new", form())
        assert r.status_code == 303 and "kept=new" in r.headers["location"]

    def test_post_after_the_session_expired_goes_to_sign_in_then_back(
        self, db: Session, world: World, signed_in: SignIn
    ) -> None:
        me = world.person(world.org())
        client = signed_in(me)
        client.cookies.set("askwell_session", "expired-or-revoked")
        r = post(client, "/asks/new", form(), headers={"Referer": "http://testserver/asks/new"})
        assert r.status_code == 303
        assert r.headers["location"].startswith("/signin?next=/asks/new%3Fflash%3DNothing")
        assert count_asks(db) == 0

    def test_expired_form_token_goes_to_sign_in_and_back_to_the_form(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"))
        client = signed_in(world.person(org, "Grace"))
        r = client.post(
            f"/asks/{ask.id}/offers",
            data={"kind": "advise", "message": "Happy to help", "csrf_token": "from-an-old-page"},
            headers={"Referer": f"http://testserver/asks/{ask.id}"},
        )
        assert r.status_code == 303
        assert r.headers["location"].startswith(f"/signin?next=/asks/{ask.id}%3Fflash%3D")
        assert db.scalar(select(func.count()).select_from(Offer)) == 0
        # Still signed in: the sign-in page sends them straight back to the ask, which says why.
        back = client.get(r.headers["location"]).headers["location"]
        assert back.startswith(f"/asks/{ask.id}?flash=")
        assert "Nothing was sent" in client.get(back).text

    def test_a_referer_from_elsewhere_is_not_followed(self, world: World, signed_in: SignIn) -> None:
        client = signed_in(world.person(world.org()))
        client.cookies.set("askwell_session", "expired")
        r = post(client, "/asks/new", form(), headers={"Referer": "https://evil.example/asks/new"})
        assert r.headers["location"].startswith("/signin?next=/asks/new%3F")

    def test_live_coaching_says_the_session_expired(self, client: TestClient) -> None:
        r = client.post("/asks/coach", data={"title": "Help"}, headers={**csrf(client), "HX-Request": "true"})
        assert r.status_code == 401
        assert r.headers["x-askwell-session"] == "expired"
        assert "session has expired" in r.text


class TestFinishing:
    """The author can say "I got what I needed": helpers are thanked and the ask closes as fulfilled."""

    def test_i_got_what_i_needed_thanks_and_closes(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = make_ask(ada)
        offer = offer_on(grace, ask)
        client = signed_in(ada)
        post(client, f"/offers/{offer.id}/accept")
        page = client.get(f"/asks/{ask.id}")
        assert page.text.index('href="#finish"') < page.text.index('id="the-ask"')  # findable at the top
        assert "This thanks Grace" in page.text
        r = post(client, f"/asks/{ask.id}/finish", {"note": "The backoff fix saved the release."})
        assert r.status_code == 303 and "Grace" in r.headers["location"]
        db.expire_all()
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.FULFILLED.value
        assert db.scalar(select(Offer.status).where(Offer.id == offer.id)) == OfferStatus.DONE.value
        assert db.scalars(select(Thanks.note)).all() == ["The backoff fix saved the release."]
        closed = client.get(f"/asks/{ask.id}")
        assert "status-fulfilled" in closed.text
        assert (
            'id="who-can-help"' not in closed.text
            and 'action="/asks/' + str(ask.id) + '/finish"' not in closed.text
        )

    def test_before_any_help_finding_help_comes_first_and_closing_is_one_link_away(
        self, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        me = world.person(world.org())
        ask = make_ask(me)
        page = signed_in(me).get(f"/asks/{ask.id}")
        assert page.text.index('href="#close"') < page.text.index('id="the-ask"')
        assert 'id="close"' in page.text
        assert f'action="/asks/{ask.id}/finish"' not in page.text

    def test_without_a_note_they_get_a_plain_thank_you(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = make_ask(ada)
        offer = offer_on(grace, ask)
        post(signed_in(ada), f"/offers/{offer.id}/accept")
        post(signed_in(grace), f"/offers/{offer.id}/done")
        assert post(signed_in(ada), f"/asks/{ask.id}/finish").status_code == 303
        assert db.scalars(select(Thanks.note)).all() == ["Thank you: I got what I needed."]

    def test_someone_else_cannot_finish(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"))
        assert post(signed_in(world.person(org, "Grace")), f"/asks/{ask.id}/finish").status_code == 403
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.OPEN.value

    def test_a_withdrawn_ask_cannot_be_finished(
        self, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        me = world.person(world.org())
        ask = make_ask(me)
        client = signed_in(me)
        post(client, f"/asks/{ask.id}/withdraw")
        r = post(client, f"/asks/{ask.id}/finish")
        assert r.status_code == 409 and "cannot become fulfilled" in r.text

    def test_once_help_is_done_and_thanked_the_page_is_about_finishing(
        self, world: World, signed_in: SignIn, make_ask: Ask_, offer_on: Callable[..., Offer]
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = make_ask(ada)
        offer = offer_on(grace, ask)
        post(signed_in(ada), f"/offers/{offer.id}/accept")
        post(signed_in(grace), f"/offers/{offer.id}/done")
        post(signed_in(ada), f"/offers/{offer.id}/thanks", {"note": "Thank you!"})
        page = signed_in(ada).get(f"/asks/{ask.id}")
        assert "help received" in page.text and "status-in_progress" not in page.text
        folded = page.text.index('<details class="card folded-help">')
        assert folded < page.text.index('id="who-can-help"') < page.text.index("</details>", folded)
        assert "Help received: close it with thanks" in page.text


class TestDeadlines:
    """The due moment reads the same for everyone: the author's clock, and the viewer's where it differs."""

    def _people(self, db: Session, world: World) -> tuple[Person, Person]:
        org = world.org()
        ana, sam = world.person(org, "Ana Lima"), world.person(org, "Sam Lee")
        ana.timezone, sam.timezone = "Europe/Lisbon", "Australia/Sydney"
        db.commit()
        return ana, sam

    def test_helper_elsewhere_sees_both_clocks(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        ana, sam = self._people(db, world)
        # Wednesday 4 March, 17:00 in Lisbon is Thursday 5 March, 04:00 in Sydney.
        ask = make_ask(ana, due=date(2026, 3, 4))
        both = "Wed 4 Mar, 17:00 Ana&#39;s time (Thu 5 Mar, 04:00 yours)"
        client = signed_in(sam)
        assert both in client.get("/asks").text
        assert both in client.get(f"/asks/{ask.id}").text
        mine = signed_in(ana).get(f"/asks/{ask.id}").text
        assert "Wed 4 Mar, 17:00" in mine and "yours" not in mine

    def test_overdue_asks_are_labelled_and_come_first(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        ana, sam = self._people(db, world)
        late = make_ask(ana, title="Late ask about the Kafka consumer")
        make_ask(ana, title="Newer ask about the retry logic")
        db.execute(
            Ask.__table__.update().where(Ask.id == late.id).values(due_at=world.now - timedelta(hours=2))
        )
        db.commit()
        html = signed_in(sam).get("/asks").text
        assert listed(html) == ["Late ask about the Kafka consumer", "Newer ask about the retry logic"]
        assert html.count('class="badge overdue"') == 1


class TestRefusedInPlace:
    """A refused form comes back on its page with the reason in words and what was typed."""

    def test_introducing_yourself_says_why_not_a_code(
        self, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"))
        grace = world.person(org, "Grace")
        r = post(
            signed_in(grace),
            f"/asks/{ask.id}/offers",
            {"kind": "introduce", "message": "Meet my colleague", "introduce_id": str(grace.id)},
        )
        assert r.status_code == 422
        assert "Introduce someone other than yourself or the asker." in r.text
        assert '<p class="field-error">invalid</p>' not in r.text  # the API's field code, shown raw before
        assert "Meet my colleague" in r.text

    def test_someone_else_closing_an_ask_is_refused_on_its_page(
        self, db: Session, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        org = world.org()
        ask = make_ask(world.person(org, "Ada"))
        r = post(signed_in(world.person(org, "Grace")), f"/asks/{ask.id}/close", {"outcome": "fulfilled"})
        assert r.status_code == 403
        assert "Only the person who asked can close it." in r.text and 'id="the-ask"' in r.text
        assert db.scalar(select(Ask.status).where(Ask.id == ask.id)) == AskStatus.OPEN.value

    def test_finishing_without_any_help_points_to_closing(
        self, world: World, signed_in: SignIn, make_ask: Ask_
    ) -> None:
        me = world.person(world.org())
        ask = make_ask(me)
        r = post(signed_in(me), f"/asks/{ask.id}/finish")
        assert r.status_code == 409
        assert "close the ask and say how it went instead" in r.text.replace("&#39;", "'")
