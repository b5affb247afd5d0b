"""`askwell huddle call|list` against a real, migrated SQLite file.

The command runs on the real clock, so the test calls a huddle where the answer does not depend on the
hour: an organization where nobody else exists gets the clear "nobody in working hours" message, and
no invitation. Successful calls are covered through the same service by tests/huddles.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli.huddle import huddle_app
from askwell.huddles import service
from askwell.huddles.models import Huddle
from askwell.huddles.schemas import HuddleCreate
from askwell.people import service as people_service
from askwell.people.models import Person
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate

app = typer.Typer(pretty_exceptions_enable=False)
app.add_typer(huddle_app, name="huddle")
runner = CliRunner()
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
AS_ANA = ["--org", "acme", "--email", "ana@acme.example.com"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["huddle", *args])


@pytest.fixture
def people(cli_session: Callable[[], Session]) -> dict[str, int]:
    with cli_session() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=MONDAY
        )
        ids = {}
        for name in ("ana", "carl"):
            data = PersonCreate(name=name.title(), email=f"{name}@acme.example.com", skills=["CI runners"])
            ids[name] = people_service.add_person(db, org_id=org.id, data=data, now=MONDAY).id
        db.commit()
    return ids


@pytest.mark.usefixtures("cli_db_url")
def test_list_shows_a_huddle_i_was_invited_to(
    cli_session: Callable[[], Session], people: dict[str, int]
) -> None:
    with cli_session() as db:
        carl = db.get(Person, people["carl"])
        assert carl is not None
        service.call_huddle(
            db,
            actor=actor_for(db, carl),
            data=HuddleCreate(topic="Flaky CI runner"),
            now=MONDAY,
            encode=None,
            link_template="https://meet.example.com/{huddle_id}",
        )
        db.commit()
    listed = invoke("list", *AS_ANA)
    assert listed.exit_code == 0, listed.output
    assert "Flaky CI runner" in listed.output and "invited" in listed.output


@pytest.mark.usefixtures("cli_db_url")
def test_call_with_nobody_else_says_so_and_invites_nobody(
    cli_session: Callable[[], Session], people: dict[str, int]
) -> None:
    with cli_session() as db:
        carl = db.get(Person, people["carl"])
        assert carl is not None
        carl.is_active = False
        db.commit()
    called = invoke("call", *AS_ANA, "--topic", "Flaky CI runner")
    assert called.exit_code == 1
    assert "Nobody who could help is in working hours" in called.output
    with cli_session() as db:
        assert db.query(Huddle).count() == 0


@pytest.mark.usefixtures("cli_db_url")
def test_call_refuses_an_empty_topic(people: dict[str, int]) -> None:
    called = invoke("call", *AS_ANA, "--topic", "")
    assert called.exit_code == 2
