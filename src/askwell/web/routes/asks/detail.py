"""One ask's page, and what its author does there: publish, extend, close, finish, withdraw.

The page draws exactly the buttons ``asks.actions`` allows this viewer, the rule the service checks;
a refused form comes back on this page with the reason beside it (``web.form_action``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from askwell.asks import repository, rules, service
from askwell.asks.actions import (
    AskAction,
    OfferAction,
    ask_actions,
    ask_facts,
    offer_actions,
    require_ask_action,
)
from askwell.asks.models import AskStatus, OfferKind, OfferStatus, Visibility
from askwell.asks.schemas import NOTE_MAX, AskClose, AskExtend, AskFinish
from askwell.core.errors import InvalidInput
from askwell.http.deps import Db, Now, PageActor, PagePerson
from askwell.http.params import AskId
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.web.form_action import Refusal, form_action
from askwell.web.forms import form_cap
from askwell.web.routes.asks.common import (
    coach_values,
    due_text,
    judge_of,
    my_teams,
    parse_date,
    people_named,
)
from askwell.web.templating import redirect, render

router = APIRouter()

Note = Annotated[str, Form(max_length=form_cap(NOTE_MAX))]
OUTCOME_CHOICES = (
    ("fulfilled", "Fulfilled: I got what I needed"),
    ("partly_fulfilled", "Partly fulfilled"),
    ("unfulfilled", "Unfulfilled"),
)
OFFER_KINDS = (
    (OfferKind.DO.value, "I'll do it"),
    (OfferKind.ADVISE.value, "I can advise"),
    (OfferKind.RESOURCE.value, "I'll share a resource"),
    (OfferKind.INTRODUCE.value, "I'll introduce someone"),
)
# How an offer reads after the helper's name ("Grace Hopper offers advice"): the form's first-person
# labels cannot be reused there, and lower-casing them gave "i can advise".
OFFER_KIND_PHRASES = {
    OfferKind.DO.value: "offers to do it",
    OfferKind.ADVISE.value: "offers advice",
    OfferKind.RESOURCE.value: "offers a resource",
    OfferKind.INTRODUCE.value: "offers an introduction",
}
# The forms the page draws, by the action that draws them; a refusal of any other form is shown at the top.
_FORMS = {
    "offer": AskAction.OFFER,
    "close": AskAction.CLOSE,
    "extend": AskAction.EXTEND,
    "publish": AskAction.PUBLISH,
    "finish": AskAction.FINISH,
}


def ask_page(
    request: Request,
    db: Session,
    actor: Actor,
    person: Person,
    now: datetime,
    ask_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    form: str = "",
    status: int = 200,
    concerns: list[str] | None = None,
) -> Response:
    ask = repository.get_ask(db, actor=actor, ask_id=ask_id)
    facts = ask_facts(ask)
    actions = ask_actions(facts, viewer_id=actor.person_id)
    on_offers = {o.id: offer_actions(facts, o, viewer_id=actor.person_id) for o in facts.offers}
    is_author = ask.author_id == actor.person_id
    names = {
        p.id: p.name
        for p in people_named(db, actor, sorted({o.introduce_id for o in ask.offers if o.introduce_id}))
    }
    coaching = None
    if is_author:
        coaching = coach_values(
            {
                "title": ask.title,
                "body": ask.body,
                "what": ask.what,
                "why": ask.why,
                "action": ask.action,
                "effort_hours": "" if ask.effort_hours is None else str(ask.effort_hours),
                "own_guess": "" if ask.own_guess is None else str(ask.own_guess),
            },
            person,
            now,
            judge=judge_of(request),
            due=ask.due_at,
        )
    team_name = ""
    if ask.team_id is not None and ask.visibility == Visibility.TEAM.value:
        team_name = next((name for tid, name in my_teams(db, actor) if tid == ask.team_id), "")
    offer_statuses = [o.status for o in ask.offers]
    unthanked = [o for o in ask.offers if OfferAction.THANK in on_offers[o.id]]
    drawn = {name for name, action in _FORMS.items() if action in actions}
    drawn |= {f"offer-{o.id}" for o in ask.offers} | {f"thanks-{o.id}" for o in unthanked}
    audience = {p.id: p.name for p in people_named(db, actor, sorted(a.person_id for a in ask.audience))}
    return render(
        request,
        "asks/detail.html",
        {
            "ask": ask,
            "is_author": is_author,
            "actions": {a.value for a in actions},
            "offer_actions": {oid: {a.value for a in acts} for oid, acts in on_offers.items()},
            "unthanked": unthanked,
            "top_error": form not in drawn,
            "names": names,
            "audience": audience if is_author else {},
            "team_name": team_name,
            "coaching": coaching,
            "due": due_text(ask, person, now) if ask.due_at else None,
            # Help arrived and nothing accepted is under way: the page is about finishing, not finding help.
            "help_received": AskStatus(ask.status) in rules.ACTIVE and rules.help_received(offer_statuses),
            "default_outcome": rules.default_outcome(offer_statuses),
            "helpers_to_thank": [
                o.helper.name
                for o in ask.offers
                if o.status == OfferStatus.ACCEPTED.value
                or (o.status == OfferStatus.DONE.value and not o.thanks)
            ],
            "concerns": concerns or [],
            "offer_kinds": OFFER_KINDS,
            "kind_phrases": OFFER_KIND_PHRASES,
            "outcomes": OUTCOME_CHOICES,
            "errors": errors or {},
            "values": values or {},
            "form": form,
        },
        status_code=status,
    )


@dataclass(frozen=True)
class AskPage:
    """What every form on an ask's page needs to act and, refused, to draw the page again."""

    request: Request
    db: Session
    actor: Actor
    person: Person
    now: datetime

    def show(self, ask_id: int, **kwargs: Any) -> Response:
        return ask_page(self.request, self.db, self.actor, self.person, self.now, ask_id, **kwargs)

    def submit(
        self,
        act: Callable[[], Response],
        *,
        ask_id: int,
        form: str,
        values: dict[str, Any] | None = None,
        not_found: dict[str, str] | None = None,
    ) -> Response:
        """Run the form's action; refused, the ask's page again with the reason beside ``form``."""

        def again(refusal: Refusal) -> Response:
            return self.show(ask_id, errors=refusal.errors, values=values, form=form, status=refusal.status)

        return form_action(self.db, act, again=again, not_found=not_found)


