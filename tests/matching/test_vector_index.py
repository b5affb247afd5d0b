import numpy as np
import pytest

from askwell.matching.vector_index import QuantizedVectorIndex, VectorIndex

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


class TestQuantizedIndex:
    def test_recall_at_10_close_to_exact_on_random_data(self) -> None:
        vectors = _unit(5000, seed=6)
        exact, quantized = VectorIndex(DIM), QuantizedVectorIndex(DIM)
        exact.upsert(list(range(5000)), vectors)
        quantized.upsert(list(range(5000)), vectors)
        queries = _unit(30, seed=7)  # unrelated queries: scores are close together, the hard case
        recall = np.mean(
            [len(set(_ids(exact.search(q, 10))) & set(_ids(quantized.search(q, 10)))) / 10 for q in queries]
        )
        assert recall >= 0.95

    def test_scores_are_exact_after_re_ranking(self) -> None:
        vectors = _unit(200, seed=8)
        quantized = QuantizedVectorIndex(DIM)
        quantized.upsert(list(range(200)), vectors)
        query = _unit(1, seed=9)[0]
        for item, score in quantized.search(query, 5):
            assert score == pytest.approx(float(vectors[item] @ query), abs=1e-6)

    def test_incremental_updates_match_a_fresh_build(self) -> None:
        vectors = _unit(300, seed=10)
        replacement = _unit(50, seed=11)
        grown = QuantizedVectorIndex(DIM, capacity=4)
        grown.upsert(list(range(300)), vectors)
        grown.remove(list(range(0, 300, 3)))
        grown.upsert(list(range(1, 100, 2)), replacement)

        final = {i: vectors[i] for i in range(300) if i % 3 != 0}
        final.update({item: replacement[n] for n, item in enumerate(range(1, 100, 2))})
        fresh = QuantizedVectorIndex(DIM)
        fresh.upsert(list(final), np.stack(list(final.values())))

        assert len(grown) == len(fresh) == len(final)
        for query in _unit(10, seed=12):
            assert _ids(grown.search(query, 10)) == _ids(fresh.search(query, 10))

    def test_codes_take_a_quarter_of_the_float_bytes(self) -> None:
        quantized = QuantizedVectorIndex(DIM)
        quantized.upsert(list(range(100)), _unit(100, seed=13))
        assert quantized.code_nbytes < quantized.nbytes / 3
