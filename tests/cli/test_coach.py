import json
import re

import typer
from typer.testing import CliRunner

from askwell.cli.coach import coach_command

ASK = "Could you review my PR #12 by Friday? It's blocking the release. Thanks!"


def app() -> typer.Typer:
    application = typer.Typer()
    application.command()(coach_command)
    return application


def test_json_review_of_an_argument() -> None:
    result = CliRunner().invoke(app(), [ASK, "--tz", "Europe/Berlin", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [c["status"] for c in data["criteria"]] == ["met"] * 5
    assert data["deadline"]["text"] == "by Friday"
    assert data["deadline"]["when"].endswith(("+01:00", "+02:00"))


def test_reads_the_ask_from_stdin() -> None:
    result = CliRunner().invoke(app(), ["-", "--json"], input="any thoughts?\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["criteria"][2]["status"] == "weak"


def test_table_shows_rewrites_score_and_the_guess_gap() -> None:
    result = CliRunner().invoke(app(), ["Can you send me the deck?", "--guess", "0.2"])
    assert result.exit_code == 0
    assert "Time-bound" in result.stdout
    assert "by " in result.stdout
    assert "Score" in result.stdout and "your guess 20%" in result.stdout


def test_unknown_timezone_and_empty_ask_exit_2() -> None:
    assert CliRunner().invoke(app(), [ASK, "--tz", "Mars/Olympus"]).exit_code == 2
    assert CliRunner().invoke(app(), [], input="   ").exit_code == 2


def test_table_quotes_the_ask_exactly_and_shows_no_codes() -> None:
    ask = "[WIP] Could someone review PR #12 by Friday? It's about 30 minutes and blocks the 12% rollout."
    result = CliRunner().invoke(app(), [ask], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    out = result.stdout
    assert "'about 30 minutes'" in out and "'12% rollout'" in out and "'2%" not in out
    assert not re.search(r"[✓○]\s*(?:reason|gratitude|reciprocity|evidence|context)\b", out)
    assert not re.search(r"\b(?:no_reason|no_action|past_deadline|vague|bundled|unrealistic)\b", out)
    assert "Thank people in advance" in out


def test_rewrite_placeholders_and_the_asks_brackets_are_text_not_markup() -> None:
    result = CliRunner().invoke(app(), ["any thoughts on the [bold]new[/bold] flow?"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    assert "[bold]new[/bold]" in result.stdout
    assert "because [what it unblocks" in result.stdout
