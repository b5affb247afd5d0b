import numpy as np
import pytest

from askwell.matching.vector_index import VectorIndex

DIM = 64


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _ids(hits: list) -> list:
    return [item for item, _score in hits]


class TestExactIndex:
    def test_finds_the_true_nearest_rows(self) -> None:
        vectors = _unit(500, seed=1)
        index = VectorIndex(DIM, capacity=8)  # small capacity: growth is exercised too
        index.upsert(list(range(500)), vectors)
        query = vectors[42]
        expected = np.argsort(-(vectors @ query))[:5].tolist()
        hits = index.search(query, 5)
        assert _ids(hits) == expected
        assert hits[0][1] == pytest.approx(1.0, abs=1e-5)

    def test_update_replaces_a_vector_in_place(self) -> None:
        vectors = _unit(3, seed=2)
        index = VectorIndex(DIM)
        index.upsert(["a", "b", "c"], vectors)
        index.upsert(["a"], vectors[2:3])
        assert len(index) == 3
        assert set(_ids(index.search(vectors[2], 2))) == {"a", "c"}

    def test_remove_keeps_the_other_rows_findable(self) -> None:
        vectors = _unit(4, seed=3)
        index = VectorIndex(DIM)
        index.upsert(["a", "b", "c", "d"], vectors)
        index.remove(["b", "unknown"])
        assert "b" not in index and len(index) == 3
        for position, item in ((0, "a"), (2, "c"), (3, "d")):
            assert _ids(index.search(vectors[position], 1)) == [item]

    def test_wrong_dimension_is_refused(self) -> None:
        with pytest.raises(ValueError, match="dimension"):
            VectorIndex(DIM).upsert(["a"], np.zeros((1, DIM + 1), dtype=np.float32))

    def test_k_larger_than_the_index(self) -> None:
        index = VectorIndex(DIM)
        index.upsert(["a", "b"], _unit(2, seed=4))
        assert len(index.search(_unit(1, seed=5)[0], 10)) == 2
