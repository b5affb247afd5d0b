"""Who may do what with an ask and its offers: one rule for the page's buttons and the service's checks.

Each action has one *refusal* function that returns the domain error the service raises, or None when
the action is allowed. ``ask_actions`` and ``offer_actions`` (what a page draws) and ``require_*``
(what a service checks) are both read from it, so a page can never offer a button the service refuses,
nor hide one it would allow. Pure: plain facts in, no session.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from askwell.asks import rules
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
from askwell.asks.models import Ask, AskStatus, Offer, OfferStatus
from askwell.core.errors import AskwellError


class AskAction(StrEnum):
    OFFER = "offer"
    EDIT = "edit"
    PUBLISH = "publish"
    EXTEND = "extend"
    CLOSE = "close"
    FINISH = "finish"
    WITHDRAW = "withdraw"
    ASK_DIRECTLY = "ask_directly"


class OfferAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    DONE = "done"
    THANK = "thank"


@dataclass(frozen=True)
class OfferFacts:
    id: int
    helper_id: int
    status: str
    thanked: bool = False


@dataclass(frozen=True)
class AskFacts:
    """What the rules depend on, without the database."""

    author_id: int
    status: str
    offers: tuple[OfferFacts, ...] = ()


def offer_facts(offer: Offer) -> OfferFacts:
    return OfferFacts(id=offer.id, helper_id=offer.helper_id, status=offer.status, thanked=bool(offer.thanks))


def ask_facts(ask: Ask) -> AskFacts:
    """The facts of a loaded ask (its offers and their thanks loaded, as ``repository.get_ask`` does)."""
    return AskFacts(
        author_id=ask.author_id, status=ask.status, offers=tuple(offer_facts(o) for o in ask.offers)
    )


_OPEN_OFFER = frozenset({OfferStatus.PROPOSED.value, OfferStatus.ACCEPTED.value})
_HELPED = frozenset({OfferStatus.ACCEPTED.value, OfferStatus.DONE.value})
# The words after "Only the person who asked can …" in each author-only action's refusal.
_AUTHOR_ONLY: dict[AskAction, str] = {
    AskAction.EDIT: "edit it",
    AskAction.PUBLISH: "publish it",
    AskAction.EXTEND: "extend it",
    AskAction.CLOSE: "close it",
    AskAction.FINISH: "close it",
    AskAction.WITHDRAW: "withdraw it",
    AskAction.ASK_DIRECTLY: "ask someone directly",
}


def ask_refusal(ask: AskFacts, action: AskAction, *, viewer_id: int) -> AskwellError | None:
    """Why ``viewer_id`` may not take ``action`` on ``ask`` now, as the error the service raises."""
    status = AskStatus(ask.status)
    if action == AskAction.OFFER:
        if viewer_id == ask.author_id:
            return OwnAsk()
        if not rules.accepts_offers(status):
            return AskClosed()
        if any(o.helper_id == viewer_id and o.status in _OPEN_OFFER for o in ask.offers):
            return AlreadyOffered()
        return None
    if viewer_id != ask.author_id:
        return NotYourAsk(_AUTHOR_ONLY[action])
    if action == AskAction.EDIT:
        return AskClosed() if status in rules.CLOSED else None
    if action == AskAction.PUBLISH:
        # Only a draft is published: "open" from in progress or expired is the extend step's business.
        return None if status == AskStatus.DRAFT else TransitionNotAllowed(status, AskStatus.OPEN)
    if action == AskAction.EXTEND:
        movable = status in rules.ACTIVE or status == AskStatus.EXPIRED
        return None if movable else TransitionNotAllowed(status, AskStatus.OPEN)
    if action == AskAction.WITHDRAW:
        return _transition_refusal(status, AskStatus.WITHDRAWN)
    if action == AskAction.ASK_DIRECTLY:
        return None if rules.accepts_offers(status) else AskClosed()
    refusal = _transition_refusal(status, AskStatus.FULFILLED)  # CLOSE and FINISH
    if refusal is None and action == AskAction.FINISH and not any(o.status in _HELPED for o in ask.offers):
        # "I got what I needed" thanks the helpers; with nobody's help, closing says how it went.
        return NothingToFinish()
    return refusal


def _transition_refusal(status: AskStatus, target: AskStatus) -> AskwellError | None:
    return None if rules.can_transition(status, target) else TransitionNotAllowed(status, target)


def offer_refusal(
    ask: AskFacts, offer: OfferFacts, action: OfferAction, *, viewer_id: int
) -> AskwellError | None:
    """Why ``viewer_id`` may not take ``action`` on ``offer`` now, as the error the service raises."""
    is_author = viewer_id == ask.author_id
    if action == OfferAction.WITHDRAW:
        if viewer_id != offer.helper_id:
            return NotYourOffer("withdraw it")
        return _offer_transition_refusal(offer, OfferStatus.WITHDRAWN)
    if action == OfferAction.DONE:
        # The helper marks the help given, or the asker confirms they received it.
        if viewer_id not in (offer.helper_id, ask.author_id):
            return NotYourOffer("mark it done")
        return _offer_transition_refusal(offer, OfferStatus.DONE)
    if not is_author:
        return NotYourAsk("respond to offers")
    if action == OfferAction.ACCEPT:
        if not rules.accepts_offers(ask.status):
            return AskClosed()
        return _offer_transition_refusal(offer, OfferStatus.ACCEPTED)
    if action == OfferAction.DECLINE:
        return _offer_transition_refusal(offer, OfferStatus.DECLINED)
    if offer.thanked:  # THANK
        return AlreadyThanked()
    return None if offer.status == OfferStatus.DONE.value else NothingToThankYet()


def _offer_transition_refusal(offer: OfferFacts, target: OfferStatus) -> AskwellError | None:
    if rules.can_offer_transition(offer.status, target):
        return None
    return OfferTransitionNotAllowed(offer.status, target)


def ask_actions(ask: AskFacts, *, viewer_id: int) -> frozenset[AskAction]:
    """What the page offers this viewer on this ask: exactly the actions the service allows."""
    return frozenset(a for a in AskAction if ask_refusal(ask, a, viewer_id=viewer_id) is None)


def offer_actions(ask: AskFacts, offer: OfferFacts, *, viewer_id: int) -> frozenset[OfferAction]:
    return frozenset(a for a in OfferAction if offer_refusal(ask, offer, a, viewer_id=viewer_id) is None)


def require_ask_action(ask: AskFacts, action: AskAction, *, viewer_id: int) -> None:
    refusal = ask_refusal(ask, action, viewer_id=viewer_id)
    if refusal is not None:
        raise refusal


def require_offer_action(ask: AskFacts, offer: OfferFacts, action: OfferAction, *, viewer_id: int) -> None:
    refusal = offer_refusal(ask, offer, action, viewer_id=viewer_id)
    if refusal is not None:
        raise refusal
