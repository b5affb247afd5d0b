"""Who may do what with an ask and its offers, as plain facts: no database."""

from __future__ import annotations

import pytest

from askwell.asks.actions import (
    AskAction,
    AskFacts,
    OfferAction,
    OfferFacts,
    ask_actions,
    ask_refusal,
    offer_actions,
    offer_refusal,
    require_ask_action,
)
from askwell.asks.errors import (
    AlreadyOffered,
    AlreadyThanked,
    AskClosed,
    NothingToFinish,
    NothingToThankYet,
    NotYourAsk,
    NotYourOffer,
    OfferTransitionNotAllowed,
    OwnAsk,
    TransitionNotAllowed,
)
from askwell.asks.models import AskStatus, OfferStatus

AUTHOR, HELPER, OTHER = 1, 2, 3
A = AskAction
Of = OfferAction


def ask(status: AskStatus, *offers: OfferFacts) -> AskFacts:
    return AskFacts(author_id=AUTHOR, status=status.value, offers=offers)


def offer(status: OfferStatus, *, thanked: bool = False) -> OfferFacts:
    return OfferFacts(id=10, helper_id=HELPER, status=status.value, thanked=thanked)


class TestAskActions:
    def test_the_author_of_an_open_ask(self) -> None:
        assert ask_actions(ask(AskStatus.OPEN), viewer_id=AUTHOR) == {
            A.EDIT,
            A.EXTEND,
            A.CLOSE,
            A.WITHDRAW,
            A.ASK_DIRECTLY,
        }

    def test_finishing_needs_help_accepted_or_given(self) -> None:
        assert A.FINISH in ask_actions(
            ask(AskStatus.IN_PROGRESS, offer(OfferStatus.ACCEPTED)), viewer_id=AUTHOR
        )
        assert A.FINISH in ask_actions(ask(AskStatus.OPEN, offer(OfferStatus.DONE)), viewer_id=AUTHOR)
        refusal = ask_refusal(ask(AskStatus.OPEN, offer(OfferStatus.PROPOSED)), A.FINISH, viewer_id=AUTHOR)
        assert isinstance(refusal, NothingToFinish)

    def test_a_draft_is_published_edited_or_withdrawn(self) -> None:
        assert ask_actions(ask(AskStatus.DRAFT), viewer_id=AUTHOR) == {A.PUBLISH, A.EDIT, A.WITHDRAW}

    @pytest.mark.parametrize("status", [AskStatus.IN_PROGRESS, AskStatus.EXPIRED, AskStatus.FULFILLED])
    def test_only_a_draft_is_published(self, status: AskStatus) -> None:
        # The API could once "publish" an ask in progress, sending it back to open.
        assert isinstance(ask_refusal(ask(status), A.PUBLISH, viewer_id=AUTHOR), TransitionNotAllowed)

    def test_an_expired_ask_is_extended_or_closed_not_offered_on(self) -> None:
        assert ask_actions(ask(AskStatus.EXPIRED), viewer_id=AUTHOR) == {
            A.EDIT,
            A.EXTEND,
            A.CLOSE,
            A.WITHDRAW,
        }
        assert isinstance(ask_refusal(ask(AskStatus.EXPIRED), A.OFFER, viewer_id=OTHER), AskClosed)

    @pytest.mark.parametrize(
        "status",
        [AskStatus.FULFILLED, AskStatus.PARTLY_FULFILLED, AskStatus.UNFULFILLED, AskStatus.WITHDRAWN],
    )
    def test_a_closed_ask_takes_nothing(self, status: AskStatus) -> None:
        assert ask_actions(ask(status), viewer_id=AUTHOR) == frozenset()
        assert ask_actions(ask(status), viewer_id=OTHER) == frozenset()
        assert isinstance(ask_refusal(ask(status), A.EDIT, viewer_id=AUTHOR), AskClosed)

    def test_someone_else_may_only_offer(self) -> None:
        assert ask_actions(ask(AskStatus.OPEN), viewer_id=OTHER) == {A.OFFER}
        refusal = ask_refusal(ask(AskStatus.OPEN), A.CLOSE, viewer_id=OTHER)
        assert isinstance(refusal, NotYourAsk) and refusal.status_code == 403
        assert refusal.message == "Only the person who asked can close it."

    def test_one_open_offer_per_helper(self) -> None:
        assert isinstance(
            ask_refusal(ask(AskStatus.IN_PROGRESS, offer(OfferStatus.ACCEPTED)), A.OFFER, viewer_id=HELPER),
            AlreadyOffered,
        )
        # A declined helper may offer again.
        assert A.OFFER in ask_actions(ask(AskStatus.OPEN, offer(OfferStatus.DECLINED)), viewer_id=HELPER)

    def test_the_author_cannot_offer(self) -> None:
        assert isinstance(ask_refusal(ask(AskStatus.OPEN), A.OFFER, viewer_id=AUTHOR), OwnAsk)

    def test_require_raises_the_refusal(self) -> None:
        with pytest.raises(NotYourAsk):
            require_ask_action(ask(AskStatus.OPEN), A.WITHDRAW, viewer_id=OTHER)