def _ask_page_parts(request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now) -> AskPage:
    return AskPage(request, db, actor, person, now)


Page = Annotated[AskPage, Depends(_ask_page_parts)]


@router.get("/asks/{ask_id}")
def view_ask(page: Page, ask_id: AskId) -> Response:
    return page.show(ask_id)


@router.post("/asks/{ask_id}/close")
def close_ask(
    page: Page, ask_id: AskId, outcome: Annotated[str, Form(max_length=30)] = "", note: Note = ""
) -> Response:
    def act() -> Response:
        if outcome not in rules.OUTCOMES:
            raise InvalidInput(
                "Choose how it went.",
                fields={"outcome": "Choose how it went: your helpers and your own history learn from it."},
            )
        data = AskClose(outcome=AskStatus(outcome), note=note)
        ask = service.close_ask(page.db, actor=page.actor, ask_id=ask_id, data=data, now=page.now)
        unthanked = [o.helper.name for o in ask.offers if o.status == OfferStatus.DONE.value and not o.thanks]
        message = "Ask closed."
        if unthanked:
            message += f" Say thank you to {', '.join(unthanked)}: it takes a minute and it matters."
        return redirect(f"/asks/{ask_id}", message)

    return page.submit(act, ask_id=ask_id, form="close", values={"outcome": outcome, "note": note})


@router.post("/asks/{ask_id}/finish")
def finish_ask(page: Page, ask_id: AskId, note: Note = "") -> Response:
    """ "I got what I needed": the helpers are thanked and the ask closes as fulfilled, in one step."""

    def act() -> Response:
        data = AskFinish(note=note)
        ask = service.finish_ask(page.db, actor=page.actor, ask_id=ask_id, data=data, now=page.now)
        thanked = [o.helper.name for o in ask.offers if o.thanks]
        message = "Closed as fulfilled."
        if thanked:
            message += f" Your thanks went to {', '.join(thanked)}."
        return redirect(f"/asks/{ask_id}", message)

    return page.submit(act, ask_id=ask_id, form="finish", values={"note": note})


@router.post("/asks/{ask_id}/withdraw")
def withdraw_ask(page: Page, ask_id: AskId) -> Response:
    def act() -> Response:
        service.withdraw_ask(page.db, actor=page.actor, ask_id=ask_id, now=page.now)
        return redirect(f"/asks/{ask_id}", "Ask withdrawn.")

    return page.submit(act, ask_id=ask_id, form="withdraw")


@router.post("/asks/{ask_id}/extend")
def extend_ask(page: Page, ask_id: AskId, due: Annotated[str, Form(max_length=20)] = "") -> Response:
    def act() -> Response:
        errors: dict[str, str] = {}
        day = parse_date(due, errors)
        if day is None:
            raise InvalidInput(
                errors.get("due", "Choose the new due date."), fields={"due": "Choose a date in the future."}
            )
        service.extend_ask(page.db, actor=page.actor, ask_id=ask_id, data=AskExtend(due=day), now=page.now)
        return redirect(f"/asks/{ask_id}", "New due date saved.")

    return page.submit(act, ask_id=ask_id, form="extend", values={"due": due})


@router.post("/asks/{ask_id}/publish")
def publish_ask(page: Page, ask_id: AskId, post_anyway: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Post a draft; a thin one asks "Post anyway?" first, as the new-ask form does."""

    def act() -> Response:
        ask = repository.get_ask(page.db, actor=page.actor, ask_id=ask_id)
        require_ask_action(ask_facts(ask), AskAction.PUBLISH, viewer_id=page.actor.person_id)
        text = " ".join((ask.body, ask.what, ask.why, ask.action))
        concerns = rules.publish_concerns(body=text, score=ask.coaching_score)
        if concerns and post_anyway != "yes":
            return page.show(ask_id, form="publish", concerns=concerns)
        service.publish_ask(page.db, actor=page.actor, ask_id=ask_id, now=page.now)
        return redirect(f"/asks/{ask_id}", "Your ask is open.")

    return page.submit(act, ask_id=ask_id, form="publish")
