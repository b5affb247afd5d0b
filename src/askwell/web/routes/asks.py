"""Ask pages: the board, writing an ask with live coaching, the ask with its offers and thanks, edits, history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from askwell.asks import repository, rules, service
from askwell.asks.coaching.judge import Judge
from askwell.asks.due_text import DueText, describe_due
from askwell.asks.errors import NotYourAsk
from askwell.asks.models import Ask, AskStatus, Offer, OfferKind, OfferStatus, Visibility
from askwell.asks.schemas import (
    MAX_AUDIENCE,
    AskClose,
    AskCreate,
    AskExtend,
    AskFinish,
    AskWrite,
    CoachingRead,
    CoachRequest,
    OfferCreate,
    ThanksCreate,
    coaching_read,
)
from askwell.core.errors import Conflict, InvalidInput, NotFound
from askwell.core.localtime import local_time
from askwell.http.deps import Db, Now, PageActor, PagePerson
from askwell.http.params import AskId, OfferId, parse_id
from askwell.matching.judge import coaching_judge
from askwell.people import repository as people_repo
from askwell.people.errors import PersonNotFound
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.web.forms import blank_to_none, field_errors, field_label, human_message, split_list
from askwell.web.templating import is_partial, redirect, render

router = APIRouter()

PAGE_SIZE = 20
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=5000)]
TABS = (("open", "Open"), ("mine", "Mine"), ("team", "My team"), ("offered", "I offered"))
OUTCOMES = (
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


def _parse_date(raw: str, errors: dict[str, str], name: str = "due") -> date | None:
    """Dates arrive as YYYY-MM-DD from the date input; a bare date means the end of that working day."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = human_message({"type": "date_parsing"}, label=field_label(name))
        return None


# --- the board -------------------------------------------------------------------------------------


def _board_url(scope: str, q: str, tag: str, page: int = 1) -> str:
    params = {k: v for k, v in {"scope": "" if scope == "open" else scope, "q": q, "tag": tag}.items() if v}
    if page > 1:
        params["page"] = str(page)
    return "/asks" + (f"?{urlencode(params)}" if params else "")


