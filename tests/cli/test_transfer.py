"""`askwell import people`, `askwell export` and `askwell import org`."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli import orgs, transfer
from askwell.core.config import get_settings
from askwell.people.models import Organization, Person

app = typer.Typer(pretty_exceptions_enable=False)
app.command("create-org")(orgs.create_org_command)
app.command("import-people")(transfer.import_people_command)
app.command("import-org")(transfer.import_org_command)
app.command("export")(transfer.export_command)
runner = CliRunner()


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def emails(cli_session: Callable[[], Session], slug: str = "acme") -> list[str]:
    with cli_session() as db:
        return list(
            db.scalars(
                select(Person.email)
                .join(Organization)
                .where(Organization.slug == slug)
                .order_by(Person.email)
            )
        )


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str) -> Path:
        path = tmp_path / "people.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def acme(cli_db_url: str) -> None:
    assert invoke("create-org", "Acme", "--slug", "acme").exit_code == 0


MIXED = "email,name\ngood@example.com,Good\nnot-an-email,Bad\n"


class TestImportPeople:
    def test_valid_file(self, csv_file: Callable[[str], Path], cli_session: Callable[[], Session]) -> None:
        result = invoke(
            "import-people", csv_file("email,name\na@example.com,A\nb@example.com,B\n"), "--org", "acme"
        )
        assert result.exit_code == 0, result.output
        assert "Imported 2 people" in result.output
        assert emails(cli_session) == ["a@example.com", "b@example.com"]

    def test_invalid_rows_are_listed_and_nothing_is_written(
        self, csv_file: Callable[[str], Path], cli_session: Callable[[], Session]
    ) -> None:
        result = invoke("import-people", csv_file(MIXED), "--org", "acme")
        assert result.exit_code == 1
        assert "│ 3 " in result.output
        assert "not a valid email address" in result.output
        assert "nothing was imported" in result.output
        assert emails(cli_session) == []

    def test_skip_invalid(self, csv_file: Callable[[str], Path], cli_session: Callable[[], Session]) -> None:
        result = invoke("import-people", csv_file(MIXED), "--org", "acme", "--skip-invalid")
        assert result.exit_code == 0, result.output
        assert "skipped lines 3" in result.output
        assert emails(cli_session) == ["good@example.com"]

    def test_dry_run(self, csv_file: Callable[[str], Path], cli_session: Callable[[], Session]) -> None:
        result = invoke(
            "import-people", csv_file("email,name\na@example.com,A\n"), "--org", "acme", "--dry-run"
        )
        assert result.exit_code == 0, result.output
        assert "1 people would be imported" in result.output
        assert emails(cli_session) == []

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "latin1.csv"
        path.write_bytes("email,name\nb@example.com,Bj\xf6rn\n".encode("latin-1"))
        result = invoke("import-people", path, "--org", "acme")
        assert result.exit_code == 1
        assert "not UTF-8" in result.output

    def test_file_over_the_upload_limit(
        self,
        csv_file: Callable[[str], Path],
        monkeypatch: pytest.MonkeyPatch,
        cli_session: Callable[[], Session],
    ) -> None:
        monkeypatch.setenv("ASKWELL_MAX_UPLOAD_BYTES", "1024")
        get_settings.cache_clear()
        rows = "".join(f"p{i}@example.com,Person {i}\n" for i in range(100))
        result = invoke("import-people", csv_file("email,name\n" + rows), "--org", "acme", "--skip-invalid")
        assert result.exit_code == 1
        assert "limit of 1,024 bytes" in result.output
        assert emails(cli_session) == []

    def test_missing_file(self, tmp_path: Path) -> None:
        result = invoke("import-people", tmp_path / "nope.csv", "--org", "acme")
        assert result.exit_code == 1
        assert "cannot read" in result.output
        assert "Traceback" not in result.output

    def test_unknown_organization(self, csv_file: Callable[[str], Path]) -> None:
        result = invoke("import-people", csv_file("email,name\na@example.com,A\n"), "--org", "nope")
        assert result.exit_code == 1
        assert "No organization with the slug 'nope'" in result.output


class TestExportImport:
    def test_export_is_private_and_imports_under_a_new_slug(
        self, tmp_path: Path, csv_file: Callable[[str], Path], cli_session: Callable[[], Session]
    ) -> None:
        invoke("import-people", csv_file("email,name,skills\na@example.com,A,SQL\n"), "--org", "acme")
        out = tmp_path / "acme.json"
        exported = invoke("export", out, "--org", "acme")
        assert exported.exit_code == 0, exported.output
        assert "password hashes" in exported.output
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert json.loads(out.read_text())["people"][0]["skills"] == ["SQL"]

        refused = invoke("import-org", out)
        assert refused.exit_code == 1
        assert "'acme' is taken" in refused.output

        imported = invoke("import-org", out, "--slug", "acme-copy")
        assert imported.exit_code == 0, imported.output
        assert emails(cli_session, "acme-copy") == ["a@example.com"]

    def test_import_of_a_file_that_is_not_json(self, tmp_path: Path) -> None:
        path = tmp_path / "x.json"
        path.write_text("{not json")
        result = invoke("import-org", path)
        assert result.exit_code == 1
        assert "is not a JSON document" in result.output

    def test_import_of_a_malformed_document(self, tmp_path: Path, cli_session: Callable[[], Session]) -> None:
        path = tmp_path / "x.json"
        path.write_text(json.dumps({"format": "askwell.organization", "version": 1}))
        result = invoke("import-org", path)
        assert result.exit_code == 1
        assert "organization: Field required" in result.output
        assert "Traceback" not in result.output
