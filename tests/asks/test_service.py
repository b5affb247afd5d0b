"""Asks, offers and thanks on a real database: the lifecycle, the rules and what they record."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks import repository, service
from askwell.asks.errors import (
    AlreadyOffered,
    AlreadyThanked,
    AskClosed,
    AskNotFound,
    DueInPast,
    NothingToThankYet,
    NotYourAsk,
    OfferTransitionNotAllowed,
    OwnAsk,
    TransitionNotAllowed,
)
from askwell.asks.models import Ask, AskStatus, OfferKind, Visibility
from askwell.asks.schemas import (
    AskClose,
    AskCreate,
    AskExtend,
    AskFinish,
    AskWrite,
    OfferCreate,
    ThanksCreate,
)
from askwell.ledger.models import LedgerEntry
from askwell.notifications.models import Notification
from askwell.notifications.repository import unread_count
from tests.asks.conftest import GOOD_ASK
from tests.conftest import World

NewAsk = Callable[..., Ask]
OFFER = OfferCreate(kind=OfferKind.ADVISE, message="I wrote the consumer; happy to review tomorrow", hours=1)


def ledger(db: Session, ask: Ask) -> list[str]:
    return [
        e.kind
        for e in db.scalars(select(LedgerEntry).where(LedgerEntry.ask_id == ask.id).order_by(LedgerEntry.id))
    ]


def inbox_kinds(db: Session, person_id: int) -> list[str]:
    return [
        n.kind
        for n in db.scalars(
            select(Notification).where(Notification.person_id == person_id).order_by(Notification.id)
        )
    ]


class TestCreateAsk:
    def test_published_ask_is_open_coached_and_recorded(
        self, db: Session, world: World, new_ask: NewAsk
    ) -> None:
        author = world.person(world.org())
        ask = new_ask(author)
        assert ask.status == AskStatus.OPEN
        assert ask.tag_names == ["Kafka", "code review"]
        assert 0 < ask.coaching_score <= 100
        assert ledger(db, ask) == ["ask_opened"]

    def test_a_draft_is_visible_only_to_its_author(self, db: Session, world: World, new_ask: NewAsk) -> None:
        org = world.org()
        author, colleague = world.person(org), world.person(org)
        ask = new_ask(author, publish=False)
        assert ask.status == AskStatus.DRAFT
        with pytest.raises(AskNotFound):
            repository.get_ask(db, actor=world.actor(colleague), ask_id=ask.id)

    def test_a_due_date_in_the_past_is_refused(self, world: World, new_ask: NewAsk) -> None:
        author = world.person(world.org())
        with pytest.raises(DueInPast):
            new_ask(author, due=world.now - timedelta(hours=1))

    def test_a_bare_due_date_means_the_end_of_the_working_day_in_the_authors_timezone(
        self, db: Session, world: World, new_ask: NewAsk
    ) -> None:
        author = world.person(world.org())
        author.timezone = "Asia/Tokyo"
        db.flush()
        ask = new_ask(author, due=(world.now + timedelta(days=2)).date())
        assert ask.due_at is not None
        assert ask.due_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo")).hour == 17

    def test_audience_from_another_organization_does_not_exist(self, world: World, new_ask: NewAsk) -> None:
        author = world.person(world.org())
        outsider = world.person(world.org("Other"))
        from askwell.people.errors import PersonNotFound

        with pytest.raises(PersonNotFound):
            new_ask(author, visibility=Visibility.PEOPLE, audience=[outsider.id])


class TestVisibility:
    def test_a_private_ask_is_seen_by_the_people_named_and_nobody_else(
        self, db: Session, world: World, new_ask: NewAsk
    ) -> None:
        org = world.org()
        author, named, bystander = world.person(org), world.person(org), world.person(org)
        ask = new_ask(author, visibility=Visibility.PEOPLE, audience=[named.id])
        assert repository.get_ask(db, actor=world.actor(named), ask_id=ask.id).id == ask.id
        with pytest.raises(AskNotFound):
            repository.get_ask(db, actor=world.actor(bystander), ask_id=ask.id)
        assert repository.board(db, actor=world.actor(bystander), scope="all").total == 0
        assert inbox_kinds(db, named.id) == ["asked_directly"]
        assert inbox_kinds(db, bystander.id) == []

    def test_a_team_ask_is_seen_by_the_team(self, db: Session, world: World, new_ask: NewAsk) -> None:
        org = world.org()
        team = world.team(org, "Data")
        author = world.person(org, teams=["Data"])
        teammate = world.person(org, teams=["Data"])
        outsider = world.person(org)
        ask = new_ask(author, visibility=Visibility.TEAM, team_id=team.id)
        assert repository.get_ask(db, actor=world.actor(teammate), ask_id=ask.id)
        with pytest.raises(AskNotFound):
            repository.get_ask(db, actor=world.actor(outsider), ask_id=ask.id)

    def test_nobody_in_another_organization_sees_an_organization_wide_ask(
        self, db: Session, world: World, new_ask: NewAsk
    ) -> None:
        ask = new_ask(world.person(world.org()))
        stranger = world.person(world.org("Other"))
        with pytest.raises(AskNotFound):
            repository.get_ask(db, actor=world.actor(stranger), ask_id=ask.id)


class TestEdits:
    def test_an_edit_keeps_the_previous_version(self, db: Session, world: World, new_ask: NewAsk) -> None:
        author = world.person(world.org())
        ask = new_ask(author)
        data = AskWrite(**{**GOOD_ASK, "title": "Review PR #4412 retry logic by Wednesday"})
        edited = service.update_ask(db, actor=world.actor(author), ask_id=ask.id, data=data, now=world.now)
        assert edited.version == 2
        [previous] = service.history(db, actor=world.actor(author), ask_id=ask.id)
        assert previous.version == 1
        assert previous.snapshot["title"] == GOOD_ASK["title"]

    def test_someone_else_cannot_edit_or_close_my_ask(
        self, db: Session, world: World, new_ask: NewAsk
    ) -> None:
        org = world.org()
        author, other = world.person(org), world.person(org)
        ask = new_ask(author)
        with pytest.raises(NotYourAsk):
            service.update_ask(
                db, actor=world.actor(other), ask_id=ask.id, data=AskWrite(**GOOD_ASK), now=world.now
            )
        with pytest.raises(NotYourAsk):
            service.close_ask(
                db,
                actor=world.actor(other),
                ask_id=ask.id,
                data=AskClose(outcome=AskStatus.FULFILLED),
                now=world.now,
            )


class TestOffersAndThanks:
    @pytest.fixture
    def cast(self, world: World, new_ask: NewAsk):  # type: ignore[no-untyped-def]
        org = world.org()
        author, helper = world.person(org, "Asha"), world.person(org, "Bo")
        return author, helper, new_ask(author)

    def test_the_full_loop_is_recorded_in_the_ledger_and_notified(
        self, db: Session, world: World, cast
    ) -> None:  # type: ignore[no-untyped-def]
        author, helper, ask = cast
        offer = service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=OFFER, now=world.now)
        service.accept_offer(db, actor=world.actor(author), offer_id=offer.id, now=world.now)
        assert (
            repository.get_ask(db, actor=world.actor(author), ask_id=ask.id).status == AskStatus.IN_PROGRESS
        )
        service.complete_offer(db, actor=world.actor(helper), offer_id=offer.id, now=world.now)
        service.thank(
            db,
            actor=world.actor(author),
            offer_id=offer.id,
            data=ThanksCreate(note="Saved the release!"),
            now=world.now,
        )
        closed = service.close_ask(
            db,
            actor=world.actor(author),
            ask_id=ask.id,
            data=AskClose(outcome=AskStatus.FULFILLED),
            now=world.now,
        )
        assert closed.status == AskStatus.FULFILLED
        assert ledger(db, ask) == [
            "ask_opened",
            "offer_made",
            "offer_accepted",
            "help_given",
            "thanks",
            "ask_closed",
        ]
        assert inbox_kinds(db, author.id) == ["new_offer", "offer_done"]
        assert inbox_kinds(db, helper.id) == ["offer_accepted", "thanks"]
        assert unread_count(db, org_id=author.org_id, person_id=author.id) == 2

    def test_i_got_what_i_needed_records_the_same_loop_in_one_step(
        self, db: Session, world: World, cast
    ) -> None:  # type: ignore[no-untyped-def]
        author, helper, ask = cast
        offer = service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=OFFER, now=world.now)
        service.accept_offer(db, actor=world.actor(author), offer_id=offer.id, now=world.now)
        closed = service.finish_ask(
            db, actor=world.actor(author), ask_id=ask.id, data=AskFinish(note=""), now=world.now
        )
        assert closed.status == AskStatus.FULFILLED
        assert ledger(db, ask) == [
            "ask_opened",
            "offer_made",
            "offer_accepted",
            "help_given",
            "thanks",
            "ask_closed",
        ]
        given = db.scalar(select(LedgerEntry).where(LedgerEntry.kind == "help_given"))
        # The helper gave the help, whoever recorded it: balances and ties credit them.
        assert given is not None and (given.actor_id, given.subject_id) == (helper.id, author.id)
        assert given.data["recorded_by"] == "asker"
        assert [t.note for o in closed.offers for t in o.thanks] == [service.DEFAULT_THANKS]
        assert inbox_kinds(db, helper.id) == ["offer_accepted", "offer_done", "thanks"]

    def test_offering_help_on_your_own_ask_is_refused(self, db: Session, world: World, cast) -> None:  # type: ignore[no-untyped-def]
        author, _, ask = cast
        with pytest.raises(OwnAsk):
            service.offer_help(db, actor=world.actor(author), ask_id=ask.id, data=OFFER, now=world.now)

    def test_a_second_open_offer_from_the_same_person_conflicts(
        self, db: Session, world: World, cast
    ) -> None:  # type: ignore[no-untyped-def]
        _, helper, ask = cast
        service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=OFFER, now=world.now)
        with pytest.raises(AlreadyOffered):
            service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=OFFER, now=world.now)

    def test_thanking_before_anything_was_done_or_twice_conflicts(
        self, db: Session, world: World, cast
    ) -> None:  # type: ignore[no-untyped-def]
        author, helper, ask = cast
        offer = service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=OFFER, now=world.now)
        note = ThanksCreate(note="thanks!")
        with pytest.raises(NothingToThankYet):
            service.thank(db, actor=world.actor(author), offer_id=offer.id, data=note, now=world.now)
        service.accept_offer(db, actor=world.actor(author), offer_id=offer.id, now=world.now)
        service.complete_offer(db, actor=world.actor(helper), offer_id=offer.id, now=world.now)
        service.thank(db, actor=world.actor(author), offer_id=offer.id, data=note, now=world.now)
        with pytest.raises(AlreadyThanked):
            service.thank(db, actor=world.actor(author), offer_id=offer.id, data=note, now=world.now)

    def test_only_the_asker_accepts_and_a_declined_offer_cannot_be_accepted(
        self, db: Session, world: World, cast
    ) -> None:  # type: ignore[no-untyped-def]
        author, helper, ask = cast
        offer = service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=OFFER, now=world.now)
        with pytest.raises(NotYourAsk):
            service.accept_offer(db, actor=world.actor(helper), offer_id=offer.id, now=world.now)
        service.decline_offer(db, actor=world.actor(author), offer_id=offer.id, now=world.now)
        with pytest.raises(OfferTransitionNotAllowed):
            service.accept_offer(db, actor=world.actor(author), offer_id=offer.id, now=world.now)

    def test_a_closed_ask_takes_no_offers_and_no_transitions(self, db: Session, world: World, cast) -> None:  # type: ignore[no-untyped-def]
        author, helper, ask = cast
        service.withdraw_ask(db, actor=world.actor(author), ask_id=ask.id, now=world.now)
        with pytest.raises(AskClosed):
            service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=OFFER, now=world.now)
        with pytest.raises(TransitionNotAllowed):
            service.close_ask(
                db,
                actor=world.actor(author),
                ask_id=ask.id,
                data=AskClose(outcome=AskStatus.FULFILLED),
                now=world.now,
            )


class TestAskDirectly:
    def test_the_person_asked_sees_a_private_ask_and_is_told_once(
        self, db: Session, world: World, new_ask: NewAsk
    ) -> None:
        org = world.org()
        author, first, expert = world.person(org), world.person(org), world.person(org)
        ask = new_ask(author, visibility=Visibility.PEOPLE, audience=[first.id])
        service.ask_directly(db, actor=world.actor(author), ask_id=ask.id, person_id=expert.id, now=world.now)
        service.ask_directly(db, actor=world.actor(author), ask_id=ask.id, person_id=expert.id, now=world.now)
        assert repository.get_ask(db, actor=world.actor(expert), ask_id=ask.id)
        assert inbox_kinds(db, expert.id) == ["asked_directly"]


class TestExtend:
    def test_an_expired_ask_opens_again_with_a_new_due_date(
        self, db: Session, world: World, new_ask: NewAsk
    ) -> None:
        author = world.person(world.org())
        ask = new_ask(author)
        ask.status = AskStatus.EXPIRED.value
        db.flush()
        extended = service.extend_ask(
            db,
            actor=world.actor(author),
            ask_id=ask.id,
            data=AskExtend(due=world.now + timedelta(days=7)),
            now=world.now,
        )
        assert extended.status == AskStatus.OPEN


def test_board_pages_and_counts(db: Session, world: World, new_ask: NewAsk) -> None:
    org = world.org()
    author = world.person(org)
    for i in range(5):
        new_ask(author, title=f"Ask number {i} about Terraform modules")
    page = repository.board(db, actor=world.actor(world.person(org)), scope="open", limit=2, offset=2)
    assert page.total == 5
    assert [a.title for a in page.asks] == [
        "Ask number 2 about Terraform modules",
        "Ask number 1 about Terraform modules",
    ]


def test_create_request_validation() -> None:
    with pytest.raises(ValueError):
        AskCreate(title="x" * 141)
    with pytest.raises(ValueError):
        AskCreate(title="Team ask", visibility=Visibility.TEAM)
    with pytest.raises(ValueError):
        AskCreate(title="Tags", tags=[f"t{i}" for i in range(11)])


def test_the_board_runs_the_same_few_queries_for_5_or_20_asks(
    db: Session, world: World, new_ask: NewAsk, count_queries: Callable[[], object]
) -> None:
    org = world.org()
    author, reader = world.person(org), world.person(org)
    counts = []
    for n in (5, 15):
        for i in range(n):
            new_ask(author, title=f"Ask {n}-{i} about Terraform modules")
        actor = world.actor(reader)
        db.expunge_all()
        counter = count_queries()
        page = repository.board(db, actor=actor, scope="open", limit=20)
        counts.append(counter.count)  # type: ignore[attr-defined]
        assert page.asks
    assert counts[0] == counts[1]
    assert counts[1] <= 5
