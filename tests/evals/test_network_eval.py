import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from askwell.cli.eval_network import network_command
from askwell.evals.network import formation_scores, parse_events, snapshot

DAY = 86_400


def synthetic_events(seed: int = 3) -> list[tuple[int, int, int]]:
    """Eighty people in eight teams, each active for a stretch of 120 days, mostly messaging teammates."""
    rng = np.random.default_rng(seed)
    people, teams = 80, 8
    team = np.arange(people) % teams
    first = rng.integers(0, 60, people)
    last = first + rng.integers(30, 90, people)
    events = []
    for day in range(120):
        active = np.flatnonzero((first <= day) & (day <= last))
        if active.size < 2:
            continue
        for _ in range(25):
            sender = int(rng.choice(active))
            mates = active[(team[active] == team[sender]) & (active != sender)]
            pool = mates if mates.size and rng.random() < 0.8 else active[active != sender]
            events.append((sender + 100, int(rng.choice(pool)) + 100, 1_100_000_000 + day * DAY))
    return events


def write(
    path: Path, rows: list[tuple[int, int, int]], *, order: str = "src,dst,t", divisor: int = 1
) -> Path:
    lines = ["# synthetic temporal network", "% src dst t", ""]
    for src, dst, t in rows:
        cols = (src, dst, t // divisor) if order == "src,dst,t" else (t // divisor, src, dst)
        lines.append(" ".join(map(str, cols)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("net") / "net.txt", synthetic_events())


@pytest.fixture
def invoke():
    app = typer.Typer()
    app.command()(network_command)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


class TestJson:
    def test_prints_exactly_one_object_with_the_agreed_shape(self, invoke, data: Path) -> None:
        result = invoke("--data", str(data), "--json")
        assert result.exit_code == 0, result.output
        payload = json.loads(result.stdout)
        formation_keys = {
            "two_step",
            "common_neighbours",
            "adamic_adar",
            "resource_allocation",
            "preferential_attachment",
        }
        assert set(payload["formation"]["auc"]) == formation_keys
        assert set(payload["formation"]["precision_at_k"]) == formation_keys
        assert set(payload["reactivation"]["auc"]) == {"ours", "recency", "frequency"}
        values = [*payload["formation"]["auc"].values(), *payload["reactivation"]["auc"].values()]
        assert all(0.0 <= value <= 1.0 for value in values)

    def test_same_figures_whatever_the_column_order(self, invoke, data: Path, tmp_path: Path) -> None:
        reordered = write(tmp_path / "t_first.txt", synthetic_events(), order="t,src,dst")
        original = json.loads(invoke("--data", str(data), "--json").stdout)
        swapped = json.loads(invoke("--data", str(reordered), "--fields", "t,src,dst", "--json").stdout)
        assert swapped == original

    def test_days_give_the_same_figures_as_seconds(self, invoke, data: Path, tmp_path: Path) -> None:
        in_days = write(tmp_path / "days.txt", synthetic_events(), divisor=DAY)
        original = json.loads(invoke("--data", str(data), "--json").stdout)
        days = json.loads(invoke("--data", str(in_days), "--time-unit", "days", "--json").stdout)
        assert days["formation"] == original["formation"]
        assert days["reactivation"] == original["reactivation"]


class TestTablesAndReport:
    def test_tables_name_every_method(self, invoke, data: Path) -> None:
        result = invoke("--data", str(data))
        assert result.exit_code == 0, result.output
        assert "preferential_attachment" in result.stdout
        assert "frequency" in result.stdout

    def test_report_owns_its_section_only(self, invoke, data: Path, tmp_path: Path) -> None:
        report = tmp_path / "evaluation.md"
        report.write_text("# Evaluation\n\n<!-- eval:other:start -->\nkeep me\n<!-- eval:other:end -->\n")
        result = invoke("--data", str(data), "--json", "--report", str(report))
        assert result.exit_code == 0, result.output
        text = report.read_text()
        assert "keep me" in text
        assert "<!-- eval:network:start -->" in text
        assert "askwell eval network --data" in text
        assert "precision@" in text


class TestBadInput:
    def test_malformed_line_names_its_number(self, invoke, tmp_path: Path) -> None:
        bad = tmp_path / "bad.txt"
        bad.write_text("# header\n1 2 100\n3 four 200\n")
        result = invoke("--data", str(bad), "--json")
        assert result.exit_code == 2
        assert "line 3" in result.stderr
        assert result.stdout == ""
        assert "Traceback" not in result.output

    def test_missing_file(self, invoke, tmp_path: Path) -> None:
        result = invoke("--data", str(tmp_path / "nope.txt"))
        assert result.exit_code == 2
        assert "no such file" in result.stderr

    def test_unknown_field_order(self, invoke, data: Path) -> None:
        result = invoke("--data", str(data), "--fields", "dst,src,t")
        assert result.exit_code == 2
        assert "--fields" in result.stderr

    def test_network_too_small_to_evaluate(self, invoke, tmp_path: Path) -> None:
        tiny = write(tmp_path / "tiny.txt", [(1, 2, 10), (2, 3, 20), (3, 1, 30), (1, 4, 40)])
        result = invoke("--data", str(tiny), "--json")
        assert result.exit_code == 2
        assert result.stderr.startswith("Error:")
        assert len(result.stderr.strip().splitlines()) == 1


class TestFormationScores:
    def test_friend_of_a_friend_scores_above_a_stranger(self) -> None:
        events = parse_events(["1 2 0", "2 3 86400", "4 5 86400"], time_unit="seconds")
        snap = snapshot(events, cut=2.0, half_life=1.0)
        # people are renumbered 0..4 in id order: pair (0, 2) shares person 1, pair (0, 3) shares no one
        scores = formation_scores(snap, np.array([0, 0]), np.array([2, 3]))
        assert scores["paths"][0] > 0.0 == scores["paths"][1]
        assert scores["common_neighbours"].tolist() == [1.0, 0.0]
        assert scores["preferential_attachment"].tolist() == [1.0, 1.0]
