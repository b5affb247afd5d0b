import pytest

from askwell.matching.lexical import LexicalIndex, light_stem, tokenize


class TestTokenize:
    def test_stop_words_are_dropped_and_case_folded(self) -> None:
        assert tokenize("What is THE best IPA?") == ["best", "ipa"]

    @pytest.mark.parametrize(
        ("words", "stem"),
        [
            (("brewing", "brewed", "brews"), "brew"),
            (("hops", "hopped"), "hop"),
            (("queries", "query"), "query"),
        ],
    )
    def test_word_forms_share_a_stem(self, words: tuple[str, ...], stem: str) -> None:
        assert {light_stem(word) for word in words} == {stem}

    def test_request_and_scheduling_words_are_not_topics(self) -> None:
        text = "Need help with Kubernetes: someone for a few minutes before Thursday?"
        assert tokenize(text) == [light_stem("kubernetes")]

    def test_short_words_and_double_s_are_left_alone(self) -> None:
        assert [light_stem(w) for w in ("ale", "bus", "glass")] == ["ale", "bus", "glass"]


class TestLexicalIndex:
    def _index(self) -> LexicalIndex:
        return LexicalIndex(
            ["ana", "ben", "cy"],
            [
                "kubernetes helm charts and ingress controllers",
                "sourdough baking and bread fermentation",
                "postgres replication, kubernetes operators",
            ],
        )

    def test_best_match_first_and_non_matches_left_out(self) -> None:
        hits = self._index().search("How do I write Helm charts for Kubernetes?", 3)
        assert [item for item, _ in hits] == ["ana", "cy"]
        assert hits[0][1] > hits[1][1] > 0

    def test_another_word_form_still_matches(self) -> None:
        assert [item for item, _ in self._index().search("fermenting", 3)] == ["ben"]

    def test_query_of_only_stop_words_finds_nothing(self) -> None:
        assert self._index().search("what is the", 3) == []

    def test_scores_cover_every_document_in_id_order(self) -> None:
        scores = self._index().scores("bread")
        assert scores.shape == (3,) and scores[1] > 0 and scores[0] == scores[2] == 0

    def test_empty_index(self) -> None:
        assert LexicalIndex([], []).search("anything", 5) == []

    def test_duplicate_ids_are_refused(self) -> None:
        with pytest.raises(ValueError, match="unique"):
            LexicalIndex(["a", "a"], ["x", "y"])


def test_profiles_without_a_single_word_match_nothing_instead_of_failing() -> None:
    index = LexicalIndex([1, 2], ["", "  "])
    assert index.search("kafka retries", 5) == []
    assert list(index.scores("kafka")) == [0.0, 0.0]
