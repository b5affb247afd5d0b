"""`askwell suggest` end to end: a migrated SQLite file, the real packaged model, JSON and errors."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell import wiring
from askwell.asks import service as asks_service
from askwell.asks.schemas import AskCreate
from askwell.cli.suggest import suggest_command
from askwell.core.config import get_settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.core.migrations import upgrade
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.schemas import OrganizationCreate, PersonCreate

app = typer.Typer(pretty_exceptions_enable=False)
app.command("suggest")(suggest_command)


@app.callback()
def _main() -> None:
    """A group, as in the real CLI, so that the command is invoked by its name."""


runner = CliRunner()
NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("suggest-cli") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    with wiring.session_factory(engine, Edges())() as db:
        _seed(db)
        db.commit()
    engine.dispose()
    return path


def _seed(db: Session) -> None:
    org = people_service.create_organization(db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW)

    def person(name: str, skills: list[str], title: str, can_help_with: str = "") -> int:
        data = PersonCreate(
            name=name,
            email=f"{name.lower()}@acme.example.com",
            title=title,
            skills=skills,
            can_help_with=can_help_with,
        )
        return people_service.add_person(db, org_id=org.id, data=data, now=NOW).id

    asker = person("Ana", ["Product design"], "Designer")
    person("Kim", ["Kubernetes", "Networking"], "Platform engineer", "Cluster upgrades and load balancers")
    person("Pat", ["Copywriting", "Brand voice"], "Content lead", "Landing pages and newsletters")
    person("Raj", ["Payroll", "Expenses"], "Finance partner", "Expense reports and budgets")
    actor = people_repo.actor_for(db, people_repo.person_in_org(db, org_id=org.id, person_id=asker))  # type: ignore[arg-type]
    asks_service.create_ask(
        db,
        actor=actor,
        data=AskCreate(title="Our service times out behind the cluster's ingress since the upgrade"),
        now=NOW,
    )


@pytest.fixture
def database(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    path = tmp_path / "cli.db"
    shutil.copy(template, path)
    monkeypatch.setenv("ASKWELL_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("database")
class TestSuggestCommand:
    def test_the_real_model_end_to_end_puts_the_platform_engineer_first(self, real_encode: object) -> None:
        result = runner.invoke(
            app, ["suggest", "1", "--org", "acme", "--email", "ana@acme.example.com", "--json"]
        )

        assert result.exit_code == 0, result.output
        body = json.loads(result.stdout)
        assert body["suggestions"][0]["person"]["name"] == "Kim"
        assert "Ana" not in [s["person"]["name"] for s in body["suggestions"]]

    def test_a_table_without_json(self, real_encode: object) -> None:
        result = runner.invoke(app, ["suggest", "1", "--org", "acme", "--email", "ana@acme.example.com"])

        assert result.exit_code == 0, result.output
        assert "Kim" in result.stdout and "Who can help with ask 1" in result.stdout

    def test_an_unknown_ask_org_or_person_is_a_one_line_error(self) -> None:
        unknown_ask = runner.invoke(
            app, ["suggest", "99", "--org", "acme", "--email", "ana@acme.example.com"]
        )
        unknown_org = runner.invoke(app, ["suggest", "1", "--org", "nope", "--email", "ana@acme.example.com"])
        unknown_person = runner.invoke(
            app, ["suggest", "1", "--org", "acme", "--email", "x@acme.example.com"]
        )

        assert (unknown_ask.exit_code, unknown_org.exit_code, unknown_person.exit_code) == (1, 1, 2)
        assert "No such ask" in unknown_ask.output
        assert "Traceback" not in unknown_ask.output + unknown_org.output + unknown_person.output
