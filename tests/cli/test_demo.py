"""`askwell demo`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli import demo
from askwell.people.models import Person

app = typer.Typer(pretty_exceptions_enable=False)
app.command()(demo.demo_command)
runner = CliRunner()


def people(cli_session: Callable[[], Session]) -> int:
    with cli_session() as db:
        return db.scalar(select(func.count()).select_from(Person)) or 0


@pytest.mark.usefixtures("cli_db_url")
class TestDemo:
    def test_creates_the_organization_and_prints_the_sign_ins(
        self, cli_session: Callable[[], Session]
    ) -> None:
        result = runner.invoke(app, ["--size", "15", "--seed", "2"])
        assert result.exit_code == 0, result.output
        for email in ("admin@demo.askwell.app", "lead@demo.askwell.app", "member@demo.askwell.app"):
            assert email in result.output
        assert "askwell-demo" in result.output
        assert people(cli_session) == 15

    def test_if_empty_does_nothing_once_an_organization_exists(
        self, cli_session: Callable[[], Session]
    ) -> None:
        assert runner.invoke(app, ["--size", "5"]).exit_code == 0
        again = runner.invoke(app, ["--size", "5", "--if-empty", "--org-slug", "other"])
        assert again.exit_code == 0
        assert "already exists" in again.output
        assert people(cli_session) == 5

    def test_existing_slug(self) -> None:
        assert runner.invoke(app, ["--size", "5"]).exit_code == 0
        result = runner.invoke(app, ["--size", "5"])
        assert result.exit_code == 1
        assert "'demo' is taken" in result.output

    @pytest.mark.parametrize(("args", "code"), [(["--size", "1"], 2), (["--org-slug", "Bad Slug"], 1)])
    def test_bad_options(self, args: list[str], code: int) -> None:
        result = runner.invoke(app, args)
        assert result.exit_code == code
        assert "Traceback" not in result.output
