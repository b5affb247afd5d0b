"""Network pages: my network (a picture and lists), dormant ties, introductions, and network health."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from askwell.core.errors import InvalidInput
from askwell.http.context import AppContext
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.http.params import AskId, IntroId, PersonId, parse_id
from askwell.matching import service as matching
from askwell.network import dormant, intros, overview, picture, service
from askwell.network.actions import IntroAction, IntroFacts, intro_actions
from askwell.network.errors import HealthGroupTooSmall
from askwell.network.schemas import (
    NOTE_MAX,
    QUERY_MAX,
    ConnectorAnswer,
    IntroRequest,
    IntroRole,
    ReconnectRequest,
    TargetAnswer,
)
from askwell.people.policy import Actor
from askwell.web.form_action import Refusal, form_action
from askwell.web.forms import form_cap
from askwell.web.templating import is_partial, redirect, render

router = APIRouter()

Months = Annotated[int, Query(ge=1, le=120)]
DEFAULT_MONTHS = 12
Text = Annotated[str, Form(max_length=form_cap(NOTE_MAX))]


def _network_page(
    request: Request,
    db: Db,
    actor: Actor,
    now: datetime,
    *,
    q: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    view = overview.my_network(db, actor=actor, now=now)
    routes = []
    if q.strip():
        routes = [intros.connector_read(r) for r in intros.find_connectors(db, actor=actor, now=now, query=q)]
    return render(
        request,
        "network/index.html",
        {
            "view": view,
            # The strength of each tie in the picture and the lists, told from its evidence.
            "tie_words": picture.words_for([*view.inner, *view.dormant], now=now),
            "q": q,
            "routes": routes,
            "errors": errors or {},
            "values": values or {},
            "ask_id": None,
        },
        status_code=status,
    )


@router.get("/network")
def my_network(
    request: Request, db: Db, actor: PageActor, now: Now, q: Annotated[str, Query(max_length=QUERY_MAX)] = ""
) -> Response:
    return _network_page(request, db, actor, now, q=q)


def _ask_routes(db: Db, actor: Actor, now: datetime, ctx: AppContext, ask_id: int) -> list[dict[str, Any]]:
    """The ask's introductions from the same ranking as its "Who can help" panel (one source of truth)."""
    found = matching.introductions(
        db, actor=actor, ask_id=ask_id, now=now, encode=matching.encoder(ctx.edges)
    )
    return [{"connector": s.connector, "target": s.person, "matched": s.terms} for s in found]


def _connectors_page(
    request: Request,
    db: Db,
    actor: Actor,
    now: datetime,
    ctx: AppContext,
    ask_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "routes": _ask_routes(db, actor, now, ctx, ask_id),
        "ask_id": ask_id,
        "q": "",
        "errors": errors or {},
        "values": values or {},
    }
    template = "network/_connectors.html" if is_partial(request) else "network/connectors.html"
    return render(request, template, context, status_code=status)


@router.get("/asks/{ask_id}/connectors")
def ask_connectors(request: Request, db: Db, actor: PageActor, now: Now, ctx: Ctx, ask_id: AskId) -> Response:
    """The partial an ask page loads: who could introduce you to whom, each with a request form."""
    return _connectors_page(request, db, actor, now, ctx, ask_id)


@router.post("/network/intros")
def request_intro(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    ctx: Ctx,
    connector_id: Annotated[str, Form(max_length=12)] = "",
    target_id: Annotated[str, Form(max_length=12)] = "",
    ask_id: Annotated[str, Form(max_length=12)] = "",
    query: Annotated[str, Form(max_length=form_cap(QUERY_MAX))] = "",
    message: Text = "",
) -> Response:
    """Ask exactly this connector to introduce you to exactly this person; both are checked by the service."""
    values = {
        "connector_id": connector_id,
        "target_id": target_id,
        "ask_id": ask_id,
        "query": query,
        "message": message,
    }

    def act() -> Response:
        if target_id.strip() and parse_id(target_id) is None:
            # Never fall back to "their best match": the asker chose a person, or nobody is asked.
            raise InvalidInput("Choose whom you would like to meet.", fields={"target_id": "Not a person."})
        data = IntroRequest(
            connector_id=parse_id(connector_id) or 0,
            target_id=parse_id(target_id),
            ask_id=parse_id(ask_id),
            query=query,
            message=message,
        )
        intro = intros.request_intro(db, actor=actor, data=data, now=now)
        return redirect(f"/network/intros/{intro.id}", "Request sent. You will hear when they answer.")

    def again(refusal: Refusal) -> Response:
        errors = refusal.errors
        if errors.get("target_id") and "__all__" not in errors:
            errors = {**errors, "__all__": errors["target_id"]}
        if data_ask := parse_id(ask_id):
            return _connectors_page(
                request, db, actor, now, ctx, data_ask, errors=errors, values=values, status=refusal.status
            )
        return _network_page(
            request, db, actor, now, q=query, errors=errors, values=values, status=refusal.status
        )

    return form_action(db, act, again=again)


@router.get("/network/intros")
def intros_page(request: Request, db: Db, actor: PageActor) -> Response:
    mine = intros.my_intros(db, actor=actor)
    groups = {role: [i for i in mine if i.role == role] for role in IntroRole}
    return render(request, "network/intros.html", {"groups": groups, "roles": IntroRole})


