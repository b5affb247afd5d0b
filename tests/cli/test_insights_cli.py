"""`askwell insights rebuild|run|me|team` against a real, migrated SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli.insights import insights_app
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.people import service as people_service
from askwell.people.models import Role
from askwell.people.schemas import OrganizationCreate, PersonCreate

app = typer.Typer(pretty_exceptions_enable=False)
app.add_typer(insights_app, name="insights")
runner = CliRunner()
NOW = datetime.now(UTC)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["insights", *args])


@pytest.fixture
def history(cli_session: Callable[[], Session]) -> None:
    with cli_session() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        ids = []
        for name in ("ana", "ben", "cy"):
            role = Role.ADMIN if name == "ana" else Role.MEMBER
            data = PersonCreate(name=name.title(), email=f"{name}@acme.example.com", role=role)
            ids.append(people_service.add_person(db, org_id=org.id, data=data, now=NOW).id)
        for i in range(3):
            at = NOW - timedelta(days=10 - i)
            record(db, org_id=org.id, kind=EntryKind.ASK_OPENED, actor_id=ids[1], ask_id=i + 1, at=at)
            record(
                db,
                org_id=org.id,
                kind=EntryKind.HELP_GIVEN,
                actor_id=ids[0],
                subject_id=ids[1],
                ask_id=i + 1,
                at=at,
            )
        db.commit()


@pytest.mark.usefixtures("cli_db_url", "history")
def test_run_rebuild_me_team() -> None:
    ran = invoke("run")
    assert ran.exit_code == 0 and "Rolled up 6 new ledger entries" in ran.output
    rebuilt = invoke("rebuild", "--check")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "match the job's rows" in rebuilt.output and "from 6 ledger entries" in rebuilt.output
    me = invoke("me", "--org", "acme", "--email", "ben@acme.example.com", "--json")
    assert me.exit_code == 0, me.output
    body = json.loads(me.output)
    assert body["windows"][0]["asks"] == 3 and body["windows"][0]["help_received"] == 3
    org = invoke("team", "--org", "acme", "--email", "ana@acme.example.com", "--team", "0")
    assert org.exit_code == 1 and "fewer than 5 people" in org.output


@pytest.mark.usefixtures("cli_db_url", "history")
def test_a_member_cannot_read_the_organization() -> None:
    r = invoke("team", "--org", "acme", "--email", "cy@acme.example.com", "--team", "0")
    assert r.exit_code == 1 and "admins" in r.output
