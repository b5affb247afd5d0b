import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from askwell.cli.eval_coaching import coaching_command
from askwell.evals.coaching import evaluate_coaching

GOOD = {
    "id": "a",
    "text": "Could you review my PR #12 by Friday? It's blocking the release.",
    "S": True,
    "M": True,
    "A": True,
    "R": True,
    "T": True,
    "kind": "review",
    "due_text": "by Friday",
    "note": None,
}
VAGUE = {
    **GOOD,
    "id": "b",
    "text": "any thoughts?",
    "S": False,
    "M": False,
    "A": False,
    "T": False,
    "due_text": None,
}


def app() -> typer.Typer:
    application = typer.Typer()
    application.command()(coaching_command)
    return application


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_perfect_agreement_gives_f1_one_and_finds_the_deadline() -> None:
    result = evaluate_coaching([GOOD, VAGUE])
    assert result["n"] == 2
    assert result["criteria"]["A"] == {"f1": 1.0, "accuracy": 1.0}
    assert result["deadline_found"] == 1.0


def test_a_wrong_label_lowers_accuracy_and_f1() -> None:
    result = evaluate_coaching([GOOD, {**VAGUE, "A": True}])
    assert result["criteria"]["A"]["accuracy"] == 0.5
    assert result["criteria"]["A"]["f1"] < 1.0


def test_deadline_not_in_the_text_counts_as_not_found() -> None:
    result = evaluate_coaching(
        [{**GOOD, "text": "Could you review my PR #12? It blocks the release.", "due_text": "x"}]
    )
    assert result["deadline_found"] == 0.0


def test_json_output_is_one_object_with_the_contract_shape(tmp_path: Path) -> None:
    labels = write(tmp_path / "labels.jsonl", [GOOD, VAGUE])
    result = CliRunner().invoke(app(), ["--labels", str(labels), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"n", "criteria", "macro_f1", "deadline_found"}
    assert set(data["criteria"]) == set("SMART")


def test_report_writes_its_own_section(tmp_path: Path) -> None:
    labels = write(tmp_path / "labels.jsonl", [GOOD, VAGUE])
    doc = tmp_path / "evaluation.md"
    result = CliRunner().invoke(app(), ["--labels", str(labels), "--report", str(doc)])
    assert result.exit_code == 0
    text = doc.read_text()
    assert "<!-- eval:coaching:start -->" in text
    assert "askwell eval coaching --labels" in text


def test_malformed_line_exits_2_naming_the_line(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text(json.dumps(GOOD) + "\n{not json\n", encoding="utf-8")
    result = CliRunner().invoke(app(), ["--labels", str(labels), "--json"])
    assert result.exit_code == 2
    assert f"{labels}:2" in result.output
    assert "Traceback" not in result.output


def test_missing_field_and_missing_file_exit_2(tmp_path: Path) -> None:
    labels = write(tmp_path / "labels.jsonl", [{"id": "x", "text": "hi"}])
    assert CliRunner().invoke(app(), ["--labels", str(labels)]).exit_code == 2
    assert CliRunner().invoke(app(), ["--labels", str(tmp_path / "nope.jsonl")]).exit_code == 2


def test_each_label_set_keeps_its_own_report_section(tmp_path: Path) -> None:
    labels, report = write(tmp_path / "fresh.jsonl", [GOOD, VAGUE]), tmp_path / "evaluation.md"
    CliRunner().invoke(app(), ["--labels", str(labels), "--report", str(report)])
    result = CliRunner().invoke(
        app(), ["--labels", str(labels), "--report", str(report), "--section", "coaching-fresh"]
    )
    assert result.exit_code == 0
    text = report.read_text(encoding="utf-8")
    assert "<!-- eval:coaching:start -->" in text and "<!-- eval:coaching-fresh:start -->" in text
    assert "## SMART coaching — fresh.jsonl" in text and "--section coaching-fresh" in text


def test_a_section_name_that_could_break_the_report_exits_2(tmp_path: Path) -> None:
    labels = write(tmp_path / "fresh.jsonl", [GOOD])
    result = CliRunner().invoke(app(), ["--labels", str(labels), "--section", "a -->b"])
    assert result.exit_code == 2