@router.get("/asks")
def board(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    scope: Annotated[str, Query(pattern="^(open|mine|team|offered)$")] = "open",
    q: Annotated[str, Query(max_length=200)] = "",
    tag: Annotated[str, Query(max_length=60)] = "",
    page: Annotated[int, Query(ge=1, le=50_000)] = 1,
) -> Response:
    result = repository.board(
        db,
        actor=actor,
        scope=scope,
        query=q,
        tag=tag,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        now=now,
    )
    pages = max(1, -(-result.total // PAGE_SIZE))
    context: dict[str, Any] = {
        "asks": result.asks,
        "offer_counts": result.offer_counts,
        "due": {a.id: _due(a, person, now) for a in result.asks if a.due_at is not None},
        "total": result.total,
        "page": page,
        "pages": pages,
        "scope": scope,
        "q": q,
        "tag": tag,
        "tabs": [(key, label, _board_url(key, q, tag)) for key, label in TABS],
        "prev_url": _board_url(scope, q, tag, page - 1) if page > 1 else None,
        "next_url": _board_url(scope, q, tag, page + 1) if page < pages else None,
    }
    template = "asks/_board.html" if is_partial(request) else "asks/board.html"
    response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response


def _due(ask: Ask, viewer: Person, now: datetime) -> DueText:
    """The due moment as this viewer reads it (see ``asks.due_text``); every ask page uses this."""
    assert ask.due_at is not None
    return describe_due(
        ask.due_at,
        viewer_tz=viewer.timezone,
        author_tz=ask.author.timezone,
        author_name=ask.author.name,
        viewer_is_author=ask.author_id == viewer.id,
        now=now,
        overdue=rules.is_overdue(ask.status, ask.due_at, now=now),
    )


# --- writing an ask: the form, live coaching, the people picker --------------------------------------

NEW_FORM = "new"


def _kept(url: str, flash: str, form_key: str) -> Response:
    """The redirect after a form was saved; ``kept`` tells the page to forget the browser's copy of it."""
    return RedirectResponse(f"{url}?{urlencode({'flash': flash, 'kept': form_key})}", status_code=303)


def _my_teams(db: Db, actor: Actor) -> list[tuple[int, str]]:
    teams = people_repo.teams_by_name(db, org_id=actor.org_id).values()
    return sorted(((t.id, t.name) for t in teams if t.id in actor.teams), key=lambda t: t[1].casefold())


def _people_named(db: Db, actor: Actor, ids: list[int]) -> list[Person]:
    """The chosen people of a private ask, for showing them again; unknown ids are simply left out."""
    people = []
    for person_id in ids[:MAX_AUDIENCE]:
        person = people_repo.person_in_org(db, org_id=actor.org_id, person_id=person_id)
        if person is not None:
            people.append(person)
    return people


def _form_page(
    request: Request,
    db: Db,
    actor: Actor,
    *,
    values: dict[str, Any],
    errors: dict[str, str],
    coaching: CoachingRead | None,
    ask: Ask | None = None,
    status: int = 200,
    concerns: list[str] | None = None,
) -> Response:
    return render(
        request,
        "asks/edit.html" if ask is not None else "asks/new.html",
        {
            "ask": ask,
            "form_key": NEW_FORM if ask is None else f"edit-{ask.id}",
            "concerns": concerns or [],
            "values": values,
            "errors": errors,
            "coaching": coaching,
            "teams": _my_teams(db, actor),
            "chosen": _people_named(db, actor, values.get("audience", [])),
            "visibilities": [v.value for v in Visibility],
        },
        status_code=status,
    )


def _ask_values(ask: Ask, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "title": ask.title,
        "body": ask.body,
        "what": ask.what,
        "why": ask.why,
        "action": ask.action,
        "effort_hours": "" if ask.effort_hours is None else f"{ask.effort_hours:g}",
        "due": ask.due_at.astimezone(tz).date().isoformat() if ask.due_at else "",
        "tags": ", ".join(ask.tag_names),
        "visibility": ask.visibility,
        "team_id": str(ask.team_id or ""),
        "audience": [a.person_id for a in ask.audience],
        "own_guess": "" if ask.own_guess is None else str(ask.own_guess),
    }


FormFields = dict[str, Any]


def ask_form(
    title: Short = "",
    body: Long = "",
    what: Long = "",
    why: Long = "",
    action: Long = "",
    effort_hours: Annotated[str, Form(max_length=20)] = "",
    due: Annotated[str, Form(max_length=20)] = "",
    tags: Annotated[str, Form(max_length=1000)] = "",
    visibility: Annotated[str, Form(max_length=20)] = "",
    team_id: Annotated[str, Form(max_length=12)] = "",
    audience: Annotated[list[str], Form(max_length=MAX_AUDIENCE + 1)] = [],  # noqa: B006 (FastAPI copies defaults)
    own_guess: Annotated[str, Form(max_length=5)] = "",
) -> FormFields:
    """The ask form's fields as posted (new and edit share them), trimmed for re-display."""
    return {
        "title": title,
        "body": body,
        "what": what,
        "why": why,
        "action": action,
        "effort_hours": effort_hours.strip(),
        "due": due.strip(),
        "tags": tags,
        "visibility": visibility or Visibility.ORG.value,
        "team_id": team_id,
        "audience": [i for i in (parse_id(a) for a in audience) if i is not None],
        "own_guess": own_guess.strip(),
    }


def _parse_write(values: dict[str, Any], *, publish: bool | None) -> tuple[AskWrite | None, dict[str, str]]:
    """The form's values as the schema the service takes, or the messages to show beside the fields."""
    errors: dict[str, str] = {}
    due = _parse_date(values["due"], errors)
    data = blank_to_none(
        {
            **{k: values[k] for k in ("title", "body", "what", "why", "action", "visibility", "audience")},
            "effort_hours": values["effort_hours"],
            "own_guess": values["own_guess"],
            "tags": split_list(values["tags"]),
            "team_id": parse_id(values["team_id"]),
            "due": due,
        },
        ("effort_hours", "own_guess"),
    )
    try:
        parsed = AskWrite(**data) if publish is None else AskCreate(**data, publish=publish)
    except ValidationError as exc:
        errors = {**field_errors(exc), **errors}
        return None, errors
    return (None, errors) if errors else (parsed, errors)


def _judge(request: Request) -> Judge | None:
    """The coaching judge the composition root handed in, else the packaged one (None: the rules alone)."""
    return coaching_judge(request.app.state.ctx.services)


def _coach_values(
    values: dict[str, Any],
    person: Person,
    now: datetime,
    *,
    judge: Judge | None,
    due: datetime | date | None = None,
) -> CoachingRead | None:
    """The review shown beside the form; nothing when there is not enough to coach or the values are invalid."""
    if due is None:
        due = _parse_date(values.get("due", ""), {})
    try:
        data = CoachRequest(
            **blank_to_none(
                {
                    "title": values.get("title", "")[:140],
                    "text": values.get("body", "")[:5000],
                    "what": values.get("what", "")[:1000],
                    "why": values.get("why", "")[:1000],
                    "action": values.get("action", "")[:1000],
                    "effort_hours": values.get("effort_hours", ""),
                    "own_guess": values.get("own_guess", ""),
                },
                ("effort_hours", "own_guess"),
            ),
            due=due,
        )
        return coaching_read(service.coach_request(data, tz=ZoneInfo(person.timezone), now=now, judge=judge))
    except (ValidationError, InvalidInput):
        return None


@router.get("/asks/new")
def new_ask_form(request: Request, db: Db, actor: PageActor) -> Response:
    teams = _my_teams(db, actor)
    values: FormFields = {"visibility": Visibility.ORG.value, "team_id": str(teams[0][0]) if teams else ""}
    return _form_page(request, db, actor, values=values, errors={}, coaching=None)


@router.post("/asks/new")
def create_ask(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    values: Annotated[FormFields, Depends(ask_form)],
    save: Annotated[str, Form(max_length=20)] = "publish",
) -> Response:
    """Post or save a draft. Posting goes out to everyone the ask is shared with, so it happens only on
    purpose: a form that says too little comes back with "Post anyway?" and every field as written.
    """
    data, errors = _parse_write(values, publish=save != "draft")
    coaching = _coach_values(values, person, now, judge=_judge(request))
    if data is not None and save == "publish":
        concerns = _publish_concerns(values, coaching.score if coaching else None)
        if concerns:
            return _form_page(
                request, db, actor, values=values, errors={}, coaching=coaching, concerns=concerns
            )
    if data is not None:
        try:
            ask = service.create_ask(db, actor=actor, data=data, now=now)  # type: ignore[arg-type]
        except (InvalidInput, NotFound) as exc:
            db.rollback()
            errors = _service_errors(exc)
        else:
            db.commit()
            message = "Your ask is open." if ask.status != AskStatus.DRAFT.value else "Draft saved."
            return _kept(f"/asks/{ask.id}", message, NEW_FORM)
    return _form_page(request, db, actor, values=values, errors=errors, coaching=coaching, status=422)


def _publish_concerns(values: dict[str, Any], score: int | None) -> list[str]:
    """What to ask about before posting; the SMART parts count as text as much as the body does."""
    text = " ".join(str(values.get(k) or "") for k in ("body", "what", "why", "action"))
    return rules.publish_concerns(body=text, score=score)


def _service_errors(exc: InvalidInput | NotFound) -> dict[str, str]:
    if isinstance(exc, NotFound):
        # The only lookups a valid form can miss are the team and the people it names.
        return {"__all__": "Choose a team and people from your organization.", "audience": exc.message}
    return {"__all__": exc.message, **{k: v for k, v in exc.fields.items() if v not in ("empty", "invalid")}}


@router.post("/asks/coach")
def coach(
    request: Request,
    person: PagePerson,
    now: Now,
    values: Annotated[FormFields, Depends(ask_form)],
) -> Response:
    """The coaching panel for what is in the form right now; nothing is saved.

    It answers 200 even for values it cannot coach (htmx swaps only successful answers), and says why.
    """
    problem = ""
    errors: dict[str, str] = {}
    _parse_date(values["due"], errors)
    try:
        CoachRequest(
            **blank_to_none(
                {"effort_hours": values["effort_hours"], "own_guess": values["own_guess"]},
                ("effort_hours", "own_guess"),
            )
        )
    except ValidationError as exc:
        errors.update(field_errors(exc))
    if errors:
        problem = " ".join(errors.values())  # each message names its field
    coaching = None if problem else _coach_values(values, person, now, judge=_judge(request))
    if coaching is None and not problem:
        problem = "Start writing: the review appears here as you type."
    # The panel, and (out of band) the compact summary that stays in sight on a phone.
    return render(request, "asks/_coach_live.html", {"coaching": coaching, "problem": problem})


@router.get("/asks/people")
def pick_people(
    request: Request,
    db: Db,
    actor: PageActor,
    q: Annotated[str, Query(max_length=200)] = "",
    field: Annotated[str, Query(pattern="^(audience|introduce_id)$")] = "audience",
    audience: Annotated[list[str], Query(max_length=MAX_AUDIENCE + 1)] = [],  # noqa: B006
    introduce_id: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    """People matching a name, to tick for a private ask or to choose for an introduction.

    Those already chosen come back first and checked, so a new search never drops a choice.
    """
    picked = audience if field == "audience" else [introduce_id]
    chosen = _people_named(db, actor, [i for i in (parse_id(a) for a in picked) if i is not None])
    people: list[Person] = []
    if q.strip():
        found, _ = people_repo.search_people(db, actor=actor, query=q, limit=8)
        taken = {p.id for p in chosen} | {actor.person_id}
        people = [p for p in found if p.id not in taken]
    return render(request, "asks/_people.html", {"people": people, "chosen": chosen, "field": field, "q": q})


# --- one ask ----------------------------------------------------------------------------------------


def _names(db: Db, actor: Actor, ids: set[int]) -> dict[int, str]:
    return {p.id: p.name for p in _people_named(db, actor, sorted(ids))}


def _ask_page(
    request: Request,
    db: Db,
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
    is_author = ask.author_id == actor.person_id
    mine = [o for o in ask.offers if o.helper_id == actor.person_id]
    has_open_offer = any(o.status in (OfferStatus.PROPOSED.value, OfferStatus.ACCEPTED.value) for o in mine)
    names = _names(db, actor, {o.introduce_id for o in ask.offers if o.introduce_id is not None})
    coaching = None
    if is_author:
        coaching = _coach_values(
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
            due=ask.due_at,
            judge=_judge(request),
        )
    team_name = ""
    if ask.team_id is not None and ask.visibility == Visibility.TEAM.value:
        team_name = next((name for tid, name in _my_teams(db, actor) if tid == ask.team_id), "")
    status_value = AskStatus(ask.status)
    flags = {
        "can_offer": not is_author and rules.accepts_offers(ask.status) and not has_open_offer,
        "can_close": is_author and rules.can_transition(ask.status, AskStatus.FULFILLED),
        "can_extend": is_author and status_value in (*rules.ACTIVE, AskStatus.EXPIRED),
        "can_publish": is_author and status_value == AskStatus.DRAFT,
    }
    offer_statuses = [o.status for o in ask.offers]
    # Help arrived and nothing accepted is under way: the page is about finishing, not finding help.
    help_received = status_value in rules.ACTIVE and rules.help_received(offer_statuses)
    unthanked = (
        [o for o in ask.offers if o.status == OfferStatus.DONE.value and not o.thanks] if is_author else []
    )
    # Forms drawn on the page show their own errors; any other refusal is shown at the top.
    drawn = {
        name
        for name, flag in (
            ("offer", "can_offer"),
            ("close", "can_close"),
            ("extend", "can_extend"),
            ("publish", "can_publish"),
            ("finish", "can_close"),
        )
        if flags[flag]
    }
    drawn |= {f"offer-{o.id}" for o in ask.offers} | {f"thanks-{o.id}" for o in unthanked}
    return render(
        request,
        "asks/detail.html",
        {
            "ask": ask,
            "is_author": is_author,
            **flags,
            "can_edit": is_author and status_value not in rules.CLOSED,
            "can_withdraw": is_author and rules.can_transition(ask.status, AskStatus.WITHDRAWN),
            "unthanked": unthanked,
            "top_error": form not in drawn,
            "names": names,
            "audience": _names(db, actor, {a.person_id for a in ask.audience}) if is_author else {},
            "team_name": team_name,
            "coaching": coaching,
            "due": _due(ask, person, now) if ask.due_at else None,
            "help_received": help_received,
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
            "outcomes": OUTCOMES,
            "errors": errors or {},
            "values": values or {},
            "form": form,
        },
        status_code=status,
    )


@router.get("/asks/{ask_id}")
def ask_page(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ask_id: AskId
) -> Response:
    return _ask_page(request, db, actor, person, now, ask_id)


def _in_place(
    request: Request,
    db: Db,
    actor: Actor,
    person: Person,
    now: datetime,
    ask_id: int,
    exc: InvalidInput | Conflict | ValidationError,
    *,
    form: str,
    values: dict[str, Any] | None = None,
) -> Response:
    """A refused action: nothing is kept, and the ask page shows why beside the form that was used."""
    db.rollback()
    if isinstance(exc, ValidationError):
        errors, status = field_errors(exc), 422
    else:
        fields = getattr(exc, "fields", {}) or {}
        errors, status = {"__all__": exc.message, **fields}, exc.status_code
    return _ask_page(
        request, db, actor, person, now, ask_id, errors=errors, values=values, form=form, status=status
    )


@router.post("/asks/{ask_id}/offers")
def offer_help(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    ask_id: AskId,
    kind: Annotated[str, Form(max_length=20)] = "",
    message: Annotated[str, Form(max_length=4000)] = "",
    hours: Annotated[str, Form(max_length=20)] = "",
    introduce_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    values = {"kind": kind, "message": message, "hours": hours, "introduce_id": introduce_id}
    try:
        data = OfferCreate(
            **blank_to_none(
                {
                    "kind": kind,
                    "message": message,
                    "hours": hours.strip(),
                    "introduce_id": introduce_id.strip(),
                },
                ("hours", "introduce_id"),
            )
        )
        service.offer_help(db, actor=actor, ask_id=ask_id, data=data, now=now)
    except (ValidationError, InvalidInput, Conflict) as exc:
        return _in_place(request, db, actor, person, now, ask_id, exc, form="offer", values=values)
    except PersonNotFound as exc:
        db.rollback()
        return _ask_page(
            request,
            db,
            actor,
            person,
            now,
            ask_id,
            errors={"__all__": exc.message, "introduce_id": "Choose someone from your organization."},
            values=values,
            form="offer",
            status=422,
        )
    db.commit()
    return redirect(f"/asks/{ask_id}", "Thank you for offering. They will hear from Askwell now.")


def _author_ask(db: Db, actor: Actor, ask_id: int, action: str) -> Ask:
    ask = repository.get_ask(db, actor=actor, ask_id=ask_id)
    if ask.author_id != actor.person_id:
        raise NotYourAsk(action)
    return ask


@router.post("/asks/{ask_id}/close")
def close_ask(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    ask_id: AskId,
    outcome: Annotated[str, Form(max_length=30)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    _author_ask(db, actor, ask_id, "close it")
    values = {"outcome": outcome, "note": note}
    try:
        data = AskClose(outcome=outcome or "missing", note=note)  # type: ignore[arg-type]
        ask = service.close_ask(db, actor=actor, ask_id=ask_id, data=data, now=now)
    except (ValidationError, InvalidInput, Conflict) as exc:
        if isinstance(exc, ValidationError):
            exc = InvalidInput(
                "Choose how it went.",
                fields={"outcome": "Choose how it went: your helpers and your own history learn from it."},
            )
        return _in_place(request, db, actor, person, now, ask_id, exc, form="close", values=values)
    db.commit()
    unthanked = [o.helper.name for o in ask.offers if o.status == OfferStatus.DONE.value and not o.thanks]
    message = "Ask closed."
    if unthanked:
        message += f" Say thank you to {', '.join(unthanked)}: it takes a minute and it matters."
    return redirect(f"/asks/{ask_id}", message)


@router.post("/asks/{ask_id}/finish")
def finish_ask(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    ask_id: AskId,
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """ "I got what I needed": the helpers are thanked and the ask closes as fulfilled, in one step."""
    _author_ask(db, actor, ask_id, "close it")
    try:
        ask = service.finish_ask(db, actor=actor, ask_id=ask_id, data=AskFinish(note=note), now=now)
    except (ValidationError, InvalidInput, Conflict) as exc:
        return _in_place(request, db, actor, person, now, ask_id, exc, form="finish", values={"note": note})
    db.commit()
    thanked = [o.helper.name for o in ask.offers if o.thanks]
    message = "Closed as fulfilled."
    if thanked:
        message += f" Your thanks went to {', '.join(thanked)}."
    return redirect(f"/asks/{ask_id}", message)


@router.post("/asks/{ask_id}/withdraw")
def withdraw_ask(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ask_id: AskId
) -> Response:
    _author_ask(db, actor, ask_id, "withdraw it")
    try:
        service.withdraw_ask(db, actor=actor, ask_id=ask_id, now=now)
    except Conflict as exc:
        return _in_place(request, db, actor, person, now, ask_id, exc, form="withdraw")
    db.commit()
    return redirect(f"/asks/{ask_id}", "Ask withdrawn.")


@router.post("/asks/{ask_id}/extend")
def extend_ask(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    ask_id: AskId,
    due: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    _author_ask(db, actor, ask_id, "extend it")
    values = {"due": due}
    errors: dict[str, str] = {}
    day = _parse_date(due, errors)
    try:
        if day is None:
            raise InvalidInput(
                errors.get("due", "Choose the new due date."), fields={"due": "Choose a date in the future."}
            )
        service.extend_ask(db, actor=actor, ask_id=ask_id, data=AskExtend(due=day), now=now)
    except (InvalidInput, Conflict) as exc:
        return _in_place(request, db, actor, person, now, ask_id, exc, form="extend", values=values)
    db.commit()
    return redirect(f"/asks/{ask_id}", "New due date saved.")


@router.post("/asks/{ask_id}/publish")
def publish_ask(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    ask_id: AskId,
    post_anyway: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Post a draft; a thin one asks "Post anyway?" first, as the new-ask form does."""
    ask = _author_ask(db, actor, ask_id, "publish it")
    concerns = rules.publish_concerns(
        body=" ".join((ask.body, ask.what, ask.why, ask.action)), score=ask.coaching_score
    )
    if concerns and post_anyway != "yes":
        return _ask_page(request, db, actor, person, now, ask_id, form="publish", concerns=concerns)
    try:
        service.publish_ask(db, actor=actor, ask_id=ask_id, now=now)
    except (InvalidInput, Conflict) as exc:
        return _in_place(request, db, actor, person, now, ask_id, exc, form="publish")
    db.commit()
    return redirect(f"/asks/{ask_id}", "Your ask is open.")


@router.get("/asks/{ask_id}/edit")
def edit_form(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ask_id: AskId
) -> Response:
    ask = _author_ask(db, actor, ask_id, "edit it")
    if AskStatus(ask.status) in rules.CLOSED:
        return _in_place(
            request, db, actor, person, now, ask_id, Conflict("A closed ask cannot be edited."), form="edit"
        )
    values = _ask_values(ask, ZoneInfo(person.timezone))
    coaching = _coach_values(values, person, now, judge=_judge(request))
    return _form_page(request, db, actor, values=values, errors={}, coaching=coaching, ask=ask)


@router.post("/asks/{ask_id}/edit")
def edit_ask(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    ask_id: AskId,
    values: Annotated[FormFields, Depends(ask_form)],
) -> Response:
    ask = _author_ask(db, actor, ask_id, "edit it")
    data, errors = _parse_write(values, publish=None)
    if data is not None:
        try:
            service.update_ask(db, actor=actor, ask_id=ask_id, data=data, now=now)
        except (InvalidInput, NotFound) as exc:
            db.rollback()
            errors = _service_errors(exc)
        except Conflict as exc:
            db.rollback()
            errors = {"__all__": exc.message}
        else:
            db.commit()
            return _kept(
                f"/asks/{ask_id}", "Changes saved. The earlier version is in the history.", f"edit-{ask_id}"
            )
    ask = repository.get_ask(db, actor=actor, ask_id=ask_id)
    coaching = _coach_values(values, person, now, judge=_judge(request))
    return _form_page(
        request, db, actor, values=values, errors=errors, coaching=coaching, ask=ask, status=422
    )


HISTORY_FIELDS = (
    ("title", "Title"),
    ("body", "Text"),
    ("what", "What"),
    ("why", "Why"),
    ("action", "Action"),
    ("effort_hours", "Effort (hours)"),
    ("due_at", "Due"),
    ("visibility", "Visible to"),
    ("tags", "Tags"),
)


def _current(ask: Ask) -> dict[str, Any]:
    return {
        "title": ask.title,
        "body": ask.body,
        "what": ask.what,
        "why": ask.why,
        "action": ask.action,
        "effort_hours": ask.effort_hours,
        "due_at": ask.due_at.isoformat() if ask.due_at else None,
        "visibility": ask.visibility,
        "tags": ask.tag_names,
    }


@router.get("/asks/{ask_id}/history")
def ask_history(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ask_id: AskId
) -> Response:
    """Every version, newest first; each earlier one marks what the next edit changed."""
    revisions = service.history(db, actor=actor, ask_id=ask_id)
    ask = repository.get_ask(db, actor=actor, ask_id=ask_id)

    def due_text(value: object) -> object:
        # Due moments read as everywhere else: the author's clock, and the viewer's where it differs.
        if not isinstance(value, str):
            return value
        return describe_due(
            datetime.fromisoformat(value),
            viewer_tz=person.timezone,
            author_tz=ask.author.timezone,
            author_name=ask.author.name,
            viewer_is_author=ask.author_id == person.id,
            now=now,
        ).text

    later = _current(ask)
    versions = []
    for revision in revisions:
        snapshot = {key: revision.snapshot.get(key) for key, _ in HISTORY_FIELDS}
        changed = {key for key, _ in HISTORY_FIELDS if snapshot[key] != later.get(key)}
        versions.append(
            {
                "version": revision.version,
                "edited_at": local_time(
                    revision.edited_at, person.timezone, fmt="%-d %B %Y, %H:%M", label=True
                ),
                "fields": {**snapshot, "due_at": due_text(snapshot["due_at"])},
                "changed": changed,
            }
        )
        later = snapshot
    current = _current(ask)
    return render(
        request,
        "asks/history.html",
        {
            "ask": ask,
            "current": {**current, "due_at": due_text(current["due_at"])},
            "versions": versions,
            "labels": HISTORY_FIELDS,
        },
    )


# --- offers: the asker accepts, declines and thanks; the helper marks done or withdraws ---------------


def _offer_ask(db: Db, actor: Actor, offer_id: int) -> tuple[Offer, Ask]:
    return repository.get_offer(db, actor=actor, offer_id=offer_id)


def _offer_step(
    request: Request,
    db: Db,
    actor: Actor,
    person: Person,
    now: datetime,
    offer_id: int,
    action: str,
    message: str,
) -> Response:
    step = {
        "accept": service.accept_offer,
        "decline": service.decline_offer,
        "withdraw": service.withdraw_offer,
        "done": service.complete_offer,
    }[action]
    _offer, ask = _offer_ask(db, actor, offer_id)
    try:
        step(db, actor=actor, offer_id=offer_id, now=now)
    except (InvalidInput, Conflict) as exc:
        return _in_place(request, db, actor, person, now, ask.id, exc, form=f"offer-{offer_id}")
    db.commit()
    return redirect(f"/asks/{ask.id}", message)


@router.post("/offers/{offer_id}/accept")
def accept_offer(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, offer_id: OfferId
) -> Response:
    return _offer_step(
        request, db, actor, person, now, offer_id, "accept", "Offer accepted. They have been told."
    )


@router.post("/offers/{offer_id}/decline")
def decline_offer(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, offer_id: OfferId
) -> Response:
    return _offer_step(request, db, actor, person, now, offer_id, "decline", "Offer declined, kindly.")


@router.post("/offers/{offer_id}/withdraw")
def withdraw_offer(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, offer_id: OfferId
) -> Response:
    return _offer_step(request, db, actor, person, now, offer_id, "withdraw", "Your offer is withdrawn.")


@router.post("/offers/{offer_id}/done")
def complete_offer(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, offer_id: OfferId
) -> Response:
    return _offer_step(
        request, db, actor, person, now, offer_id, "done", "Marked done. Thank you for helping."
    )


@router.post("/offers/{offer_id}/thanks")
def thank(
    request: Request,
    db: Db,
    actor: PageActor,
    person: PagePerson,
    now: Now,
    offer_id: OfferId,
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    _offer, ask = _offer_ask(db, actor, offer_id)
    try:
        service.thank(db, actor=actor, offer_id=offer_id, data=ThanksCreate(note=note), now=now)
    except (ValidationError, InvalidInput, Conflict) as exc:
        return _in_place(
            request, db, actor, person, now, ask.id, exc, form=f"thanks-{offer_id}", values={"note": note}
        )
    db.commit()
    return redirect(f"/asks/{ask.id}", "Thanks sent.")
