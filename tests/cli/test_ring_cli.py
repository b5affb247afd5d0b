"""`askwell ring create|status|assign|report` against a real, migrated SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli.ring import ring_app
from askwell.people import service as people_service
from askwell.people.models import Person
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate
from askwell.rings import service
from askwell.rings.models import Ring
from askwell.rings.schemas import ConsoleAction, RingOfferCreate, RingRequestCreate

app = typer.Typer(pretty_exceptions_enable=False)
app.add_typer(ring_app, name="ring")
runner = CliRunner()
NOW = datetime.now(UTC)
AS_FRAN = ["--org", "acme", "--email", "fran@acme.example.com"]


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["ring", *args])


@pytest.fixture
def people(cli_session: Callable[[], Session]) -> dict[str, int]:
    with cli_session() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        ids = {}
        for name in ("fran", "ana", "carl"):
            data = PersonCreate(name=name.title(), email=f"{name}@acme.example.com")
            ids[name] = people_service.add_person(db, org_id=org.id, data=data, now=NOW).id
        db.commit()
    return ids


def _as(db: Session, person_id: int):  # type: ignore[no-untyped-def]
    person = db.get(Person, person_id)
    assert person is not None
    return actor_for(db, person)


@pytest.mark.usefixtures("cli_db_url")
def test_create_status_assign_report(cli_session: Callable[[], Session], people: dict[str, int]) -> None:
    at = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    made = invoke(
        "create",
        *AS_FRAN,
        "--name",
        "CLI ring",
        "--at",
        at,
        "--invite",
        "ana@acme.example.com,carl@acme.example.com",
    )
    assert made.exit_code == 0, made.output
    assert "2 invited" in made.output
    with cli_session() as db:
        ring = db.query(Ring).one()
        for name in ("ana", "carl"):
            service.join(db, actor=_as(db, people[name]), ring_id=ring.id, now=NOW)
        request = service.submit_request(
            db,
            actor=_as(db, people["ana"]),
            ring_id=ring.id,
            data=RingRequestCreate(title="Review my SQL by Friday"),
            now=NOW,
        )
        service.console(
            db,
            actor=_as(db, people["fran"]),
            ring_id=ring.id,
            data=ConsoleAction(action="start", version=1),
            now=NOW,
        )
        service.make_offer(
            db,
            actor=_as(db, people["carl"]),
            ring_id=ring.id,
            request_id=request.id,
            data=RingOfferCreate(),
            now=NOW,
        )
        db.commit()
        ring_id = ring.id
    status = invoke("status", *AS_FRAN, "--ring", str(ring_id))
    assert (
        status.exit_code == 0
        and "1/3 participants ready" in status.output
        and "Review my SQL" in status.output
    )
    assign = invoke("assign", *AS_FRAN, "--ring", str(ring_id), "--offers-only", "--confirm")
    assert assign.exit_code == 0, assign.output
    assert "Carl → Ana" in assign.output and "Confirmed 1 pairing." in assign.output
    report = invoke("report", *AS_FRAN, "--ring", str(ring_id), "--json")
    data = json.loads(report.output)
    assert (data["requests"], data["offers"], data["pairings_confirmed"]) == (1, 1, 1)
    as_csv = invoke("report", *AS_FRAN, "--ring", str(ring_id), "--csv")
    assert as_csv.output.splitlines()[0] == "measure,ring,ordinary asks"


@pytest.mark.usefixtures("cli_db_url")
def test_a_member_cannot_assign_and_errors_are_messages(people: dict[str, int]) -> None:
    at = (NOW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert (
        invoke(
            "create", *AS_FRAN, "--name", "CLI ring", "--at", at, "--invite", "ana@acme.example.com"
        ).exit_code
        == 0
    )
    refused = invoke("assign", "--org", "acme", "--email", "ana@acme.example.com", "--ring", "1")
    assert refused.exit_code == 1 and "facilitators" in refused.output
    assert invoke("create", *AS_FRAN, "--name", "x", "--at", "tomorrow").exit_code == 2
