import pytest

from askwell.matching.fusion import RRF_K, reciprocal_rank_fusion


def test_agreement_between_lists_wins() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])
    assert [item for item, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))


def test_an_item_in_one_list_only_still_appears() -> None:
    assert {item for item, _ in reciprocal_rank_fusion([["a"], ["b"]])} == {"a", "b"}


def test_weights_favour_one_list() -> None:
    fused = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], weights=[2.0, 1.0])
    assert fused[0][0] == "a"


def test_one_weight_per_list_is_required() -> None:
    with pytest.raises(ValueError, match="one weight per ranking"):
        reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0])
