"""`askwell ask new` and `askwell ask list` against a real, migrated SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.asks import service
from askwell.asks.models import Ask
from askwell.asks.schemas import AskCreate
from askwell.cli.asks import ask_app
from askwell.people import service as people_service
from askwell.people.models import Person
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate

app = typer.Typer(pretty_exceptions_enable=False)
app.add_typer(ask_app, name="ask")
runner = CliRunner()
NOW = datetime.now(UTC)
TITLE = "Review the retry logic in PR #4412 by Thursday"
TEXT = (
    "Could someone who knows Kafka review PR #4412 (the consumer's retry logic)? It blocks the payments "
    "release, so I need a second pair of eyes on the backoff math by Thursday; about 30 minutes."
)
AS_ANA = ["--org", "acme", "--email", "ana@acme.example.com"]


def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["ask", *args], input=input)


@pytest.fixture
def people(cli_session: Callable[[], Session]) -> dict[str, int]:
    with cli_session() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
        )
        ids = {}
        for name in ("ana", "carl", "tess"):
            data = PersonCreate(name=name.title(), email=f"{name}@acme.example.com")
            ids[name] = people_service.add_person(db, org_id=org.id, data=data, now=NOW).id
        db.commit()
    return ids


def asks_in(cli_session: Callable[[], Session]) -> list[tuple[str, str]]:
    with cli_session() as db:
        return [(a.title, a.status) for a in db.scalars(select(Ask).order_by(Ask.id))]


@pytest.mark.usefixtures("cli_db_url")
class TestAskNew:
    def test_review_then_post(self, people: dict[str, int], cli_session: Callable[[], Session]) -> None:
        result = invoke("new", *AS_ANA, "--guess", "20", input=f"{TITLE}\n{TEXT}\np\n")
        assert result.exit_code == 0, result.output
        assert "SMART review" in result.output
        assert "Specific" in result.output and "your guess 20%" in result.output
        assert "posted" in result.output
        assert asks_in(cli_session) == [(TITLE, "open")]

    def test_revise_before_posting(self, people: dict[str, int], cli_session: Callable[[], Session]) -> None:
        better = TITLE + " please"
        result = invoke("new", *AS_ANA, input=f"Help with stuff\nAnyone?\nr\n{better}\n{TEXT}\np\n")
        assert result.exit_code == 0, result.output
        assert result.output.count("SMART review") == 2
        assert asks_in(cli_session) == [(better, "open")]

    def test_save_a_draft_or_quit(self, people: dict[str, int], cli_session: Callable[[], Session]) -> None:
        drafted = invoke("new", *AS_ANA, "--title", TITLE, "--text", TEXT, input="d\n")
        quit_ = invoke("new", *AS_ANA, "--title", "Another one entirely", "--text", TEXT, input="q\n")
        assert drafted.exit_code == quit_.exit_code == 0
        assert "Nothing saved." in quit_.output
        assert asks_in(cli_session) == [(TITLE, "draft")]

    def test_empty_title_is_asked_again(
        self, people: dict[str, int], cli_session: Callable[[], Session]
    ) -> None:
        result = invoke("new", *AS_ANA, input=f"ab\n{TEXT}\n{TITLE}\n{TEXT}\np\n")
        assert result.exit_code == 0, result.output
        assert "Title needs at least 3 characters." in result.output
        assert asks_in(cli_session) == [(TITLE, "open")]

    def test_scripted_bad_input_exits_2_and_saves_nothing(
        self, people: dict[str, int], cli_session: Callable[[], Session]
    ) -> None:
        past = (NOW - timedelta(days=3)).date().isoformat()
        overlong = invoke("new", *AS_ANA, "--yes", "--title", TITLE, "--text", "x" * 4001)
        in_past = invoke("new", *AS_ANA, "--yes", "--title", TITLE, "--text", TEXT, "--due", past)
        not_a_date = invoke("new", *AS_ANA, "--yes", "--title", TITLE, "--text", TEXT, "--due", "friday")
        assert overlong.exit_code == in_past.exit_code == not_a_date.exit_code == 2
        assert "at most 4000 characters" in overlong.output
        assert "The due date is in the past." in in_past.output
        assert asks_in(cli_session) == []

    def test_unknown_organization_or_person(self, people: dict[str, int]) -> None:
        no_org = invoke("new", "--org", "nope", "--email", "ana@acme.example.com", "--yes")
        no_person = invoke("new", "--org", "acme", "--email", "zed@acme.example.com", "--yes")
        assert no_org.exit_code == no_person.exit_code == 2
        assert "nobody with email 'zed@acme.example.com' in acme" in no_person.output
        assert "Traceback" not in no_org.output


@pytest.mark.usefixtures("cli_db_url")
class TestAskList:
    @pytest.fixture
    def board(self, people: dict[str, int], cli_session: Callable[[], Session]) -> None:
        with cli_session() as db:
            for author, title, extra in [
                ("ana", "Pair on the Kafka consumer", {"tags": ["Kafka"]}),
                ("carl", "Plan the onboarding week", {}),
                ("carl", "Private: salary advice", {"visibility": "people", "audience": [people["tess"]]}),
            ]:
                author_row = db.get(Person, people[author])
                assert author_row is not None
                service.create_ask(
                    db,
                    actor=actor_for(db, author_row),
                    data=AskCreate(title=title, body="Details follow.", **extra),
                    now=NOW,
                )
            db.commit()

    @pytest.mark.usefixtures("board")
    def test_table_of_what_i_may_see(self) -> None:
        result = invoke("list", *AS_ANA)
        assert result.exit_code == 0, result.output
        assert "Pair on the Kafka consumer" in result.output and "Plan the onboarding week" in result.output
        assert "salary" not in result.output
        assert "2 asks" in result.output

    @pytest.mark.usefixtures("board")
    def test_json_scope_and_tag(self) -> None:
        mine = json.loads(invoke("list", *AS_ANA, "--scope", "mine", "--json").stdout)
        tagged = json.loads(invoke("list", *AS_ANA, "--tag", "kafka", "--json").stdout)
        named = json.loads(
            invoke("list", "--org", "acme", "--email", "tess@acme.example.com", "--json").stdout
        )
        assert [i["title"] for i in mine["items"]] == ["Pair on the Kafka consumer"]
        assert [i["title"] for i in tagged["items"]] == ["Pair on the Kafka consumer"]
        assert "Private: salary advice" in [i["title"] for i in named["items"]]

    def test_bad_scope(self, people: dict[str, int]) -> None:
        result = invoke("list", *AS_ANA, "--scope", "everything")
        assert result.exit_code == 2
        assert "--scope must be one of" in result.output
