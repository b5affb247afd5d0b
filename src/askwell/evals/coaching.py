"""Scores SMART coaching against hand-labelled asks: per-criterion accuracy and F1, and deadline recall."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from askwell.asks.coaching import CRITERIA, CRITERION_NAMES, AskDraft, review
from askwell.asks.coaching.judge import Judge
from askwell.asks.coaching.learn import LabelledSet, LosoResult

# The labelled texts carry no dates, so relative phrases ("by Friday") are resolved against one fixed
# moment: a Monday morning, so every weekday phrase lands in the coming week.
EVAL_NOW = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("America/New_York"))
LABEL_FIELDS = ("id", "text", *CRITERIA, "due_text")


class EvalInputError(ValueError):
    """Bad evaluation input, reported as one line (with the line number when there is one)."""


def read_jsonl(path: Path, required: Iterable[str]) -> list[dict[str, Any]]:
    """Reads one JSON object a line, failing on the first malformed line with its number."""
    if not path.is_file():
        raise EvalInputError(f"{path}: file not found")
    needed = tuple(required)
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvalInputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise EvalInputError(f"{path}:{number}: expected a JSON object")
            missing = [f for f in needed if f not in row]
            if missing:
                raise EvalInputError(f"{path}:{number}: missing field(s) {', '.join(missing)}")
            rows.append(row)
    if not rows:
        raise EvalInputError(f"{path}: no rows")
    return rows


@dataclass(frozen=True)
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, predicted: bool, gold: bool) -> _Counts:
        return _Counts(
            self.tp + (predicted and gold),
            self.fp + (predicted and not gold),
            self.fn + (not predicted and gold),
            self.tn + (not predicted and not gold),
        )

    @property
    def f1(self) -> float:
        # "weak" counts as not met: the labels are binary and a weak criterion still needs a rewrite.
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 1.0

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0


def evaluate_coaching(
    rows: list[dict[str, Any]],
    *,
    now: datetime = EVAL_NOW,
    progress: Callable[[], None] | None = None,
    judge: Judge | None = None,
) -> dict[str, Any]:
    """Runs the review on every labelled ask and compares it with the labels (the rules alone without
    a ``judge``)."""
    counts = {c: _Counts() for c in CRITERIA}
    timed = found = 0
    tz = now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else ZoneInfo("UTC")
    if judge is not None:
        # One batch fills the judge's cache: the model embeds 64 texts far faster than 64 one by one.
        for at in range(0, len(rows), 64):
            judge.embed([str(row["text"]).strip() for row in rows[at : at + 64]])
    for row in rows:
        text = str(row["text"])
        result = review(AskDraft(text), now=now, tz=tz, judge=judge)
        for c in CRITERIA:
            counts[c] = counts[c].add(result.status(c) == "met", bool(row[c]))
        due_text = row.get("due_text")
        if row["T"] and due_text:
            timed += 1
            found += _overlaps(text, str(due_text), result.deadline)
        if progress is not None:
            progress()
    criteria = {c: {"f1": round(counts[c].f1, 4), "accuracy": round(counts[c].accuracy, 4)} for c in CRITERIA}
    return {
        "n": len(rows),
        "criteria": criteria,
        "macro_f1": round(sum(counts[c].f1 for c in CRITERIA) / len(CRITERIA), 4),
        "deadline_found": round(found / timed, 4) if timed else 1.0,
    }


def _overlaps(text: str, due_text: str, deadline: Any) -> bool:
    if deadline is None:
        return False
    at = text.lower().find(due_text.lower())
    if at < 0:
        return False
    return bool(deadline.start < at + len(due_text) and at < deadline.end)


def render_coaching(
    result: dict[str, Any],
    *,
    command: str | None = None,
    when: datetime | None = None,
    title: str = "SMART coaching",
    procedure: str | None = None,
) -> str:
    """Markdown table of the figures, with how they were produced."""
    lines = [f"## {title}", ""]
    if command:
        lines += [f"Command: `{command}`" + (f" (run {when:%Y-%m-%d %H:%M} UTC)" if when else ""), ""]
    lines += [
        f"{result['n']} labelled asks; relative dates resolved against {EVAL_NOW:%A %Y-%m-%d %H:%M} "
        f'{EVAL_NOW.tzinfo}. F1 is for the class "met" (a "weak" verdict counts as not met).',
        "",
        *([procedure, ""] if procedure else []),
        "| criterion | accuracy | F1 (met) |",
        "|---|---:|---:|",
    ]
    for c in CRITERIA:
        figures = result["criteria"][c]
        lines.append(f"| {c} — {CRITERION_NAMES[c]} | {figures['accuracy']:.3f} | {figures['f1']:.3f} |")
    lines += [
        f"| **macro F1** | | **{result['macro_f1']:.3f}** |",
        "",
        f"Deadline text located for {result['deadline_found']:.1%} of time-bound asks (overlapping spans).",
    ]
    return "\n".join(lines) + "\n"


# The labelled sets, in the order LOSO lists them: the development set, then each fresh set by number.
DEV_SET = Path("../shared/data/asks/smart_dev.jsonl")
FRESH_DIR = Path("data/asks")


def default_label_files(root: Path = Path()) -> list[Path]:
    """The development set (when the shared data is there) and every ``data/asks/smart_fresh<N>.jsonl``."""
    fresh = sorted(
        (root / FRESH_DIR).glob("smart_fresh*.jsonl"),
        key=lambda p: int("".join(ch for ch in p.stem if ch.isdigit()) or 0),
    )
    dev = root / DEV_SET
    return ([dev] if dev.is_file() else []) + fresh


def labelled_sets(paths: Iterable[Path]) -> list[LabelledSet]:
    return [LabelledSet(p.stem, read_jsonl(p, LABEL_FIELDS)) for p in paths]


LOSO_PROCEDURE = (
    "Split: leave one labelled set out (each set was written by a different person), train on the others, "
    "score the one left out; every set in turn. Selection: for each left-out set, the regularisation C and "
    "how far the model must disagree to overrule the rules are chosen per criterion by the same "
    "leave-one-set-out over the remaining sets only (nested), so no figure below saw its own set. The rules "
    "themselves were written while reading all these sets, so their share of each figure is development data."
)


def render_loso(result: LosoResult, *, command: str | None = None, when: datetime | None = None) -> str:
    """Per set and criterion, the rules alone and the combined coaching; then the mean and the worst set."""
    lines = ["## SMART coaching — leave one set out", ""]
    if command:
        lines += [f"Command: `{command}`" + (f" (run {when:%Y-%m-%d %H:%M} UTC)" if when else ""), ""]
    lines += [
        LOSO_PROCEDURE,
        "",
        "F1 (met) per left-out set, rules alone → rules with the learned judgement:",
        "",
    ]
    lines += ["| left-out set | " + " | ".join(CRITERIA) + " |", "|---|" + "---:|" * len(CRITERIA)]
    for name in result.sets:
        cells = [f"{result.rules[name][c]:.3f} → {result.combined[name][c]:.3f}" for c in CRITERIA]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    rules, combined = result.summary("rules"), result.summary("combined")
    for key, label in (("mean", "**mean**"), ("worst", "**worst set**")):
        cells = [f"{rules[c][key]:.3f} → **{combined[c][key]:.3f}**" for c in CRITERIA]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Chosen per criterion when each set was left out:", ""]
    lines += ["| left-out set | " + " | ".join(CRITERIA) + " |", "|---|" + "---|" * len(CRITERIA)]
    for name in result.sets:
        lines.append(f"| {name} | " + " | ".join(result.chosen[name][c] for c in CRITERIA) + " |")
    return "\n".join(lines) + "\n"


def loso_json(result: LosoResult) -> dict[str, Any]:
    return {
        "procedure": LOSO_PROCEDURE,
        "sets": result.sets,
        "rules": result.rules,
        "combined": result.combined,
        "chosen": result.chosen,
        "summary": {"rules": result.summary("rules"), "combined": result.summary("combined")},
    }
