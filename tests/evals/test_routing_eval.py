import hashlib
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from askwell.cli.eval_routing import routing_command
from askwell.evals.routing import (
    METHODS,
    METRICS,
    SiteDataError,
    build_prior,
    evaluate,
    load_concentration,
    load_site,
    metrics,
    read_posts,
    split_by_time,
    weights_with_text_share,
)
from askwell.matching.ranker import FitSettings
from askwell.matching.scoring import WEIGHTS

START = datetime(2020, 1, 1)
HOPS, YEAST, GLASS = (
    "hops bitterness dry hopping IPA",
    "yeast fermentation lager ale strain",
    "glassware tulip pint glass",
)


def _bag_of_words(texts: Sequence[str]) -> np.ndarray:
    """A deterministic stand-in for the sentence model: one fixed direction per word."""
    rows = np.zeros((len(texts), 64), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in text.lower().split():
            rows[i, int(hashlib.sha256(word.encode()).hexdigest(), 16) % 64] += 1.0
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def _row(**attrs: object) -> str:
    return "  <row " + " ".join(f"{key}={quoteattr(str(value))}" for key, value in attrs.items()) + " />"


def _site(tmp_path: Path) -> Path:
    """Seven old questions teach who knows what; of three new ones, two are answered by known people."""
    rows: list[str] = []
    post = iter(range(1, 1000))

    def question(day: int, topic: str, owner: int, answers: list[tuple[int, bool]]) -> None:
        qid = next(post)
        answer_ids = [(next(post), user, accepted) for user, accepted in answers]
        accepted_id = next((aid for aid, _, accepted in answer_ids if accepted), None)
        created = START + timedelta(days=day)
        extra = {"AcceptedAnswerId": accepted_id} if accepted_id else {}
        rows.append(
            _row(
                Id=qid,
                PostTypeId=1,
                CreationDate=created.isoformat(),
                OwnerUserId=owner,
                Title=f"About {topic}",
                Body=f"<p>A question on {topic}?</p>",
                Tags="<beer>",
                **extra,
            )
        )
        for aid, user, _ in answer_ids:
            rows.append(
                _row(
                    Id=aid,
                    PostTypeId=2,
                    ParentId=qid,
                    CreationDate=(created + timedelta(hours=2)).isoformat(),
                    OwnerUserId=user,
                    Body=f"<p>My answer on {topic}.</p>",
                )
            )

    for day in range(3):
        question(day, HOPS, owner=1, answers=[(10, True)])
    for day in range(3, 6):
        question(day, YEAST, owner=1, answers=[(20, True)])
    question(6, GLASS, owner=1, answers=[(30, False)])
    question(10, HOPS, owner=2, answers=[(99, False), (10, True)])  # test: alice accepted
    question(11, YEAST, owner=2, answers=[(20, False)])  # test: bob, nothing accepted
    question(12, GLASS, owner=3, answers=[(99, True)])  # answered only by a newcomer: not a test question
    site = tmp_path / "site"
    site.mkdir(parents=True)
    (site / "Posts.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n' + "\n".join(rows) + "\n</posts>\n"
    )
    return site


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(routing_command)
    return app


class TestLoadConcentration:
    def test_hand_checked_share_of_top_five_slots(self) -> None:
        same_five = [["a", "b", "c", "d", "e"]] * 4
        assert load_concentration(same_five, n_people=50) == 1.0  # 5 people are the top 10 %
        assert load_concentration(same_five, n_people=10) == 0.2  # 1 person is
        spread = [["a", "b", "c", "d", "e"], ["f", "g", "h", "i", "j"]]
        # The top 10 % of 20 people is 2 people, who hold 2 of the 10 slots.
        assert load_concentration(spread, n_people=20) == 0.2


class TestPrior:
    def test_building_the_prior_twice_gives_the_same_file(self, tmp_path: Path) -> None:
        sites = [load_site(_site(tmp_path / name) / "Posts.xml", _bag_of_words) for name in ("a", "b")]
        first, _ = build_prior(sites, fallback=FitSettings())
        again, selection = build_prior(sites, fallback=FitSettings())
        assert first.to_json() == again.to_json()
        assert first.version.startswith("prior-")
        assert selection.lines[0].startswith("Selection: leave one site out")


class TestMetrics:
    def test_hand_checked_values(self) -> None:
        result = metrics([["a", "b", "c"], ["c", "a", "b"]], [{"b"}, {"b", "c"}])
        assert result == {"mrr": 0.75, "p1": 0.5, "r5": 1.0, "r10": 1.0}

    def test_person_never_ranked_scores_zero(self) -> None:
        assert metrics([["a"]], [{"z"}]) == {"mrr": 0.0, "p1": 0.0, "r5": 0.0, "r10": 0.0}


class TestCalibration:
    def test_text_share_moves_weight_between_text_and_behaviour(self) -> None:
        weights = weights_with_text_share(0.2)
        assert sum(weights.values()) == pytest.approx(sum(WEIGHTS.values()))
        assert weights["fit"] + weights["evidence"] == pytest.approx(0.2)
        assert weights["track_record"] / weights["recency"] == pytest.approx(
            WEIGHTS["track_record"] / WEIGHTS["recency"]
        )


class TestSplit:
    def test_only_later_questions_with_a_known_answerer_are_tested(self, tmp_path: Path) -> None:
        split = split_by_time(*read_posts(_site(tmp_path) / "Posts.xml"))
        assert sorted(split.people) == [10, 20, 30]
        assert [split.answerers[q.id] for q in split.test] == [{10}, {20}]
        assert list(split.accepted.values()) == [10]


class TestEvaluate:
    def test_experts_are_found_by_text_and_by_the_full_ranker(self, tmp_path: Path) -> None:
        result = evaluate(_site(tmp_path) / "Posts.xml")
        assert result["n_test"] == 2
        for method in ("bm25", "dense", "hybrid", "full"):
            assert result["any"][method]["mrr"] == 1.0, method
            assert result["accepted"][method]["p1"] == 1.0, method

    def test_empty_dump_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / "Posts.xml").write_text("<posts></posts>")
        with pytest.raises(SiteDataError, match="no questions"):
            evaluate(tmp_path / "Posts.xml")


