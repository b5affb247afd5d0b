"""The help-need finder: its interface, its clauses, and answers whose reading is not in doubt.

The examples here are written for these tests (not taken from the labelled sets, which score the model in
``test_needs_sets.py``); they are the plain cases any model worth shipping must get right.
"""

from __future__ import annotations

import dataclasses

import pytest

from askwell.standups.needs import (
    FEATURE_VERSION,
    SHIPPED_PATH,
    Need,
    NeedsModel,
    NeedsModelInvalid,
    clause_features,
    clauses,
    find_need,
    load_model,
    shipped_model,
)

NEEDS = [
    "Finished the migration, but I'm blocked on the Stripe webhook signature, no idea who knows their API",
    "Could someone review PR #12 before 3pm? It blocks the release.",
    "Waiting on legal for the contract redlines, can anyone nudge them?",
    "I need help setting up the new label printer at pack station 2.",
]
NO_NEEDS = [
    "No blockers today.",
    "Worked on the Q3 forecast.",
    "Closed out the two escalations from Friday.",
    "",
    "   \n  ",
]


@pytest.mark.parametrize("text", NEEDS)
def test_a_stated_need_is_found_with_its_offsets(text: str) -> None:
    need = find_need(text)
    assert need is not None
    assert text[need.start : need.end] == need.text
    assert need.text == need.text.strip()
    assert 0.0 <= need.confidence <= 1.0


@pytest.mark.parametrize("text", NO_NEEDS)
def test_an_answer_without_a_need_gives_none(text: str) -> None:
    assert find_need(text) is None


def test_the_need_is_the_clause_that_states_it_not_the_whole_answer() -> None:
    text = NEEDS[0]
    need = find_need(text)
    assert need is not None
    assert need.start > text.index("but")
    assert "Finished the migration" not in need.text


def test_need_is_frozen() -> None:
    need = Need(start=0, end=3, text="abc", confidence=0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        need.start = 1  # type: ignore[misc]


def test_clauses_split_sentences_lines_and_contrasts_and_trim_them() -> None:
    text = "- Shipped the fix.\n- Still stuck on CI; but the logs look fine, though I can't reproduce it"
    assert [(text[c.start : c.end], c.sentence) for c in clauses(text)] == [
        ("Shipped the fix.", 0),
        ("Still stuck on CI", 1),
        ("the logs look fine", 2),
        ("I can't reproduce it", 2),
    ]


def test_clauses_split_commas_and_a_new_subject_after_and() -> None:
    text = "Printer keeps jamming and I dont know who to call, any ideas?"
    assert [text[c.start : c.end] for c in clauses(text)] == [
        "Printer keeps jamming",
        "I dont know who to call",
        "any ideas?",
    ]


def test_clauses_of_an_empty_or_punctuation_only_answer_are_none() -> None:
    assert clauses("") == []
    assert clauses(" ... \n - ") == []


def test_a_huge_answer_is_read_up_to_the_cap_without_error() -> None:
    text = "Worked on the dashboard. " * 5000 + "Can anyone help me with the deploy?"
    need = find_need(text)
    assert need is None or text[need.start : need.end] == need.text


def test_features_mark_the_cues() -> None:
    f = clause_features("I need someone to review my PR?", 0, 1)
    assert {"q:first_person_need", "q:question", "q:only_clause"} <= f.keys()
    assert "q:ask_others" in clause_features("can anyone cover my shift", 0, 1)
    assert "q:offer" in clause_features("happy to help anyone with CPQ", 0, 1)
    assert "q:no_need" in clause_features("no blockers", 1, 2)
    assert "q:resolved_past" in clause_features("sorted that yesterday", 0, 2)


def test_the_shipped_model_loads_once_and_matches_these_features() -> None:
    assert shipped_model() is shipped_model()
    model = load_model(SHIPPED_PATH)
    assert model.feature_version == FEATURE_VERSION
    assert 0.0 < model.threshold < 1.0
    assert model.training["sets"], "the shipped model records what it was trained on"


def test_a_model_for_other_features_is_refused(tmp_path: pytest.TempPathFactory) -> None:
    model = load_model(SHIPPED_PATH)
    other = dataclasses.replace(model, feature_version=FEATURE_VERSION + 1)
    path = tmp_path / "needs.json"  # type: ignore[operator]
    path.write_text(other.to_json(), encoding="utf-8")
    with pytest.raises(NeedsModelInvalid):
        load_model(path)


def test_the_model_round_trips_through_json() -> None:
    model = load_model(SHIPPED_PATH)
    assert NeedsModel.from_json(model.to_json()) == model