def _intro_page(
    request: Request,
    db: Db,
    actor: Actor,
    now: datetime,
    intro_id: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    view = intros.intro(db, actor=actor, intro_id=intro_id)
    target_id = view.target.id if view.target is not None else 0
    facts = IntroFacts(view.asker.id, view.connector.id, target_id, view.status)
    # The forms drawn are the steps the service allows this person now (network/actions.py).
    actions = intro_actions(facts, viewer_id=actor.person_id)
    # A connector who suggests someone else picks from the people they know.
    known = []
    if IntroAction.ANSWER_AS_CONNECTOR in actions:
        known = [t.person for t in service.my_ties(db, actor=actor, now=now) if t.person.id != view.asker.id]
    return render(
        request,
        "network/intro.html",
        {
            "intro": view,
            "errors": errors or {},
            "known": known,
            "actions": {a.value for a in actions},
        },
        status_code=status,
    )


@router.get("/network/intros/{intro_id}")
def intro_page(request: Request, db: Db, actor: PageActor, now: Now, intro_id: IntroId) -> Response:
    return _intro_page(request, db, actor, now, intro_id)


def _on_intro_page(
    request: Request, db: Session, actor: Actor, now: datetime, intro_id: int
) -> Callable[[Refusal], Response]:
    def again(refusal: Refusal) -> Response:
        return _intro_page(request, db, actor, now, intro_id, errors=refusal.errors, status=refusal.status)

    return again


ANSWERED = "Thank you: your answer was sent."


@router.post("/network/intros/{intro_id}/connector")
def answer_as_connector(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    intro_id: IntroId,
    decision: Annotated[str, Form(max_length=20)] = "",
    note: Text = "",
    suggested_person_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    def act() -> Response:
        data = ConnectorAnswer(
            decision=decision,
            note=note,
            suggested_person_id=parse_id(suggested_person_id),
        )
        intros.answer_as_connector(db, actor=actor, intro_id=intro_id, data=data, now=now)
        return redirect(f"/network/intros/{intro_id}", ANSWERED)

    return form_action(db, act, again=_on_intro_page(request, db, actor, now, intro_id))


@router.post("/network/intros/{intro_id}/target")
def answer_as_target(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    intro_id: IntroId,
    decision: Annotated[str, Form(max_length=20)] = "",
    note: Text = "",
) -> Response:
    def act() -> Response:
        data = TargetAnswer(decision=decision, note=note)
        intros.answer_as_target(db, actor=actor, intro_id=intro_id, data=data, now=now)
        return redirect(f"/network/intros/{intro_id}", ANSWERED)

    return form_action(db, act, again=_on_intro_page(request, db, actor, now, intro_id))


@router.post("/network/intros/{intro_id}/withdraw")
def withdraw_intro(request: Request, db: Db, actor: PageActor, now: Now, intro_id: IntroId) -> Response:
    def act() -> Response:
        intros.withdraw_intro(db, actor=actor, intro_id=intro_id, now=now)
        return redirect("/network/intros", "Request withdrawn.")

    return form_action(db, act, again=_on_intro_page(request, db, actor, now, intro_id))


def _dormant_page(
    request: Request,
    db: Db,
    actor: Actor,
    now: datetime,
    months: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    found = dormant.dormant_ties(db, actor=actor, now=now, dormant_days=service.dormant_days_for(months))
    return render(
        request,
        "network/dormant.html",
        {"dormant": found, "months": months, "errors": errors or {}, "values": values or {}},
        status_code=status,
    )


@router.get("/network/dormant")
def dormant_page(
    request: Request, db: Db, actor: PageActor, now: Now, months: Months = DEFAULT_MONTHS
) -> Response:
    return _dormant_page(request, db, actor, now, months)


@router.post("/network/dormant/{person_id}/reconnect")
def reconnect(
    request: Request,
    db: Db,
    actor: PageActor,
    now: Now,
    person_id: PersonId,
    ask_id: Annotated[str, Form(max_length=12)] = "",
    message: Text = "",
) -> Response:
    def act() -> Response:
        data = ReconnectRequest(ask_id=parse_id(ask_id), message=message.strip())
        dormant.reconnect(db, actor=actor, person_id=person_id, data=data, now=now)
        return redirect("/network/dormant", "Message sent: the tie is awake again.")

    def again(refusal: Refusal) -> Response:
        typed = {"person_id": person_id, "message": message}
        return _dormant_page(
            request,
            db,
            actor,
            now,
            DEFAULT_MONTHS,
            errors=refusal.errors,
            values=typed,
            status=refusal.status,
        )

    return form_action(db, act, again=again)


@router.get("/network/health")
def health(request: Request, db: Db, actor: PageActor, now: Now) -> Response:
    """Leads reach this page from "My network"; for teams too small to show it says why, not "Not allowed"."""
    try:
        report = overview.network_health(db, actor=actor, now=now)
    except HealthGroupTooSmall as exc:
        return render(request, "network/health.html", {"health": None, "too_small": exc.message})
    return render(request, "network/health.html", {"health": report, "too_small": None})
