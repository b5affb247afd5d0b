"""`askwell eval standups`: the scoring, the JSON it prints, training and leave-one-set-out on small sets."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from askwell.cli.eval_standups import standups_command
from askwell.standups.needs import clauses, load_model
from askwell.standups.needs_learn import clause_labels, score, span_overlap

NEED = {
    "text": "Shipped the report. Could someone review PR #12 before 3pm?",
    "help_needed": True,
    "need": "Could someone review PR #12 before 3pm",
    "question": "help_needed",
    "sector": "engineering",
}
NONE = {
    "text": "No blockers today.",
    "help_needed": False,
    "need": None,
    "question": "help_needed",
    "sector": "sales",
}


def app() -> typer.Typer:
    application = typer.Typer()
    application.command()(standups_command)
    return application


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_span_overlap_is_token_jaccard() -> None:
    assert span_overlap("Could someone review PR #12?", "could someone review PR 12") == 1.0
    assert span_overlap("review PR", "review the PR") == 2 / 3
    assert span_overlap("abc", "xyz") == 0.0


def test_score_counts_answers_and_overlaps_true_positives_only() -> None:
    start = NEED["text"].index("Could")  # type: ignore[attr-defined]
    result = score([NEED, NONE, {**NEED}], [(start, len(str(NEED["text"]))), (0, 3), None])
    assert result["n"] == 3
    assert result["help_needed"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert result["need_span_overlap"] == 1.0


def test_score_with_no_true_positive_has_no_overlap() -> None:
    assert score([NONE], [None]) == {
        "n": 1,
        "help_needed": {"precision": 1.0, "recall": 1.0, "f1": 1.0},
        "need_span_overlap": None,
    }


def test_clause_labels_mark_the_clauses_of_the_need_span() -> None:
    text = str(NEED["text"])
    assert clause_labels(text, clauses(text), str(NEED["need"])) == [False, True]
    assert clause_labels(text, clauses(text), "someone review the PR by 3pm") == [False, True]
    assert clause_labels(text, clauses(text), None) is None


def test_json_output_has_exactly_the_agreed_keys(tmp_path: Path) -> None:
    labels = write(tmp_path / "set.jsonl", [NEED, NONE])
    result = CliRunner().invoke(app(), ["--labels", str(labels), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"n", "help_needed", "need_span_overlap"}
    assert set(out["help_needed"]) == {"precision", "recall", "f1"}
    assert out["n"] == 2


def test_a_bad_labels_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(app(), ["--labels", str(bad), "--json"])
    assert result.exit_code == 2
    assert "missing field" in result.output


def test_train_then_loso_on_small_sets(tmp_path: Path) -> None:
    needs = [
        "Could someone review my PR before lunch?",
        "I'm blocked on the VPN, who can reset my token?",
        "Need help with the pricing sheet, anyone free?",
        "Stuck on the export job, no idea why it fails.",
    ]
    fine = ["No blockers.", "Closed two tickets.", "All good, nothing needed.", "Fixed the build yesterday."]
    paths = []
    for k in range(3):
        rows = [
            {
                "text": f"Wrapped up item {k}. {t}",
                "help_needed": True,
                "need": t,
                "question": "q",
                "sector": "s",
            }
            for t in needs
        ] + [{"text": t, "help_needed": False, "need": None, "question": "q", "sector": "s"} for t in fine]
        paths.append(write(tmp_path / f"standups_set{k + 1}.jsonl", rows))
    args = [a for p in paths for a in ("--labels", str(p))]
    model_path = tmp_path / "needs.json"
    trained = CliRunner().invoke(app(), [*args, "--train", str(model_path), "--loso", "--json"])
    assert trained.exit_code == 0, trained.output
    out = json.loads(trained.stdout)
    assert set(out["loso"]["sets"]) == {"standups_set1", "standups_set2", "standups_set3"}
    assert {"mean", "worst"} <= out["loso"].keys()
    model = load_model(model_path)
    assert set(model.training["sets"]) == {"standups_set1", "standups_set2", "standups_set3"}
    scored = CliRunner().invoke(app(), ["--labels", str(paths[0]), "--model", str(model_path), "--json"])
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.stdout)["help_needed"]["f1"] >= 0.8


def test_loso_needs_two_sets(tmp_path: Path) -> None:
    labels = write(tmp_path / "set.jsonl", [NEED, NONE])
    result = CliRunner().invoke(app(), ["--labels", str(labels), "--loso"])
    assert result.exit_code == 2
