"""`askwell eval balance`: patterns and retention on a tiny, hand-made Stack Exchange site."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

import typer
from typer.testing import CliRunner

from askwell.cli.eval_balance import balance_command
from askwell.evals.balance import evaluate

START = datetime(2020, 1, 1, tzinfo=UTC)


def _row(**attrs: object) -> str:
    return "<row " + " ".join(f"{k}={quoteattr(str(v))}" for k, v in attrs.items()) + " />"


def _site(tmp_path: Path) -> Path:
    """First half (days 0-49): 1 asks and answers (balanced), 2 only answers, 3 only asks, and a few
    more people so that the quantiles mean something. Second half: only 1 and 2 post again."""
    rows: list[str] = []
    ids = iter(range(1, 10_000))

    def post_q(day: float, owner: int) -> int:
        qid = next(ids)
        at = (START + timedelta(days=day)).isoformat()
        rows.append(_row(Id=qid, PostTypeId=1, CreationDate=at, OwnerUserId=owner, Title="Q", Body="b"))
        return qid

    def post_a(day: float, owner: int, qid: int) -> None:
        at = (START + timedelta(days=day)).isoformat()
        rows.append(
            _row(Id=next(ids), PostTypeId=2, ParentId=qid, CreationDate=at, OwnerUserId=owner, Body="a")
        )

    for d in range(3):
        q = post_q(d, 3)
        post_a(d + 0.1, 2, q)
        post_a(d + 0.2, 2, q)
        q1 = post_q(d + 10, 1)
        post_a(d + 10.1, 4, q1)
        post_a(d + 11, 1, q)
    for person in (5, 6):
        q = post_q(20, person)
        post_a(21, person + 10, q)
    q = post_q(60, 1)
    post_a(61, 2, q)
    post_q(100, 7)  # the end of the history
    site = tmp_path / "site"
    site.mkdir()
    (site / "Posts.xml").write_text('<?xml version="1.0"?>\n<posts>\n' + "\n".join(rows) + "\n</posts>\n")
    return site


def test_patterns_and_retention(tmp_path: Path) -> None:
    result = evaluate(_site(tmp_path) / "Posts.xml")
    assert result["n_people"] == 8
    retention = result["retention"]
    assert isinstance(retention, dict)
    assert retention["balanced"] is not None and retention["frequent_asker"] == 0.0
    patterns = result["patterns"]
    assert isinstance(patterns, dict) and abs(sum(patterns.values()) - 1) < 1e-9


def test_json_has_exactly_the_promised_shape(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(balance_command)
    out = CliRunner().invoke(app, ["--site", str(_site(tmp_path)), "--json"])
    assert out.exit_code == 0, out.output
    assert set(json.loads(out.output)) == {"n_people", "patterns", "retention"}


def test_missing_site_exits_2(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(balance_command)
    assert CliRunner().invoke(app, ["--site", str(tmp_path / "nowhere"), "--json"]).exit_code == 2
