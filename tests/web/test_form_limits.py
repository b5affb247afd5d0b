"""Every text field's length limit comes from the schema that checks it: in the page's ``maxlength`` and
in what the route takes (``form_cap`` of it, so that longer text gets the schema's message in place).

Limits used to be typed three times (schema, route, template) and drifted: an ask's text was 4000 in
the schema and 5000 on the form, an offer's message 2000 and 4000.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI, params
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy.orm import Session

from askwell.asks import service
from askwell.asks.models import OfferKind
from askwell.asks.schemas import (
    MAX_TAGS,
    AskClose,
    AskCreate,
    AskFinish,
    AskWrite,
    OfferCreate,
    TagName,
    ThanksCreate,
)
from askwell.network.schemas import ConnectorAnswer, IntroRequest, ReconnectRequest, TargetAnswer
from askwell.people.models import Person
from askwell.people.schemas import MAX_SKILLS, ProfileUpdate, SkillName
from askwell.web.forms import LIMITS, form_cap
from tests.conftest import World
from tests.security.test_route_walk import endpoints

ASK_FORM = ("/asks/new", "/asks/{ask_id}/edit", "/asks/coach")


def max_length(model: type[BaseModel], field: str) -> int:
    """The limit as the schema enforces it (read from its field, not from a constant)."""
    return _limit(model.model_fields[field].metadata)


def _limit(metadata: typing.Iterable[object]) -> int:
    found = [m.max_length for m in metadata if getattr(m, "max_length", None) is not None]  # type: ignore[attr-defined]
    assert len(found) == 1, metadata
    return int(found[0])


def list_text(item: object, most: int) -> int:
    """A list typed in one field ("a, b, c"): every item at its limit, and the ", " between them."""
    return most * (_limit(typing.get_args(item)[1:]) + 2)


# (route, form field) → the limit of the schema the field feeds.
SCHEMA_LIMITS: dict[tuple[str, str], int] = {
    **{
        (path, field): max_length(AskWrite, field)
        for path in ASK_FORM
        for field in ("title", "body", "what", "why", "action")
    },
    **{(path, "tags"): list_text(TagName, MAX_TAGS) for path in ASK_FORM},
    ("/asks/{ask_id}/offers", "message"): max_length(OfferCreate, "message"),
    ("/asks/{ask_id}/close", "note"): max_length(AskClose, "note"),
    ("/asks/{ask_id}/finish", "note"): max_length(AskFinish, "note"),
    ("/offers/{offer_id}/thanks", "note"): max_length(ThanksCreate, "note"),
    **{
        ("/people/{person_id}/edit", field): max_length(ProfileUpdate, field)
        for field in ("name", "title", "can_help_with", "learning")
    },
    ("/people/{person_id}/edit", "skills"): list_text(SkillName, MAX_SKILLS),
    ("/network/intros", "message"): max_length(IntroRequest, "message"),
    ("/network/intros", "query"): max_length(IntroRequest, "query"),
    ("/network/intros/{intro_id}/connector", "note"): max_length(ConnectorAnswer, "note"),
    ("/network/intros/{intro_id}/target", "note"): max_length(TargetAnswer, "note"),
    ("/network/dormant/{person_id}/reconnect", "message"): max_length(ReconnectRequest, "message"),
}
# Form fields of these pages that are not free text a schema limits: ids, choices, dates, numbers,
# and the team forms' emails and names (the accounts domain's invitation schema checks those).
NOT_FREE_TEXT = frozenset(
    {
        "effort_hours",
        "due",
        "visibility",
        "team_id",
        "audience",
        "own_guess",
        "save",
        "kind",
        "hours",
        "introduce_id",
        "outcome",
        "post_anyway",
        "timezone",
        "away_until",
        "suggestible",
        "work_start",  # a clock reading (pattern-checked), not free text
        "work_end",
        "work_days",
        "work_days_shown",
        "connector_id",
        "target_id",
        "ask_id",
        "decision",
        "suggested_person_id",
        "email",
        "name",
        "lead",
    }
)
PAGES = ("/asks", "/offers", "/people", "/teams", "/network")


def _form_fields(route: APIRoute) -> dict[str, int | None]:
    def flat(dependant: typing.Any) -> list[typing.Any]:
        found = list(dependant.body_params)
        for sub in dependant.dependencies:
            found.extend(flat(sub))
        return found

    fields: dict[str, int | None] = {}
    for param in flat(route.dependant):
        if isinstance(param.field_info, params.Form):
            fields[param.alias] = _limit(param.field_info.metadata) if param.field_info.metadata else None
    return fields


def test_each_routes_text_limit_is_the_schemas(app: FastAPI) -> None:
    seen = set()
    for ep in endpoints(app):  # the route walk's list: included routers' paths with their prefixes
        if not isinstance(ep.route, APIRoute) or not ep.path.startswith(PAGES) or ep.method != "POST":
            continue
        for field, limit in _form_fields(ep.route).items():
            key = (ep.path, field)
            if key in SCHEMA_LIMITS:
                seen.add(key)
                assert limit == form_cap(SCHEMA_LIMITS[key]), key
            else:
                assert field in NOT_FREE_TEXT, f"{key}: say which schema limits it (SCHEMA_LIMITS)"
    assert seen == set(SCHEMA_LIMITS)  # every entry still names a real field


def test_the_ask_body_and_offer_message_no_longer_drift() -> None:
    assert SCHEMA_LIMITS[("/asks/new", "body")] == LIMITS["ask_body"] == 4000
    assert SCHEMA_LIMITS[("/asks/{ask_id}/offers", "message")] == LIMITS["offer_message"] == 2000


_FIELD = re.compile(r'<(?:input|textarea)\b[^>]*\bname="(\w+)"[^>]*>')
_MAX = re.compile(r'\bmaxlength="(\d+)"')


def maxlengths(html: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for tag in re.finditer(_FIELD, html):
        limit = _MAX.search(tag.group(0))
        if limit is not None:
            found.setdefault(tag.group(1), int(limit.group(1)))
    return found


def test_each_pages_maxlength_is_the_schemas(
    db: Session, world: World, signed_in: Callable[[Person], TestClient]
) -> None:
    org = world.org()
    ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
    ask = service.create_ask(
        db,
        actor=world.actor(ada),
        data=AskCreate(title="Review the retry logic in PR 4412", due=world.now + timedelta(days=3)),
        now=world.now,
    )
    offer = service.offer_help(
        db,
        actor=world.actor(grace),
        ask_id=ask.id,
        data=OfferCreate(kind=OfferKind.ADVISE, message="Happy to pair on it."),
        now=world.now,
    )
    service.accept_offer(db, actor=world.actor(ada), offer_id=offer.id, now=world.now)
    service.complete_offer(db, actor=world.actor(grace), offer_id=offer.id, now=world.now)
    db.commit()

    new_ask = maxlengths(signed_in(ada).get("/asks/new").text)
    for field in ("title", "body", "what", "why", "action", "tags"):
        assert new_ask[field] == SCHEMA_LIMITS[("/asks/new", field)], field
    authors = signed_in(ada).get(f"/asks/{ask.id}").text
    assert f'action="/offers/{offer.id}/thanks"' in authors and 'id="close"' in authors
    for note in re.findall(r'<textarea[^>]*name="note"[^>]*>', authors):  # thanks, finish and close notes
        assert int(_MAX.search(note).group(1)) == SCHEMA_LIMITS[("/offers/{offer_id}/thanks", "note")]  # type: ignore[union-attr]
    other = world.person(org, "Linus")
    helpers = maxlengths(signed_in(other).get(f"/asks/{ask.id}").text)
    assert helpers["message"] == SCHEMA_LIMITS[("/asks/{ask_id}/offers", "message")]
    profile = maxlengths(signed_in(ada).get(f"/people/{ada.id}/edit").text)
    for field in ("name", "title", "skills", "can_help_with", "learning"):
        assert profile[field] == SCHEMA_LIMITS[("/people/{person_id}/edit", field)], field
    network = maxlengths(signed_in(ada).get("/network").text)
    assert network["q"] == SCHEMA_LIMITS[("/network/intros", "query")]
