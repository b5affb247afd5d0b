"""Curated phrases: taken from what people wrote, found whole in a need, shown as written."""

from __future__ import annotations

import pytest

from askwell.network.phrases import Need, help_phrases, in_need, matches


class TestHelpPhrases:
    @pytest.mark.parametrize(
        ("text", "phrases"),
        [
            ("Happy to help with debugging a flaky deploy pipeline.", ["debugging a flaky deploy pipeline"]),
            (
                "I can pair with you on reading a Grafana dashboard during an incident.",
                ["reading a Grafana dashboard during an incident"],
            ),
            (
                "I've done a lot of on-call handovers and sizing a PostgreSQL instance; ping me any time.",
                ["on-call handovers", "sizing a PostgreSQL instance"],
            ),
            ("Ask me about P&L reviews, CI/CD", ["P&L reviews", "CI/CD"]),
            ("Happy to help! Thanks.", []),
        ],
    )
    def test_openers_and_filler_are_trimmed_and_the_words_kept_as_written(
        self, text: str, phrases: list[str]
    ) -> None:
        assert help_phrases(text) == phrases


class TestMatches:
    NEED = Need.of(
        text="Pair with me on SQL this week: the numbers don't match our dashboards. About 30 minutes.",
        tags=["SQL"],
    )

    def test_whole_phrases_case_insensitive_with_simple_plurals(self) -> None:
        assert in_need("Dashboard", self.NEED) and in_need("sql", self.NEED)
        assert not in_need("SQL tuning", self.NEED)  # a phrase is found whole or not at all
        assert not in_need("dash", self.NEED)  # whole words only

    def test_a_tag_of_the_need_inside_a_persons_phrase_is_shown_in_the_askers_spelling(self) -> None:
        assert matches(self.NEED, ["untangling a slow sql query"]) == ["SQL"]

    def test_filler_and_numbers_never_match_from_free_text(self) -> None:
        assert matches(self.NEED, ["30", "minutes", "happy", "someone", "this week"]) == []

    def test_a_phrase_of_common_words_matches_only_a_tag(self) -> None:
        assert matches(Need.of(text="Could you go over it with me?"), ["Go"]) == []
        assert matches(Need.of(text="Go question", tags=["Go"]), ["Go"]) == ["Go"]

    def test_shown_as_the_person_wrote_it_once(self) -> None:
        assert matches(self.NEED, ["Dashboards", "dashboard", "SQL"]) == ["Dashboards", "SQL"]