class TestOfferActions:
    def test_a_proposed_offer(self) -> None:
        facts, o = ask(AskStatus.OPEN, offer(OfferStatus.PROPOSED)), offer(OfferStatus.PROPOSED)
        assert offer_actions(facts, o, viewer_id=AUTHOR) == {Of.ACCEPT, Of.DECLINE}
        assert offer_actions(facts, o, viewer_id=HELPER) == {Of.WITHDRAW}
        assert offer_actions(facts, o, viewer_id=OTHER) == frozenset()

    def test_on_an_expired_ask_an_offer_is_declined_not_accepted(self) -> None:
        facts, o = ask(AskStatus.EXPIRED, offer(OfferStatus.PROPOSED)), offer(OfferStatus.PROPOSED)
        assert offer_actions(facts, o, viewer_id=AUTHOR) == {Of.DECLINE}
        assert isinstance(offer_refusal(facts, o, Of.ACCEPT, viewer_id=AUTHOR), AskClosed)

    def test_accepted_help_is_marked_done_by_either_side(self) -> None:
        facts, o = ask(AskStatus.IN_PROGRESS, offer(OfferStatus.ACCEPTED)), offer(OfferStatus.ACCEPTED)
        assert offer_actions(facts, o, viewer_id=AUTHOR) == {Of.DONE}
        assert offer_actions(facts, o, viewer_id=HELPER) == {Of.DONE, Of.WITHDRAW}
        assert isinstance(offer_refusal(facts, o, Of.DONE, viewer_id=OTHER), NotYourOffer)

    def test_thanks_once_the_help_is_done(self) -> None:
        facts = ask(AskStatus.IN_PROGRESS)
        assert offer_actions(facts, offer(OfferStatus.DONE), viewer_id=AUTHOR) == {Of.THANK}
        assert isinstance(
            offer_refusal(facts, offer(OfferStatus.ACCEPTED), Of.THANK, viewer_id=AUTHOR), NothingToThankYet
        )
        assert isinstance(
            offer_refusal(facts, offer(OfferStatus.DONE, thanked=True), Of.THANK, viewer_id=AUTHOR),
            AlreadyThanked,
        )
        assert isinstance(
            offer_refusal(facts, offer(OfferStatus.DONE), Of.THANK, viewer_id=HELPER), NotYourAsk
        )

    @pytest.mark.parametrize("status", [OfferStatus.DECLINED, OfferStatus.WITHDRAWN])
    def test_a_finished_offer_takes_nothing(self, status: OfferStatus) -> None:
        facts, o = ask(AskStatus.OPEN, offer(status)), offer(status)
        assert offer_actions(facts, o, viewer_id=AUTHOR) == frozenset()
        assert offer_actions(facts, o, viewer_id=HELPER) == frozenset()
        assert isinstance(offer_refusal(facts, o, Of.WITHDRAW, viewer_id=HELPER), OfferTransitionNotAllowed)
