import json
import random
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from askwell.cli.eval_success import success_command
from askwell.evals.success import evaluate_success, load_narratives, reliability, render_success, time_split
from askwell.matching.embeddings import encode

HELPED = (
    "I just lost my job and rent is due, my kids are hungry. Could someone send a pizza tonight? Thank you!"
)
NOT_HELPED = "craving pizza lol"


def rows(n: int = 60, seed: int = 1) -> list[dict[str, object]]:
    """Synthetic requests where detailed, grateful asks from active accounts get help."""
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for i in range(n):
        helped = i % 3 == 0
        out.append(
            {
                "request_title": "[Request] pizza",
                "request_text_edit_aware": HELPED if helped else NOT_HELPED,
                "unix_timestamp_of_request_utc": 1_300_000_000 + i * 3600,
                "requester_number_of_comments_at_request": rng.randint(50, 90)
                if helped
                else rng.randint(0, 40),
                "received_help": helped,
            }
        )
    return out


def app() -> typer.Typer:
    application = typer.Typer()
    application.command()(success_command)
    return application


def write(path: Path, data: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in data), encoding="utf-8")
    return path


def test_time_split_trains_on_the_older_requests() -> None:
    data = rows()
    random.Random(0).shuffle(data)
    train, test = time_split(data)
    assert len(train) == 42 and len(test) == 18
    assert max(float(r["unix_timestamp_of_request_utc"]) for r in train) < min(  # type: ignore[arg-type]
        float(r["unix_timestamp_of_request_utc"])
        for r in test  # type: ignore[arg-type]
    )


def test_both_scores_separate_clear_cases() -> None:
    result = evaluate_success(rows())
    assert result["n_test"] == 18
    assert result["auc_untrained"] > 0.9
    assert result["auc_trained"] > 0.9


def test_the_sentence_model_stage_and_the_reliability_bins() -> None:
    steps: list[int] = []
    result = evaluate_success(rows(), encode=lambda texts: encode(texts), encode_progress=steps.append)
    details = result["_details"]
    assert sum(steps) == 60  # every request embedded once, train and test
    assert details["auc_embedding_only"] > 0.9  # two texts, told apart by the sentence model
    assert result["auc_trained"] > 0.9
    assert sum(b["n"] for b in details["reliability"]) == result["n_test"]
    table = render_success(result)
    assert "sentence embeddings" in table and "share that got help" in table


def test_reliability_bins_hold_equal_counts_in_order() -> None:
    y = np.array([0, 0, 0, 1, 0, 1, 1, 1, 1, 1])
    chance = np.linspace(0.05, 0.95, 10)
    bins = reliability(y, chance, bins=5)
    assert [b["n"] for b in bins] == [2] * 5
    assert [b["observed"] for b in bins] == [0.0, 0.5, 0.5, 1.0, 1.0]
    assert bins[0]["predicted"] < bins[-1]["predicted"]


def test_a_split_with_one_outcome_is_refused() -> None:
    data = [{**r, "received_help": False} for r in rows()]
    with pytest.raises(ValueError):
        evaluate_success(data)


def test_narratives_beside_the_data_are_used(tmp_path: Path) -> None:
    (tmp_path / "narratives").mkdir()
    (tmp_path / "narratives" / "job.txt").write_text("job\nwork\n", encoding="utf-8")
    assert load_narratives(tmp_path / "dev.jsonl") == {"job": frozenset({"job", "work"})}
    assert "money" in load_narratives(tmp_path / "elsewhere" / "dev.jsonl")


def test_json_with_a_test_file_reports_on_that_file(tmp_path: Path) -> None:
    train = write(tmp_path / "train.jsonl", rows(60, seed=1))
    test = write(tmp_path / "test.jsonl", rows(30, seed=2))
    result = CliRunner().invoke(app(), ["--train", str(train), "--test", str(test), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"n_test", "auc_untrained", "auc_trained"}
    assert data["n_test"] == 30


def test_bad_json_line_exits_2_with_its_line_number(tmp_path: Path) -> None:
    train = tmp_path / "train.jsonl"
    train.write_text(json.dumps(rows(1)[0]) + "\n" + json.dumps(rows(1)[0]) + "\n{oops\n", encoding="utf-8")
    result = CliRunner().invoke(app(), ["--train", str(train), "--json"])
    assert result.exit_code == 2
    assert f"{train}:3" in result.output
    assert "Traceback" not in result.output


def test_missing_required_field_exits_2(tmp_path: Path) -> None:
    train = write(tmp_path / "train.jsonl", [{"request_title": "x"}])
    result = CliRunner().invoke(app(), ["--train", str(train)])
    assert result.exit_code == 2
    assert "received_help" in result.output
