"""The ask page draws exactly the buttons the service allows, for every role and every state of an ask.

For each state (a draft, an open ask with and without offers, help under way, done, thanked, expired,
closed, withdrawn) and each viewer (the author, the helper, someone else), the buttons on the page
must equal ``asks.actions``; then every action is tried through the service: an allowed one
succeeds, a refused one raises exactly the refusal the page would not offer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from askwell.asks import repository, service
from askwell.asks.actions import (
    AskAction,
    OfferAction,
    ask_actions,
    ask_facts,
    ask_refusal,
    offer_actions,
    offer_refusal,
)
from askwell.asks.models import Ask, AskStatus, OfferKind
from askwell.asks.schemas import (
    AskClose,
    AskCreate,
    AskExtend,
    AskFinish,
    AskWrite,
    OfferCreate,
    ThanksCreate,
)
from askwell.core.errors import AskwellError, NotFound
from askwell.people.models import Person
from tests.conftest import World

OFFER = OfferCreate(kind=OfferKind.ADVISE, message="Happy to pair on it tomorrow.")
STATES = (
    "draft",
    "open",
    "offered",
    "accepted",
    "done",
    "thanked",
    "expired",
    "fulfilled",
    "withdrawn",
)


class Cast:
    def __init__(self, world: World) -> None:
        org = world.org()
        self.author = world.person(org, "Ada")
        self.helper = world.person(org, "Grace")
        self.other = world.person(org, "Linus")
        self.bystander = world.person(org, "Barbara")


def build(db: Session, world: World, cast: Cast, state: str) -> int:
    """An ask by the author in ``state``; from "offered" on, the helper made one offer."""
    author, helper = world.actor(cast.author), world.actor(cast.helper)
    now = world.now
    data = AskCreate(
        title="Review the retry logic in PR 4412",
        body="It blocks the payments release; a second pair of eyes on the backoff maths would help.",
        due=now + timedelta(days=3),
        publish=state != "draft",
    )
    ask = service.create_ask(db, actor=author, data=data, now=now)
    steps = STATES.index(state)
    if state in ("withdrawn", "fulfilled", "expired") or steps >= STATES.index("offered"):
        offer = service.offer_help(db, actor=helper, ask_id=ask.id, data=OFFER, now=now)
        if state in ("accepted", "done", "thanked", "fulfilled"):
            service.accept_offer(db, actor=author, offer_id=offer.id, now=now)
        if state in ("done", "thanked"):
            service.complete_offer(db, actor=helper, offer_id=offer.id, now=now)
        if state == "thanked":
            service.thank(db, actor=author, offer_id=offer.id, data=ThanksCreate(note="Thank you!"), now=now)
    if state == "fulfilled":
        data_close = AskClose(outcome=AskStatus.FULFILLED)
        service.close_ask(db, actor=author, ask_id=ask.id, data=data_close, now=now)
    if state == "withdrawn":
        service.withdraw_ask(db, actor=author, ask_id=ask.id, now=now)
    if state == "expired":
        db.execute(update(Ask).where(Ask.id == ask.id).values(status=AskStatus.EXPIRED.value))
    db.commit()
    return ask.id


_ASK_FORM = re.compile(r'action="/asks/\d+/(offers|close|finish|extend|publish|withdraw)"')
_OFFER_FORM = re.compile(r'action="/offers/(\d+)/(accept|decline|withdraw|done|thanks)"')


def drawn(html: str, ask_id: int) -> tuple[set[str], dict[int, set[str]]]:
    """The actions a page offers: its forms, the Edit link, and the "Who can help" panel (ask directly)."""
    on_ask = {"offer" if m == "offers" else m for m in _ASK_FORM.findall(html)}
    if f'href="/asks/{ask_id}/edit"' in html:
        on_ask.add(AskAction.EDIT.value)
    if 'id="who-can-help"' in html:
        on_ask.add(AskAction.ASK_DIRECTLY.value)
    on_offers: dict[int, set[str]] = {}
    for offer_id, step in _OFFER_FORM.findall(html):
        on_offers.setdefault(int(offer_id), set()).add("thank" if step == "thanks" else step)
    return on_ask, on_offers


def try_ask_action(
    db: Session, world: World, cast: Cast, viewer: Person, ask_id: int, action: AskAction
) -> None:
    actor, now = world.actor(viewer), world.now
    if action == AskAction.OFFER:
        service.offer_help(db, actor=actor, ask_id=ask_id, data=OFFER, now=now)
    elif action == AskAction.EDIT:
        data = AskWrite(title="Review the retry logic in PR 4412, please", due=now + timedelta(days=4))
        service.update_ask(db, actor=actor, ask_id=ask_id, data=data, now=now)
    elif action == AskAction.PUBLISH:
        service.publish_ask(db, actor=actor, ask_id=ask_id, now=now)
    elif action == AskAction.EXTEND:
        data_extend = AskExtend(due=(now + timedelta(days=7)).date())
        service.extend_ask(db, actor=actor, ask_id=ask_id, data=data_extend, now=now)
    elif action == AskAction.CLOSE:
        data_close = AskClose(outcome=AskStatus.PARTLY_FULFILLED)
        service.close_ask(db, actor=actor, ask_id=ask_id, data=data_close, now=now)
    elif action == AskAction.FINISH:
        service.finish_ask(db, actor=actor, ask_id=ask_id, data=AskFinish(), now=now)
    elif action == AskAction.WITHDRAW:
        service.withdraw_ask(db, actor=actor, ask_id=ask_id, now=now)
    else:
        service.ask_directly(db, actor=actor, ask_id=ask_id, person_id=cast.bystander.id, now=now)


def try_offer_action(db: Session, world: World, viewer: Person, offer_id: int, action: OfferAction) -> None:
    actor, now = world.actor(viewer), world.now
    if action == OfferAction.THANK:
        service.thank(db, actor=actor, offer_id=offer_id, data=ThanksCreate(note="Thanks!"), now=now)
        return
    step: dict[OfferAction, Callable[..., object]] = {
        OfferAction.ACCEPT: service.accept_offer,
        OfferAction.DECLINE: service.decline_offer,
        OfferAction.WITHDRAW: service.withdraw_offer,
        OfferAction.DONE: service.complete_offer,
    }
    step[action](db, actor=actor, offer_id=offer_id, now=now)


def outcome(db: Session, attempt: Callable[[], None]) -> AskwellError | None:
    """What the service did with an attempt, which is then undone whatever happened."""
    savepoint = db.begin_nested()
    try:
        attempt()
    except AskwellError as exc:
        return exc
    finally:
        savepoint.rollback()
        db.expire_all()
    return None


def same(refused: AskwellError | None, expected: AskwellError | None) -> bool:
    if expected is None or refused is None:
        return refused is expected
    return type(refused) is type(expected) and refused.message == expected.message


@pytest.mark.parametrize("state", STATES)
def test_page_buttons_and_service_agree(
    state: str, db: Session, world: World, signed_in: Callable[[Person], TestClient]
) -> None:
    cast = Cast(world)
    ask_id = build(db, world, cast, state)
    for viewer in (cast.author, cast.helper, cast.other):
        page = signed_in(viewer).get(f"/asks/{ask_id}")
        if state == "draft" and viewer is not cast.author:
            # A draft is the author's alone: no page, and every action misses it as the page does.
            assert page.status_code == 404
            for action in AskAction:
                got = outcome(db, partial(try_ask_action, db, world, cast, viewer, ask_id, action))
                assert isinstance(got, NotFound), (action, got)
            continue
        html = page.text
        facts = ask_facts(repository.get_ask(db, actor=world.actor(viewer), ask_id=ask_id))
        on_ask, on_offers = drawn(html, ask_id)
        allowed = ask_actions(facts, viewer_id=viewer.id)
        assert on_ask == {a.value for a in allowed}, (state, viewer.name)
        for offer in facts.offers:
            expected = {a.value for a in offer_actions(facts, offer, viewer_id=viewer.id)}
            assert on_offers.get(offer.id, set()) == expected, (state, viewer.name, offer.status)

        for action in AskAction:
            refusal = ask_refusal(facts, action, viewer_id=viewer.id)
            got = outcome(db, partial(try_ask_action, db, world, cast, viewer, ask_id, action))
            assert same(got, refusal), (state, viewer.name, action, got, refusal)
        for offer in facts.offers:
            for step in OfferAction:
                refusal = offer_refusal(facts, offer, step, viewer_id=viewer.id)
                got = outcome(db, partial(try_offer_action, db, world, viewer, offer.id, step))
                assert same(got, refusal), (state, viewer.name, step, got, refusal)


def test_the_check_notices_a_page_that_hides_an_allowed_button() -> None:
    """The page parser is what the agreement rests on: it must see each button the page draws."""
    html = (
        '<form action="/asks/7/close"></form><a href="/asks/7/edit">Edit</a>'
        '<form action="/offers/3/thanks"></form><section id="who-can-help"></section>'
    )
    assert drawn(html, 7) == ({"close", "edit", "ask_directly"}, {3: {"thank"}})
    assert drawn("", 7) == (set(), {})
