"""Every committed labelled set of stand-up answers is scored on each run, as a set the model did not see.

For each set in ``data/standups/``, the needs model is refitted on the *other* sets with the shipped
settings (C and threshold) and scored on the set left out. The floors below sit honestly under the
leave-one-set-out figures in ``docs/evaluation.md`` (which also choose C and the threshold without the
set), so a change to the features or the clauses that helps one set but breaks another fails here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from askwell.evals.standups import default_label_files, labelled_sets
from askwell.standups.needs import shipped_model
from askwell.standups.needs_learn import featurise, fit, predict, probabilities, score

ROOT = Path(__file__).resolve().parents[2]
FILES = default_label_files(ROOT)
# Per set: (F1 of "needs help", need span overlap), each a little under what leave-one-set-out gives.
FLOORS: dict[str, tuple[float, float]] = {
    "standups_set1": (0.88, 0.85),
    "standups_set2": (0.90, 0.78),
    "standups_set3": (0.90, 0.83),
    "standups_set4": (0.86, 0.74),
    "standups_set5": (0.86, 0.76),
}


def test_every_committed_set_has_a_floor() -> None:
    assert FILES, "no labelled stand-up sets found in data/standups/"
    assert [p.stem for p in FILES if p.stem not in FLOORS] == []


@pytest.fixture(scope="module")
def held_out() -> dict[str, dict[str, object]]:
    sets = labelled_sets(FILES)
    data = featurise(sets)
    model = shipped_model()
    out: dict[str, dict[str, object]] = {}
    for index, labelled in enumerate(sets):
        inside = data.answer_set == index
        p = probabilities(data, fit(data, ~inside, C=model.C), inside)
        answers = np.flatnonzero(inside)
        predicted = predict(data, p, model.threshold, model.extend_above, answers)
        out[labelled.name] = score([data.answer_rows[a] for a in answers], predicted)
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_set_left_out_keeps_its_floor(path: Path, held_out: dict[str, dict[str, object]]) -> None:
    result = held_out[path.stem]
    f1_floor, overlap_floor = FLOORS[path.stem]
    f1 = result["help_needed"]["f1"]  # type: ignore[index]
    overlap = result["need_span_overlap"]
    assert f1 >= f1_floor, f"F1 {f1} under its floor {f1_floor} on {path.name}"
    assert overlap is not None and overlap >= overlap_floor, f"span overlap {overlap} under {overlap_floor}"
