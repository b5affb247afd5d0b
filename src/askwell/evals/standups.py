"""Scores help-need detection in stand-up answers against labelled sets; the leave-one-set-out table.

Labels: one JSON object a line, ``{"text", "help_needed", "need", "question", "sector"}`` (``need`` is
the span of ``text`` that states the need, or null). The result is
``{"n", "help_needed": {"precision", "recall", "f1"}, "need_span_overlap"}``: precision, recall and F1
of the answer-level decision "this answer needs help", and, over the true positives, the mean token-level
Jaccard between the predicted span and the labelled one (lower-cased word tokens, ``\\w+``, as sets).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from askwell.evals.coaching import read_jsonl
from askwell.standups.needs import NeedsModel, find_need_with
from askwell.standups.needs_learn import LabelledSet, LosoRow, score, summary

LABEL_FIELDS = ("text", "help_needed", "need")
SETS_DIR = Path("data/standups")


def default_label_files(root: Path = Path()) -> list[Path]:
    """Every ``data/standups/standups_set<N>.jsonl``, in the order of N."""
    return sorted(
        (root / SETS_DIR).glob("standups_set*.jsonl"),
        key=lambda p: int("".join(ch for ch in p.stem if ch.isdigit()) or 0),
    )


def labelled_sets(paths: Iterable[Path]) -> list[LabelledSet]:
    return [LabelledSet(p.stem, read_jsonl(p, LABEL_FIELDS)) for p in paths]


def evaluate_standups(rows: Sequence[dict[str, Any]], model: NeedsModel) -> dict[str, Any]:
    """Precision, recall and F1 of "needs help", and the span overlap over the true positives."""
    predicted: list[tuple[int, int] | None] = []
    for row in rows:
        need = find_need_with(str(row["text"]), model)
        predicted.append(None if need is None else (need.start, need.end))
    return score(rows, predicted)


def _f(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render_standups(
    result: dict[str, Any], *, name: str, procedure: str, command: str | None, when: datetime | None
) -> str:
    lines = [f"## Stand-up help needs — {name}", ""]
    if command:
        lines += [f"Command: `{command}`" + (f" (run {when:%Y-%m-%d %H:%M} UTC)" if when else ""), ""]
    hn = result["help_needed"]
    lines += [
        procedure,
        "",
        "| answers | precision | recall | F1 | need span overlap (token Jaccard, true positives) |",
        "|---:|---:|---:|---:|---:|",
        f"| {result['n']} | {hn['precision']:.3f} | {hn['recall']:.3f} | {hn['f1']:.3f} "
        f"| {_f(result['need_span_overlap'])} |",
    ]
    return "\n".join(lines) + "\n"


LOSO_PROCEDURE = (
    "Split: leave one labelled set out (each set was written by a different person who never saw the code), "
    "train the clause model on the others, score the one left out; every set in turn. Selection: the "
    "regularisation C and the answer threshold (best mean F1), then how sure a neighbouring clause must be to "
    "widen the span (best mean span overlap), are chosen for each left-out set by the same leave-one-set-out "
    "over the remaining sets only (nested; five folds when only one set remains), so no figure below saw its "
    "own set. Span overlap: mean token-level Jaccard (lower-cased `\\w+` tokens) between predicted and "
    "labelled need spans over the true positives."
)


def render_loso(rows: Sequence[LosoRow], *, command: str | None, when: datetime | None) -> str:
    lines = ["## Stand-up help needs — leave one set out", ""]
    if command:
        lines += [f"Command: `{command}`" + (f" (run {when:%Y-%m-%d %H:%M} UTC)" if when else ""), ""]
    lines += [
        LOSO_PROCEDURE,
        "",
        "| left-out set | answers | precision | recall | F1 | span overlap | chosen C, threshold, widen |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        hn = r.result["help_needed"]
        lines.append(
            f"| {r.name} | {r.result['n']} | {hn['precision']:.3f} | {hn['recall']:.3f} | {hn['f1']:.3f} "
            f"| {_f(r.result['need_span_overlap'])} | C={r.choice.C:g}, t={r.choice.threshold:g}, "
            f"w={r.choice.extend_above:g} |"
        )
    s = summary(rows)
    for label in ("mean", "worst"):
        v = s[label]
        lines.append(
            f"| **{label}** | | {v['precision']:.3f} | {v['recall']:.3f} | **{v['f1']:.3f}** "
            f"| {_f(v.get('need_span_overlap'))} | |"
        )
    return "\n".join(lines) + "\n"


def loso_json(rows: Sequence[LosoRow]) -> dict[str, Any]:
    return {
        "sets": {
            r.name: {
                **r.result,
                "chosen": {
                    "C": r.choice.C,
                    "threshold": r.choice.threshold,
                    "extend_above": r.choice.extend_above,
                },
            }
            for r in rows
        },
        **summary(rows),
    }
