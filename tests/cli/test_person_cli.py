"""`askwell person erase` against a real, migrated SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli.main import app
from askwell.people import service as people_service
from askwell.people.models import Person, Role
from askwell.people.privacy import FORMER_MEMBER, placeholder_email
from askwell.people.schemas import OrganizationCreate, PersonCreate

runner = CliRunner()
NOW = datetime.now(UTC)


@pytest.fixture
def people(cli_session: Callable[[], Session]) -> dict[str, int]:
    with cli_session() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        ids = {
            name: people_service.add_person(
                db,
                org_id=org.id,
                data=PersonCreate(name=name.title(), email=f"{name}@acme.example.com", role=role),
                now=NOW,
            ).id
            for name, role in [("ana", Role.ADMIN), ("carl", Role.MEMBER)]
        }
        db.commit()
    return ids


def _person(cli_session: Callable[[], Session], person_id: int) -> Person:
    with cli_session() as db:
        person = db.get(Person, person_id)
        assert person is not None
        return person


@pytest.mark.usefixtures("cli_db_url")
class TestPersonErase:
    def test_by_email_with_yes(self, people: dict[str, int], cli_session: Callable[[], Session]) -> None:
        r = runner.invoke(app, ["person", "erase", "Carl@acme.example.com", "--org", "acme", "--yes"])
        assert r.exit_code == 0, r.output
        assert f"Erased person {people['carl']}" in r.output
        carl = _person(cli_session, people["carl"])
        assert (carl.name, carl.email, carl.is_active) == (FORMER_MEMBER, placeholder_email(carl.id), False)

    def test_rerun_by_id_is_a_no_op(self, people: dict[str, int], cli_session: Callable[[], Session]) -> None:
        args = ["person", "erase", "--org", "acme", "--yes"]
        assert runner.invoke(app, [*args, "carl@acme.example.com"]).exit_code == 0
        r = runner.invoke(app, [*args, str(people["carl"])])
        assert r.exit_code == 0, r.output
        assert _person(cli_session, people["carl"]).name == FORMER_MEMBER

    def test_confirmation_refused_changes_nothing(
        self, people: dict[str, int], cli_session: Callable[[], Session]
    ) -> None:
        r = runner.invoke(app, ["person", "erase", "carl@acme.example.com", "--org", "acme"], input="n\n")
        assert r.exit_code == 1
        assert "Erase Carl <carl@acme.example.com>" in r.output
        assert _person(cli_session, people["carl"]).name == "Carl"

    def test_last_admin_refused(self, people: dict[str, int], cli_session: Callable[[], Session]) -> None:
        r = runner.invoke(app, ["person", "erase", "ana@acme.example.com", "--org", "acme", "--yes"])
        assert r.exit_code == 1
        assert "last admin" in r.output
        assert _person(cli_session, people["ana"]).name == "Ana"

    def test_unknown_email_and_org(self, people: dict[str, int]) -> None:
        r = runner.invoke(app, ["person", "erase", "nobody@acme.example.com", "--org", "acme", "--yes"])
        assert (r.exit_code, "nobody with email" in r.output) == (1, True)
        r = runner.invoke(app, ["person", "erase", "carl@acme.example.com", "--org", "nope", "--yes"])
        assert (r.exit_code, "nope" in r.output) == (1, True)
