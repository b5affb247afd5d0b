"""Messages written for people, not validators: no page shows pydantic's wording when a form fails."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError
from pydantic_core.core_schema import ErrorType
from sqlalchemy.orm import Session

from askwell.accounts.schemas import ApiTokenCreate, InvitationCreate
from askwell.asks import service as asks_service
from askwell.asks.models import Ask, OfferKind
from askwell.asks.schemas import AskClose, AskCreate, OfferCreate, ThanksCreate
from askwell.network.schemas import IntroRequest, TieCreate
from askwell.people.models import Person, Role
from askwell.people.schemas import OrganizationCreate, PersonCreate, TeamCreate
from askwell.web.forms import field_errors, field_label, human_message
from tests.conftest import World
from tests.web.conftest import post
from tests.web.test_account_pages import invitation

# What pydantic says and people should never read.
PYDANTIC_WORDING = re.compile(
    r"should (have|be)|Input should|Field required|Value error|Assertion failed|valid (integer|number|"
    r"date|datetime|boolean|email)|[Uu]nable to parse|Extra inputs|Input is|String should|List should",
)

SignIn = Callable[[Person], TestClient]


def errors_of(model: type[BaseModel], **data: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        model(**data)
    return field_errors(caught.value)


class TestEveryPydanticErrorType:
    @pytest.mark.parametrize("kind", get_args(ErrorType))
    def test_is_worded_for_people(self, kind: str) -> None:
        ctx = {
            "min_length": 3,
            "max_length": 10,
            "gt": 0.0,
            "ge": 1,
            "lt": 5,
            "le": 100.0,
            "multiple_of": 2,
            "expected": "'member', 'lead' or 'admin'",
            "error": "bad",
            "reason": "bad",
            "pattern": "^x$",
        }
        # Our own validators raise value errors in our words; pydantic prefixes them.
        ours = kind in ("value_error", "assertion_error")
        msg = "Value error, at most 10 tags" if ours else "Input should be a valid thing"
        message = human_message({"type": kind, "msg": msg, "ctx": ctx}, label="Effort")
        assert not PYDANTIC_WORDING.search(message), message
        assert message == "At most 10 tags." if ours else message.startswith("Effort ")
        assert message.endswith(".")

    def test_limits_read_as_people_write_them(self) -> None:
        assert human_message({"type": "greater_than", "ctx": {"gt": 0.0}}, label="Hours") == (
            "Hours needs to be more than 0."
        )
        assert human_message({"type": "string_too_short", "ctx": {"min_length": 1}}, label="Title") == (
            "Title is required."
        )

    def test_labels_are_the_words_on_the_page(self) -> None:
        assert field_label("effort_hours") == "Effort"
        assert field_label("can_help_with") == "“I can help with”"
        assert field_label("title") == "Title"


class TestOurSchemas:
    def test_asks(self) -> None:
        errors = errors_of(
            AskCreate, title="ab", effort_hours="lots", due="soon", own_guess="x", visibility="x"
        )
        assert errors["title"] == "Title needs at least 3 characters."
        assert errors["effort_hours"] == "Effort needs to be a number, such as 1.5."
        assert errors["own_guess"] == "Your guess needs to be a whole number."
        assert errors["visibility"] == "Visibility needs to be one of people, team or org."
        assert errors["due"].startswith("Due date needs to be a date")

    def test_asks_model_rules(self) -> None:
        errors = errors_of(AskCreate, title="Fine title", visibility="team")
        assert errors["__all__"] == "A team-visible ask needs a team."

    def test_people(self) -> None:
        errors = errors_of(
            PersonCreate,
            name=" ",
            email="nobody",
            timezone="Mars/Olympus",
            away_until="later",
            skills=["x" * 61],
        )
        assert errors["name"] == "Name is required."
        assert errors["email"] == "Email needs to be an email address, such as name@example.com."
        assert errors["away_until"] == "Away until needs to be a date, such as 2026-03-06."
        assert errors["skills"] == "Skills (entry 1) can be at most 60 characters."
        assert "is not an IANA timezone" in errors["timezone"]

    @pytest.mark.parametrize(
        ("model", "data"),
        [
            (InvitationCreate, {"email": "x", "role": "king", "teams": ["a"]}),
            (ApiTokenCreate, {"name": "x" * 81}),
            (TeamCreate, {"name": ""}),
            (OrganizationCreate, {"name": "A", "slug": "Not A Slug"}),
            (OfferCreate, {"kind": "kiss", "message": "", "hours": -1}),
            (ThanksCreate, {"note": " "}),
            (AskClose, {"outcome": "draft"}),
            (IntroRequest, {"connector_id": 0}),
            (TieCreate, {"person_id": "x", "strength": 3, "last_interaction": "yesterday"}),
        ],
    )
    def test_no_pydantic_wording(self, model: type[BaseModel], data: dict[str, Any]) -> None:
        for message in errors_of(model, **data).values():
            assert not PYDANTIC_WORDING.search(message), message
            assert message[:1].isupper() and message.endswith(".")


@pytest.fixture
def an_ask(db: Session, world: World) -> Callable[[Person], Ask]:
    def make(author: Person) -> Ask:
        data = AskCreate(
            title="Review the retry logic before the release",
            body="It blocks the release; half an hour of review would help.",
            due=world.now + timedelta(days=3),
        )
        ask = asks_service.create_ask(db, actor=world.actor(author), data=data, now=world.now)
        db.commit()
        return ask

    return make


class TestPages:
    """Every page form, sent with values that fail, answers in words meant for people."""

    def test_forms_of_a_signed_in_person(
        self, db: Session, world: World, signed_in: SignIn, an_ask: Callable[[Person], Ask]
    ) -> None:
        org = world.org()
        world.team(org, "Platform")
        admin = world.person(org, "Ana", role=Role.ADMIN, teams=["Platform"])
        grace = world.person(org, "Grace")
        theirs = an_ask(grace)
        mine = an_ask(admin)
        offer = asks_service.offer_help(
            db,
            actor=world.actor(grace),
            ask_id=mine.id,
            data=OfferCreate(kind=OfferKind.DO, message="On it"),
            now=world.now,
        )
        db.commit()
        client = signed_in(admin)
        attempts = [
            (
                f"/people/{admin.id}/edit",
                {"name": " ", "timezone": "Mars/Olympus", "away_until": "soon", "skills": "x" * 70},
            ),
            ("/admin/invitations", {"email": "not-an-email", "role": "king"}),
            ("/admin/teams", {"name": " "}),
            ("/settings/tokens", {"name": " "}),
            ("/teams/platform/invitations", {"email": "nope"}),
            (
                "/asks/new",
                {
                    "title": "ab",
                    "effort_hours": "lots",
                    "due": "soon",
                    "own_guess": "x",
                    "visibility": "team",
                },
            ),
            (f"/asks/{mine.id}/edit", {"title": "x", "effort_hours": "-3", "own_guess": "500"}),
            (f"/asks/{theirs.id}/offers", {"kind": "kiss", "message": " ", "hours": "-1"}),
            (f"/asks/{theirs.id}/offers", {"kind": "introduce", "message": "Someone", "introduce_id": ""}),
            (f"/asks/{mine.id}/close", {"outcome": "draft"}),
            (f"/asks/{mine.id}/extend", {"due": "someday"}),
            (f"/offers/{offer.id}/thanks", {"note": " "}),
            ("/network/intros", {"connector_id": str(grace.id)}),
            ("/asks/coach", {"title": "A title", "body": "text", "effort_hours": "x", "own_guess": "900"}),
            # Past what a form field accepts at all: FastAPI refuses it before the route runs.
            (f"/asks/{mine.id}/close", {"outcome": "x" * 200}),
        ]
        for url, data in attempts:
            r = post(client, url, data)
            assert r.status_code < 500, (url, r.status_code)
            found = PYDANTIC_WORDING.search(r.text)
            assert found is None, (url, found and r.text[max(0, found.start() - 200) : found.end() + 50])

    def test_invitation_acceptance(self, client: TestClient, db: Session, world: World) -> None:
        token = invitation(db, world.org())
        r = post(client, f"/invite/{token}", {"name": " ", "password": "short", "timezone": "Nowhere/Land"})
        assert r.status_code == 422
        assert "Name is required." in r.text
        assert not PYDANTIC_WORDING.search(r.text)


def test_an_unreadable_due_date_names_the_field(world: World, signed_in: SignIn) -> None:
    client = signed_in(world.person(world.org()))
    r = post(client, "/asks/new", {"title": "A fine title", "body": "Some words", "due": "soon"})
    assert r.status_code == 422
    assert "Due date needs to be a date, such as 2026-03-06." in r.text
    coach = post(client, "/asks/coach", {"title": "A fine title", "due": "soon", "own_guess": "500"})
    assert "Due date needs to be a date" in coach.text and "Your guess can be at most 100." in coach.text
