"""`askwell standup answer|board` against a real, migrated SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli.standup import standup_app
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.models import Role
from askwell.people.schemas import OrganizationCreate, PersonCreate, TeamCreate
from askwell.standups import service
from askwell.standups.schemas import StandupSettingsWrite

app = typer.Typer(pretty_exceptions_enable=False)
app.add_typer(standup_app, name="standup")
runner = CliRunner()
NOW = datetime.now(UTC)
AS_ANA = ["--org", "acme", "--email", "ana@acme.example.com"]


@pytest.fixture
def team(cli_session: Callable[[], Session]) -> None:
    with cli_session() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        admin = people_service.admin_actor(org)
        made = people_service.create_team(db, actor=admin, data=TeamCreate(name="Platform"), now=NOW)
        for name in ("ana", "carl"):
            data = PersonCreate(
                name=name.title(), email=f"{name}@acme.example.com", role=Role.MEMBER, teams=["Platform"]
            )
            people_service.add_person(db, org_id=org.id, data=data, now=NOW)
        people_service.add_person(
            db, org_id=org.id, data=PersonCreate(name="Zed", email="zed@acme.example.com"), now=NOW
        )
        service.configure(
            db,
            actor=admin,
            team_id=made.id,
            data=StandupSettingsWrite(weekdays=[1, 2, 3, 4, 5, 6, 7]),
            now=NOW,
        )
        db.commit()


@pytest.mark.usefixtures("team")
def test_answer_and_board() -> None:
    made = runner.invoke(
        app,
        [
            "standup",
            "answer",
            *AS_ANA,
            "--worked-on",
            "the release",
            "--help-needed",
            "Blocked on the Stripe webhook signature, no idea who knows it",
            "--confirm",
        ],
    )
    assert made.exit_code == 0, made.output
    assert "saved" in made.output and "(open)" in made.output
    board = runner.invoke(app, ["standup", "board", *AS_ANA, "--team", "platform", "--json"])
    assert board.exit_code == 0, board.output
    read = json.loads(board.output)
    assert (read["answered"], read["members"]) == (1, 2)
    assert read["checkins"][0]["need"]["ask_status"] == "open"
    assert "Carl" not in board.output


@pytest.mark.usefixtures("team")
def test_clear_errors() -> None:
    empty = runner.invoke(app, ["standup", "answer", *AS_ANA])
    assert empty.exit_code == 2 and "at least one answer" in empty.output
    huge = runner.invoke(app, ["standup", "answer", *AS_ANA, "--worked-on", "x" * 2001])
    assert huge.exit_code == 2 and "2000" in huge.output
    outsider = runner.invoke(
        app, ["standup", "answer", "--org", "acme", "--email", "zed@acme.example.com", "--worked-on", "x"]
    )
    assert outsider.exit_code == 2 and "None of your teams" in outsider.output


@pytest.fixture
def with_lead(team: None, cli_session: Callable[[], Session]) -> None:
    with cli_session() as db:
        found = people_repo.organization_by_slug(db, "acme")
        data = PersonCreate(
            name="Lea", email="lea@acme.example.com", role=Role.LEAD, teams=["Platform"], lead_of=["Platform"]
        )
        people_service.add_person(db, org_id=found.id, data=data, now=NOW)
        db.commit()


@pytest.mark.usefixtures("with_lead")
def test_practice_start_and_report() -> None:
    as_lea = ["--org", "acme", "--email", "lea@acme.example.com"]
    refused = runner.invoke(app, ["standup", "practice", "start", *AS_ANA, "--team", "platform"])
    assert refused.exit_code == 2 and "leads" in refused.output
    bad = runner.invoke(app, ["standup", "practice", "start", *as_lea, "--team", "platform", "--days", "31"])
    assert bad.exit_code == 2
    made = runner.invoke(app, ["standup", "practice", "start", *as_lea, "--team", "platform", "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["days"] == 30 and json.loads(made.output)["baseline"]["has_data"] is False
    again = runner.invoke(app, ["standup", "practice", "start", *as_lea, "--team", "platform"])
    assert again.exit_code == 2 and "already" in again.output
    report = runner.invoke(app, ["standup", "practice", "report", *AS_ANA, "--team", "platform"])
    assert report.exit_code == 0, report.output
    assert "Recommendation so far: KEEP" in report.output and "You raised" not in report.output
    mine = runner.invoke(app, ["standup", "practice", "report", *as_lea, "--team", "platform", "--json"])
    assert json.loads(mine.output)["you"].startswith("You raised help needed on 0 of")
    outsider = runner.invoke(
        app,
        [
            "standup",
            "practice",
            "report",
            "--org",
            "acme",
            "--email",
            "zed@acme.example.com",
            "--team",
            "platform",
        ],
    )
    assert outsider.exit_code == 2