class TestCommand:
    def test_json_has_exactly_the_promised_shape(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(_app(), ["--site", str(_site(tmp_path)), "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert list(data)[:3] == ["n_test", "any", "accepted"]
        for truth in ("any", "accepted"):
            assert list(data[truth]) == list(METHODS)
            assert all(list(scores) == list(METRICS) for scores in data[truth].values())
        assert list(data["load"]) == list(METHODS)
        # Three candidates: the top tenth is one person, in every top 5 of most active.
        assert data["load"]["most_active"] == pytest.approx(1 / 3, abs=1e-3)
        assert any(line.startswith("Split:") for line in data["procedure"])
        assert any(line.startswith("Selection:") for line in data["procedure"])

    def test_several_sites_give_each_site_the_pooled_figure_and_the_targets(self, tmp_path: Path) -> None:
        first, second = _site(tmp_path / "one"), _site(tmp_path / "two")
        args = ["--site", str(first), "--site", str(second), "--json"]
        result = CliRunner().invoke(_app(), args)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["n_test"] == 4
        assert list(data["sites"]) == ["site-1", "site-2"]
        assert data["any"]["bm25"]["mrr"] == 1.0
        per_site = [site["any"]["full"]["mrr"] for site in data["sites"].values()]
        assert data["any"]["full"]["mrr"] == pytest.approx(sum(per_site) / 2, abs=1e-4)
        assert set(data["targets"]) >= {"every_site_met", "worst_site_ratio", "pooled_met", "load_met"}

    def test_report_section_is_written(self, tmp_path: Path) -> None:
        report = tmp_path / "evaluation.md"
        result = CliRunner().invoke(_app(), ["--site", str(_site(tmp_path)), "--report", str(report)])
        assert result.exit_code == 0, result.output
        text = report.read_text()
        assert (
            "<!-- eval:routing:start -->" in text
            and "full ranker (learned + load cap + spread)" in text
            and "Split: per site by time" in text
            and "TUEF MRR 0.579" in text
        )

    def test_missing_file_exits_2_with_one_line(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(_app(), ["--site", str(tmp_path / "nowhere"), "--json"])
        assert result.exit_code == 2
        assert "not found" in result.output and "Traceback" not in result.output
        assert result.stdout == ""

    def test_malformed_xml_exits_2(self, tmp_path: Path) -> None:
        (tmp_path / "Posts.xml").write_text("<posts><row Id='1'")
        result = CliRunner().invoke(_app(), ["--site", str(tmp_path), "--json"])
        assert result.exit_code == 2
        assert "not well-formed" in result.output

    def test_row_without_a_date_exits_2(self, tmp_path: Path) -> None:
        (tmp_path / "Posts.xml").write_text("<posts><row Id='1' PostTypeId='1' /></posts>")
        result = CliRunner().invoke(_app(), ["--site", str(tmp_path)])
        assert result.exit_code == 2
        assert "post 1 is malformed" in result.output
