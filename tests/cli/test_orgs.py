"""`askwell org create|list` and `askwell admin create`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.accounts.secrets import verify_password
from askwell.cli import orgs
from askwell.people.repository import accounts_for_sign_in

app = typer.Typer(pretty_exceptions_enable=False)
app.command("create-org")(orgs.create_org_command)
app.command("list-orgs")(orgs.list_orgs_command)
app.command("create-admin")(orgs.create_admin_command)
runner = CliRunner()
GOOD_PASSWORD = "a sturdy passphrase"


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input, env=env)


def assert_clean_failure(result, fragment: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1
    assert fragment in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.usefixtures("cli_db_url")
class TestOrganizations:
    def test_create_then_list(self) -> None:
        created = invoke("create-org", "Acme Labs")
        assert created.exit_code == 0, created.output
        assert "acme-labs" in created.output
        listed = invoke("list-orgs")
        assert listed.exit_code == 0
        assert "acme-labs" in listed.output
        assert "Acme Labs" in listed.output

    def test_list_when_there_is_none(self) -> None:
        result = invoke("list-orgs")
        assert result.exit_code == 0
        assert "No organizations yet" in result.output

    def test_slug_taken(self) -> None:
        invoke("create-org", "Acme", "--slug", "acme")
        assert_clean_failure(invoke("create-org", "Acme Again", "--slug", "acme"), "'acme' is taken")

    def test_bad_slug(self) -> None:
        assert_clean_failure(invoke("create-org", "Acme", "--slug", "Not OK"), "lower-case letters")


class TestAdmins:
    @pytest.fixture(autouse=True)
    def _org(self, cli_db_url: str) -> None:
        assert invoke("create-org", "Acme", "--slug", "acme").exit_code == 0

    def signs_in(self, cli_session: Callable[[], Session], email: str, password: str) -> bool:
        with cli_session() as db:
            return any(verify_password(p.password_hash, password) for p in accounts_for_sign_in(db, email))

    def test_password_option(self, cli_session: Callable[[], Session]) -> None:
        result = invoke(
            "create-admin",
            "--org",
            "acme",
            "--email",
            "Ada@Acme.io",
            "--name",
            "Ada",
            "--password",
            GOOD_PASSWORD,
        )
        assert result.exit_code == 0, result.output
        assert self.signs_in(cli_session, "ada@acme.io", GOOD_PASSWORD)

    def test_password_prompted_with_confirmation(self, cli_session: Callable[[], Session]) -> None:
        result = invoke(
            "create-admin",
            "--org", "acme", "--email", "ada@acme.io", "--name", "Ada",
            input=f"{GOOD_PASSWORD}\nsomething else\n{GOOD_PASSWORD}\n{GOOD_PASSWORD}\n",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "do not match" in result.output
        assert GOOD_PASSWORD not in result.output
        assert self.signs_in(cli_session, "ada@acme.io", GOOD_PASSWORD)

    def test_password_from_the_environment(self, cli_session: Callable[[], Session]) -> None:
        result = invoke(
            "create-admin", "--org", "acme", "--email", "ada@acme.io", "--name", "Ada",
            env={"ASKWELL_ADMIN_PASSWORD": GOOD_PASSWORD},
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert self.signs_in(cli_session, "ada@acme.io", GOOD_PASSWORD)

    def test_weak_password(self, cli_session: Callable[[], Session]) -> None:
        result = invoke(
            "create-admin", "--org", "acme", "--email", "ada@acme.io", "--name", "Ada", "--password", "short"
        )
        assert_clean_failure(result, "at least 10 characters")
        assert not self.signs_in(cli_session, "ada@acme.io", "short")

    def test_bad_email(self) -> None:
        result = invoke(
            "create-admin", "--org", "acme", "--email", "ada", "--name", "Ada", "--password", GOOD_PASSWORD
        )
        assert_clean_failure(result, "not a valid email address")

    def test_email_taken(self) -> None:
        args = [
            "create-admin",
            "--org",
            "acme",
            "--email",
            "ada@acme.io",
            "--name",
            "Ada",
            "--password",
            GOOD_PASSWORD,
        ]
        assert invoke(*args).exit_code == 0
        assert_clean_failure(invoke(*args), "already belongs")

    def test_unknown_organization(self) -> None:
        result = invoke(
            "create-admin", "--org", "nope", "--email", "a@b.io", "--name", "A", "--password", GOOD_PASSWORD
        )
        assert_clean_failure(result, "No organization with the slug 'nope'")
