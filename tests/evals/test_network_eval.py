import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from askwell.cli.eval_network import network_command
from askwell.evals.network import (
    CUT_PAIRS,
    Events,
    burstiness,
    cut_plan,
    evaluate_cut,
    formation_features,
    formation_scores,
    parse_events,
    reactivation_features,
    reciprocity,
    snapshot,
)

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
        # added keys: the learned models, every cut pair, and the procedure in words
        assert len(payload["cuts"]) == len(CUT_PAIRS)
        assert payload["cuts"][0]["quantiles"] == list(CUT_PAIRS[0])
        assert payload["cuts"][0]["formation"]["auc"]["two_step"] == payload["formation"]["auc"]["two_step"]
        for cut in payload["cuts"]:
            if "skipped" in cut:
                continue
            for task in ("formation", "reactivation"):
                assert 0.0 <= cut[task]["auc"]["learned"] <= 1.0
                assert cut[task]["best_single"] in cut[task]["auc"]
                assert cut[task]["model"] in payload["protocol"]["candidates"]
        assert {"mean_gap_closed", "worst_gap_closed", "worst_cut"} <= set(payload["summary"]["reactivation"])
        assert "never used" in payload["protocol"]["selection"]
        assert payload["protocol"]["split"]

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


class TestPairFeatures:
    def test_burstiness_of_a_regular_series_is_minus_one(self) -> None:
        assert burstiness([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]) == pytest.approx(-1.0)

    def test_burstiness_of_a_bursty_series_is_positive(self) -> None:
        # three bursts of messages minutes apart, weeks between the bursts
        times = [0.0, 0.01, 0.02, 0.03, 20.0, 20.01, 20.02, 45.0, 45.01, 45.02, 45.03]
        assert burstiness(times) > 0.3
        assert burstiness(times) > burstiness(np.arange(11.0))

    def test_burstiness_of_a_poisson_series_is_near_zero(self) -> None:
        gaps = np.random.default_rng(1).exponential(2.0, 20_000)
        assert abs(burstiness(np.cumsum(gaps))) < 0.02

    def test_burstiness_is_neutral_with_fewer_than_two_gaps(self) -> None:
        assert burstiness([3.0, 7.0]) == 0.0
        assert burstiness([]) == 0.0

    def test_reciprocity_is_the_quieter_sides_share(self) -> None:
        assert reciprocity([0, 5, 3, 1], [4, 10, 4, 4]).tolist() == [0.0, 0.5, 0.25, 0.25]

    def test_snapshot_counts_each_direction_and_the_pairs_burstiness(self) -> None:
        lines = ["1 2 0", "1 2 86400", "2 1 172800", "1 2 950400", "3 1 86400"]
        snap = snapshot(parse_events(lines), cut=20.0, half_life=1.0)
        # people 0, 1, 2; pairs (0, 1) and (0, 2)
        assert snap.pair_u.tolist() == [0, 0] and snap.pair_v.tolist() == [1, 2]
        assert snap.count.tolist() == [4, 1]
        assert snap.forward.tolist() == [3, 0]  # person 0 wrote three of the four to person 1
        assert snap.burst[0] == pytest.approx(burstiness([0.0, 1.0, 2.0, 11.0]))
        assert snap.burst[1] == 0.0
        assert snap.person_last.tolist() == [11.0, 11.0, 1.0]

    def test_reactivation_features_name_reciprocity_and_burstiness(self) -> None:
        lines = ["1 2 0", "2 1 86400", "1 2 172800", "1 3 0"]
        snap = snapshot(parse_events(lines), cut=30.0, half_life=2.0)
        features = reactivation_features(snap, np.array([0, 1]))
        assert features["reciprocity"].tolist() == pytest.approx([1 / 3, 0.0])
        assert features["burstiness"].tolist() == pytest.approx([-1.0, 0.0])
        assert features["log_common_neighbours"].tolist() == [0.0, 0.0]


def scrambled_after(events: Events, cut: float, seed: int) -> Events:
    """The same history before ``cut``; everything from ``cut`` on replaced by random messages."""
    rng = np.random.default_rng(seed)
    late = events.t >= cut
    src, dst, t = events.src.copy(), events.dst.copy(), events.t.copy()
    src[late] = rng.integers(0, events.n_people, late.sum())
    dst[late] = rng.integers(0, events.n_people, late.sum())
    t[late] = cut + rng.random(late.sum()) * (events.t.max() - cut + 1.0)
    return Events(src, dst, t, events.n_people)


class TestCutsNeverLookAhead:
    def test_features_of_every_cut_ignore_events_after_it(self) -> None:
        lines = [f"{s} {d} {t}" for s, d, t in synthetic_events()]
        events = parse_events(lines)
        plan = cut_plan(events)
        assert len(plan) == len(CUT_PAIRS)
        rng = np.random.default_rng(0)
        for pair in plan:
            assert pair.fit < pair.eval < pair.end
            for cut in (pair.fit, pair.eval):
                before = snapshot(events, cut, pair.half_life)
                after = snapshot(scrambled_after(events, cut, seed=int(cut * 1000)), cut, pair.half_life)
                u = rng.choice(np.flatnonzero(before.active), 200)
                v = rng.choice(np.flatnonzero(before.active), 200)
                keep = u != v
                for name, values in formation_features(before, u[keep], v[keep]).items():
                    np.testing.assert_array_equal(
                        values, formation_features(after, u[keep], v[keep])[name], err_msg=name
                    )
                pairs = np.arange(len(before.pair_u))
                for name, values in reactivation_features(before, pairs).items():
                    np.testing.assert_array_equal(
                        values, reactivation_features(after, pairs)[name], err_msg=name
                    )

    def test_a_cut_pairs_figures_ignore_events_after_its_period(self) -> None:
        lines = [f"{s} {d} {t}" for s, d, t in synthetic_events()]
        events = parse_events(lines)
        pair = cut_plan(events)[1]  # 40/55/70: its evaluated period ends well before the data does
        assert pair.end < events.t.max()
        original = evaluate_cut(events, pair)
        assert evaluate_cut(scrambled_after(events, pair.end, seed=5), pair) == original
