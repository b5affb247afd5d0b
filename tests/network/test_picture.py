"""The network picture's pure parts: one colour per kind of tie, and a tie's strength told in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from askwell.network.picture import KINDS, layout, tie_in_words

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def words(times: int, first_days: float, last_days: float, origins: list[str]) -> str:
    return tie_in_words(
        interactions=times,
        first_at=NOW - timedelta(days=first_days),
        last_at=NOW - timedelta(days=last_days),
        origins=origins,
        now=NOW,
    )


class TestTieInWords:
    @pytest.mark.parametrize(
        ("times", "first", "last", "origins", "expected"),
        [
            (
                4,
                90,
                14,
                ["help_given", "thanks"],
                "4 times in the last 3 months, most recently 2 weeks ago, through help given and thanks",
            ),
            (1, 3, 3, ["offer"], "once, 3 days ago, through offers of help"),
            (3, 0.2, 0.1, ["same_team"], "3 times today, through being in the same team"),
            (
                6,
                800,
                420,
                ["imported", "help_given", "help_given"],
                "6 times in the last 2 years, most recently 14 months ago, through an imported contact list and help given",
            ),
            (2, 9, 1.5, [], "2 times in the last 9 days, most recently yesterday"),
        ],
    )
    def test_says_how_often_how_long_how_recently_and_how(
        self, times: int, first: float, last: float, origins: list[str], expected: str
    ) -> None:
        assert words(times, first, last, origins) == expected

    def test_never_a_percentage_or_an_internal_code(self) -> None:
        text = words(5, 200, 30, ["help_given", "standup", "ring", "message", "intro", "thanks", "offer"])
        assert "%" not in text and "_" not in text and "strength" not in text

    def test_an_unknown_origin_is_left_out_rather_than_shown_raw(self) -> None:
        assert words(2, 30, 2, ["some_new_origin"]) == "2 times in the last 4 weeks, most recently 2 days ago"


def test_every_drawn_kind_has_its_colour_and_words_in_one_place() -> None:
    picture = layout(
        inner=[(1, "Fay Friend", 0.8)],
        two_step=[(2, "Someone Fay knows", 0.2, 1)],
        dormant=[(3, "Olly Old", 0.5)],
    )
    assert {n.ring for n in picture.nodes} == set(picture.kinds) == set(KINDS)
    assert len({k.colour for k in KINDS.values()}) == len(KINDS)
    assert [n.label for n in picture.nodes] == ["FF", "SF", "OO"]
