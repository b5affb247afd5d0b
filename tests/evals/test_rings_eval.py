import json
from datetime import datetime, timedelta
from pathlib import Path

import typer
from typer.testing import CliRunner

from askwell.cli.eval_rings import rings_command
from askwell.evals.rings import CAPACITY, METHODS, evaluate
from tests.evals.test_routing_eval import GLASS, HOPS, YEAST, _row

START = datetime(2020, 1, 1)


def _site(tmp_path: Path) -> Path:
    """Nine old questions teach who knows what (alice hops, bob yeast, carol glass); one week later
    alice answers four hops questions and bob one on yeast: more than alice's capacity allows."""
    rows: list[str] = []
    post = iter(range(1, 1000))

    def question(day: float, topic: str, owner: int, answerer: int) -> None:
        qid, aid = next(post), next(post)
        created = START + timedelta(days=day)
        rows.append(
            _row(
                Id=qid,
                PostTypeId=1,
                CreationDate=created.isoformat(),
                OwnerUserId=owner,
                Title=f"About {topic}",
                Body=f"<p>A question on {topic}?</p>",
                Tags="<beer>",
            )
        )
        rows.append(
            _row(
                Id=aid,
                PostTypeId=2,
                ParentId=qid,
                CreationDate=(created + timedelta(hours=2)).isoformat(),
                OwnerUserId=answerer,
                Body=f"<p>My answer on {topic}.</p>",
            )
        )

    for day in range(3):
        question(day, HOPS, owner=1, answerer=10)
        question(day + 3, YEAST, owner=1, answerer=20)
        question(day + 6, GLASS, owner=1, answerer=30)
    for hour in range(4):
        question(10 + hour / 24, HOPS, owner=2, answerer=10)
    question(11, YEAST, owner=2, answerer=20)
    site = tmp_path / "site"
    site.mkdir()
    (site / "Posts.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n' + "\n".join(rows) + "\n</posts>\n"
    )
    return site


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(rings_command)
    return app


def test_assignment_stays_within_capacity_where_most_active_does_not(tmp_path: Path) -> None:
    result = evaluate(_site(tmp_path) / "Posts.xml")
    assert result["n_rings"] == 1 and result["n_requests"] == 5 and result["n_answerable"] == 5
    load, hit = result["max_load"], result["hit_rate"]
    assert isinstance(load, dict) and isinstance(hit, dict)
    assert load["assignment"] == CAPACITY and load["most_active"] == 5
    # Alice can take two of her four hops questions; bob gets his yeast one: 3 of 5.
    assert hit["assignment"] == 0.6 and hit["most_active"] == 1.0
    assert result["ceiling"] == 0.6  # even knowing who answers, alice can take only two: at the ceiling


def test_json_has_exactly_the_promised_shape(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["--site", str(_site(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["n_rings", "n_requests", "capacity", "hit_rate", "max_load"]
    assert list(data["hit_rate"]) == list(METHODS) and list(data["max_load"]) == list(METHODS)


def test_report_section_is_written(tmp_path: Path) -> None:
    report = tmp_path / "evaluation.md"
    result = CliRunner().invoke(_app(), ["--site", str(_site(tmp_path)), "--report", str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert "<!-- eval:rings-site:start -->" in text and "| assignment (min-cost flow) | 0.600 | 2 |" in text
    assert "everyone within capacity — met" in text


def test_missing_file_exits_2_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["--site", str(tmp_path / "nowhere"), "--json"])
    assert result.exit_code == 2
    assert "not found" in result.output and "Traceback" not in result.output
