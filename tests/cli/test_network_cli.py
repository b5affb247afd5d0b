"""`askwell network ...` against a real, migrated SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli.network import network_app
from askwell.ledger.models import EntryKind
from askwell.ledger.service import record
from askwell.network import service
from askwell.network.models import Tie
from askwell.people import service as people_service
from askwell.people.models import Person
from askwell.people.schemas import OrganizationCreate, PersonCreate

app = typer.Typer(pretty_exceptions_enable=False)
app.add_typer(network_app, name="network")
runner = CliRunner()
NOW = datetime.now(UTC)


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["network", *args])


@pytest.fixture
def people(cli_session: Callable[[], Session]) -> dict[str, int]:
    with cli_session() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        ids = {}
        for name, skills in [
            ("ana", ["Python"]),
            ("carl", ["Sales"]),
            ("tess", ["SOC 2 audits"]),
            ("olga", ["Design"]),
        ]:
            data = PersonCreate(name=name.title(), email=f"{name}@acme.example.com", skills=skills)
            ids[name] = people_service.add_person(db, org_id=org.id, data=data, now=NOW).id
        db.commit()
    return ids


@pytest.mark.usefixtures("cli_db_url")
class TestTiesImport:
    def test_import_then_list(self, tmp_path: Path, people: dict[str, int]) -> None:
        csv_file = tmp_path / "ties.csv"
        old = (NOW - timedelta(days=500)).date().isoformat()
        csv_file.write_text(
            "email_a,email_b,strength,last_interaction\n"
            "ana@acme.example.com,carl@acme.example.com,0.7,\n"
            "carl@acme.example.com,tess@acme.example.com,0.8,\n"
            f"ana@acme.example.com,olga@acme.example.com,0.6,{old}\n"
        )
        dry = invoke("ties", "import", str(csv_file), "--org", "acme", "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert "would import 3 ties" in dry.output
        assert invoke("ties", "import", str(csv_file), "--org", "acme").exit_code == 0
        listed = invoke("ties", "list", "--org", "acme", "--email", "ana@acme.example.com", "--json")
        rows = json.loads(listed.stdout)
        assert [(r["person"]["name"], r["dormant"]) for r in rows] == [("Carl", False), ("Olga", True)]
        connectors = invoke(
            "connectors", "--org", "acme", "--email", "ana@acme.example.com", "--query", "SOC 2 audit"
        )
        assert connectors.exit_code == 0 and "Carl" in connectors.output and "Tess" in connectors.output
        dormant = json.loads(
            invoke("dormant", "--org", "acme", "--email", "ana@acme.example.com", "--json").stdout
        )
        assert [d["person"]["name"] for d in dormant] == ["Olga"]

    def test_bad_file_writes_nothing(
        self, tmp_path: Path, people: dict[str, int], cli_session: Callable[[], Session]
    ) -> None:
        csv_file = tmp_path / "ties.csv"
        csv_file.write_text(
            "email_a,email_b\nana@acme.example.com,carl@acme.example.com\nana@acme.example.com,ghost@acme.example.com\n"
        )
        result = invoke("ties", "import", str(csv_file), "--org", "acme")
        assert result.exit_code == 2
        assert "line 3" in result.output and "ghost@acme.example.com" in result.output
        assert "Traceback" not in result.output
        with cli_session() as db:
            assert db.scalar(select(func.count()).select_from(Tie)) == 0

    def test_missing_file_and_unknown_org(self, tmp_path: Path, people: dict[str, int]) -> None:
        missing = invoke("ties", "import", str(tmp_path / "nope.csv"), "--org", "acme")
        assert missing.exit_code == 1 and "cannot read" in missing.output
        (tmp_path / "t.csv").write_text("email_a,email_b\n")
        unknown = invoke("ties", "import", str(tmp_path / "t.csv"), "--org", "nowhere")
        assert unknown.exit_code == 1 and "Traceback" not in unknown.output


@pytest.mark.usefixtures("cli_db_url")
class TestOtherCommands:
    def test_connectors_needs_exactly_one_of_ask_or_query(self, people: dict[str, int]) -> None:
        result = invoke("connectors", "--org", "acme", "--email", "ana@acme.example.com")
        assert result.exit_code == 2 and "--ask ID or --query TEXT" in result.output

    def test_unknown_person(self, people: dict[str, int]) -> None:
        result = invoke("intros", "list", "--org", "acme", "--email", "ghost@acme.example.com")
        assert result.exit_code == 1 and "nobody with email" in result.output

    def test_learn_and_intros(self, people: dict[str, int], cli_session: Callable[[], Session]) -> None:
        with cli_session() as db:
            org_id = db.scalar(select(Person.org_id).where(Person.id == people["ana"]))
            record(
                db,
                org_id=org_id,
                kind=EntryKind.HELP_GIVEN,
                actor_id=people["carl"],
                subject_id=people["ana"],
                at=NOW,
            )
            db.commit()
        learned = invoke("learn")
        assert learned.exit_code == 0 and "learned 1 interactions" in learned.output
        with cli_session() as db:
            assert db.scalar(select(func.count()).select_from(Tie)) == 1
            service.record_interactions(
                db,
                org_id=org_id,
                events=[service.Interaction(people["carl"], people["tess"], NOW, "thanks")],
                now=NOW,
            )
            db.commit()
        listed = invoke("intros", "list", "--org", "acme", "--email", "ana@acme.example.com", "--json")
        assert listed.exit_code == 0 and json.loads(listed.stdout) == []
