"""Writing an ask: the form (new and edit), live coaching while typing, and the people picker."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from askwell.asks import repository, rules, service
from askwell.asks.actions import AskAction, ask_facts, ask_refusal
from askwell.asks.models import Ask, AskStatus, Visibility
from askwell.asks.schemas import (
    BODY_MAX,
    MAX_AUDIENCE,
    PART_MAX,
    TITLE_MAX,
    AskCreate,
    AskWrite,
    CoachingRead,
    CoachRequest,
)
from askwell.core.errors import PermissionDenied
from askwell.core.localtime import zone
from askwell.http.deps import Db, Now, PageActor, PagePerson, reads_only
from askwell.http.params import AskId, parse_id
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.web.form_action import Refusal, form_action
from askwell.web.forms import TAGS_TEXT_MAX, blank_to_none, field_errors, form_cap, split_list
from askwell.web.routes.asks.common import coach_values, judge_of, my_teams, parse_date, people_named
from askwell.web.routes.asks.detail import ask_page
from askwell.web.templating import render

router = APIRouter()

NEW_FORM = "new"
Title = Annotated[str, Form(max_length=form_cap(TITLE_MAX))]
Body = Annotated[str, Form(max_length=form_cap(BODY_MAX))]
Part = Annotated[str, Form(max_length=form_cap(PART_MAX))]
Tags = Annotated[str, Form(max_length=form_cap(TAGS_TEXT_MAX))]
FormFields = dict[str, Any]


def ask_form(
    title: Title = "",
    body: Body = "",
    what: Part = "",
    why: Part = "",
    action: Part = "",
    effort_hours: Annotated[str, Form(max_length=20)] = "",
    due: Annotated[str, Form(max_length=20)] = "",
    tags: Tags = "",
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


def _form_page(
    request: Request,
    db: Session,
    actor: Actor,
    *,
    values: FormFields,
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
            "teams": my_teams(db, actor),
            "chosen": people_named(db, actor, values.get("audience", [])),
            "visibilities": [v.value for v in Visibility],
        },
        status_code=status,
    )


def _kept(url: str, flash: str, form_key: str) -> Response:
    """The redirect after a form was saved; ``kept`` tells the page to forget the browser's copy of it."""
    return RedirectResponse(f"{url}?{urlencode({'flash': flash, 'kept': form_key})}", status_code=303)


# A lookup a valid form can miss is the team or a person it names.
_NAMED_ELSEWHERE = {"audience": "Choose a team and people from your organization."}


def _ask_values(ask: Ask, tz: ZoneInfo) -> FormFields:
    words = service.snapshot(ask)
    return {
        **{key: words[key] for key in ("title", "body", "what", "why", "action")},
        "effort_hours": "" if ask.effort_hours is None else f"{ask.effort_hours:g}",
        "due": ask.due_at.astimezone(tz).date().isoformat() if ask.due_at else "",
        "tags": ", ".join(ask.tag_names),
        "visibility": ask.visibility,
        "team_id": str(ask.team_id or ""),
        "audience": [a.person_id for a in ask.audience],
        "own_guess": "" if ask.own_guess is None else str(ask.own_guess),
    }


def _parse_write(values: FormFields, *, publish: bool | None) -> tuple[AskWrite | None, dict[str, str]]:
    """The form's values as the schema the service takes, or the messages to show beside the fields."""
    errors: dict[str, str] = {}
    due = parse_date(values["due"], errors)
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


@router.get("/asks/new")
def new_ask_form(
    request: Request,
    db: Db,
    actor: PageActor,
    title: Annotated[str, Query(max_length=140)] = "",
    body: Annotated[str, Query(max_length=5000)] = "",
) -> Response:
    """The coached ask form; ``title`` and ``body`` prefill a drafted example (the leader mirror's)."""
    teams = my_teams(db, actor)
    values: FormFields = {"visibility": Visibility.ORG.value, "team_id": str(teams[0][0]) if teams else ""}
    values |= {k: v for k, v in (("title", title), ("body", body)) if v}
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
    coaching = coach_values(values, person, now, judge=judge_of(request))

    def again(refusal: Refusal) -> Response:
        return _form_page(
            request, db, actor, values=values, errors=refusal.errors, coaching=coaching, status=refusal.status
        )

    if data is None:
        return again(Refusal(errors, 422))
    if save == "publish":
        text = " ".join(str(values.get(k) or "") for k in ("body", "what", "why", "action"))
        concerns = rules.publish_concerns(body=text, score=coaching.score if coaching else None)
        if concerns:
            return _form_page(
                request, db, actor, values=values, errors={}, coaching=coaching, concerns=concerns
            )

    def act() -> Response:
        ask = service.create_ask(db, actor=actor, data=data, now=now)  # type: ignore[arg-type]  # data was checked above; a closure does not keep mypy's narrowing
        message = "Your ask is open." if ask.status != AskStatus.DRAFT.value else "Draft saved."
        return _kept(f"/asks/{ask.id}", message, NEW_FORM)

    return form_action(db, act, again=again, not_found=_NAMED_ELSEWHERE)


@router.post("/asks/coach")
@reads_only
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
    parse_date(values["due"], errors)
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
    coaching = None if problem else coach_values(values, person, now, judge=judge_of(request))
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
    chosen = people_named(db, actor, [i for i in (parse_id(a) for a in picked) if i is not None])
    people: list[Person] = []
    if q.strip():
        found, _ = people_repo.search_people(db, actor=actor, query=q, limit=8)
        taken = {p.id for p in chosen} | {actor.person_id}
        people = [p for p in found if p.id not in taken]
    return render(request, "asks/_people.html", {"people": people, "chosen": chosen, "field": field, "q": q})


def _editable(db: Session, actor: Actor, ask_id: int) -> tuple[Ask, Refusal | None]:
    """The ask to edit, and why it cannot be edited now; someone else's ask is refused outright (403)."""
    ask = repository.get_ask(db, actor=actor, ask_id=ask_id)
    refusal = ask_refusal(ask_facts(ask), AskAction.EDIT, viewer_id=actor.person_id)
    if isinstance(refusal, PermissionDenied):
        raise refusal
    return ask, None if refusal is None else Refusal({"__all__": refusal.message}, refusal.status_code)


@router.get("/asks/{ask_id}/edit")
def edit_form(
    request: Request, db: Db, actor: PageActor, person: PagePerson, now: Now, ask_id: AskId
) -> Response:
    ask, refusal = _editable(db, actor, ask_id)
    if refusal is not None:  # a closed ask: its page says why, where the Edit button was
        return ask_page(
            request, db, actor, person, now, ask_id, form="edit", errors=refusal.errors, status=refusal.status
        )
    values = _ask_values(ask, zone(person.timezone))
    coaching = coach_values(values, person, now, judge=judge_of(request))
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
    _editable(db, actor, ask_id)
    data, errors = _parse_write(values, publish=None)

    def again(refusal: Refusal) -> Response:
        ask = repository.get_ask(db, actor=actor, ask_id=ask_id)
        coaching = coach_values(values, person, now, judge=judge_of(request))
        return _form_page(
            request, db, actor, values=values, errors=refusal.errors, coaching=coaching, ask=ask, status=422
        )

    if data is None:
        return again(Refusal(errors, 422))

    def act() -> Response:
        service.update_ask(db, actor=actor, ask_id=ask_id, data=data, now=now)
        saved = "Changes saved. The earlier version is in the history."
        return _kept(f"/asks/{ask_id}", saved, f"edit-{ask_id}")

    return form_action(db, act, again=again, not_found=_NAMED_ELSEWHERE)
