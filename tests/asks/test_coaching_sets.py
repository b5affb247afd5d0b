"""Every labelled ask set is scored on each run, so a rule that fixes one sentence cannot silently break ten.

The rules alone are scored here (about a second, no sentence model); the combined coaching is held to its
own recorded figures in ``test_coaching_judge.py``, which loads the model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from askwell.asks.coaching import CRITERIA
from askwell.evals.coaching import LABEL_FIELDS, default_label_files, evaluate_coaching, read_jsonl

ROOT = Path(__file__).resolve().parents[2]
RECORDED = json.loads((ROOT / "data" / "asks" / "coaching_f1.json").read_text(encoding="utf-8"))
SLACK = 0.02
FILES = default_label_files(ROOT)


def test_every_labelled_set_has_recorded_figures() -> None:
    fresh = sorted(p.stem for p in (ROOT / "data" / "asks").glob("smart_fresh*.jsonl"))
    assert fresh, "no labelled sets found"
    assert [name for name in fresh if name not in RECORDED] == []


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_rules_keep_their_recorded_f1_on_each_set(path: Path) -> None:
    result = evaluate_coaching(read_jsonl(path, LABEL_FIELDS))
    recorded = RECORDED[path.stem]["rules"]
    below = {
        c: (result["criteria"][c]["f1"], recorded[c])
        for c in CRITERIA
        if result["criteria"][c]["f1"] < recorded[c] - SLACK
    }
    assert below == {}, f"F1 (now, recorded) fell by more than {SLACK} on {path.name}"
