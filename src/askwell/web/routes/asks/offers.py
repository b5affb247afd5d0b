"""Offers on an ask: offering help; the asker accepts, declines and thanks; the helper marks done or withdraws."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from askwell.asks import repository, service
from askwell.asks.schemas import OFFER_MESSAGE_MAX, THANKS_MAX, OfferCreate, ThanksCreate
from askwell.http.params import AskId, OfferId
from askwell.web.forms import blank_to_none, form_cap
from askwell.web.routes.asks.detail import AskPage, Page
from askwell.web.templating import redirect

router = APIRouter()

Message = Annotated[str, Form(max_length=form_cap(OFFER_MESSAGE_MAX))]
Thanks = Annotated[str, Form(max_length=form_cap(THANKS_MAX))]


@router.post("/asks/{ask_id}/offers")
def offer_help(
    page: Page,
    ask_id: AskId,
    kind: Annotated[str, Form(max_length=20)] = "",
    message: Message = "",
    hours: Annotated[str, Form(max_length=20)] = "",
    introduce_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    values = {"kind": kind, "message": message, "hours": hours, "introduce_id": introduce_id}

    def act() -> Response:
        fields = {
            "kind": kind,
            "message": message,
            "hours": hours.strip(),
            "introduce_id": introduce_id.strip(),
        }
        data = OfferCreate(**blank_to_none(fields, ("hours", "introduce_id")))
        service.offer_help(page.db, actor=page.actor, ask_id=ask_id, data=data, now=page.now)
        return redirect(f"/asks/{ask_id}", "Thank you for offering. They will hear from Askwell now.")

    not_found = {"introduce_id": "Choose someone from your organization."}
    return page.submit(act, ask_id=ask_id, form="offer", values=values, not_found=not_found)


# Each step in an offer's life after it is made: the use case, and what the page says once it is done.
_STEPS = {
    "accept": (service.accept_offer, "Offer accepted. They have been told."),
    "decline": (service.decline_offer, "Offer declined, kindly."),
    "withdraw": (service.withdraw_offer, "Your offer is withdrawn."),
    "done": (service.complete_offer, "Marked done. Thank you for helping."),
}


def _offer_step(step: str) -> Callable[[AskPage, int], Response]:
    """The route of one step; refused, the ask's page shows why beside that offer."""
    use_case, message = _STEPS[step]

    def endpoint(page: Page, offer_id: OfferId) -> Response:
        _offer, ask = repository.get_offer(page.db, actor=page.actor, offer_id=offer_id)

        def act() -> Response:
            use_case(page.db, actor=page.actor, offer_id=offer_id, now=page.now)
            return redirect(f"/asks/{ask.id}", message)

        return page.submit(act, ask_id=ask.id, form=f"offer-{offer_id}")

    endpoint.__name__ = f"{step}_offer"
    return endpoint


for _step in _STEPS:
    router.post(f"/offers/{{offer_id}}/{_step}")(_offer_step(_step))


@router.post("/offers/{offer_id}/thanks")
def thank(page: Page, offer_id: OfferId, note: Thanks = "") -> Response:
    _offer, ask = repository.get_offer(page.db, actor=page.actor, offer_id=offer_id)

    def act() -> Response:
        data = ThanksCreate(note=note)
        service.thank(page.db, actor=page.actor, offer_id=offer_id, data=data, now=page.now)
        return redirect(f"/asks/{ask.id}", "Thanks sent.")

    return page.submit(act, ask_id=ask.id, form=f"thanks-{offer_id}", values={"note": note})
