"""The coaching word lists are data (``asks/lexicon.toml``): each word says one thing."""

from __future__ import annotations

import tomllib
from collections import Counter
from importlib import resources

from askwell.asks import lexicon as lx


def _data() -> dict[str, object]:
    with resources.files("askwell.asks").joinpath("lexicon.toml").open("rb") as f:
        return tomllib.load(f)


def test_each_action_verb_has_one_effort() -> None:
    """A verb listed under two efforts would silently take the later one."""
    groups = _data()["action_effort"]
    assert isinstance(groups, dict)
    counts = Counter(word for words in groups.values() for word in words)
    assert [w for w, n in counts.items() if n > 1] == []
    assert set(groups) == {"quick", "medium", "large", "standing"}


def test_word_lists_hold_no_repeats_and_lower_case_words() -> None:
    words = _data()["words"]
    assert isinstance(words, dict)
    for name, listed in words.items():
        assert len(listed) == len(set(listed)), name
        assert all(w == w.lower() and w.strip() == w and w for w in listed), name


def test_the_module_reads_the_data() -> None:
    assert lx.ACTION_EFFORT["send"] == lx.QUICK
    assert lx.ACTION_EFFORT["own"] == lx.STANDING
    assert lx.VERB_FORMS["written"] == "write"
    assert "someone" in lx.PERSON_SUBJECTS
    assert lx.ADDRESSEE_TYPOS["sombody"] == "somebody"
