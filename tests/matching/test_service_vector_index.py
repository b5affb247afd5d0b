"""The index an organization gets: exact below the threshold, faiss IVF above, both kept current by id."""

from __future__ import annotations

import numpy as np

from askwell.matching import vector_index
from askwell.matching.vector_index import IVFVectorIndex, VectorIndex, build_vector_index

DIM = 32


def clustered(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, DIM))
    rows = centres[rng.integers(0, 40, size=n)] + rng.normal(scale=0.3, size=(n, DIM))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def exact_top(vectors: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    return [int(i) for i in np.argsort(-(vectors @ query))[:k]]


class TestChoice:
    def test_small_organizations_get_exact_search_and_large_ones_ivf(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setattr(vector_index, "EXACT_UP_TO", 500)
        vectors = clustered(2000)
        assert isinstance(build_vector_index(list(range(500)), vectors[:500], dim=DIM), VectorIndex)
        assert isinstance(build_vector_index(list(range(2000)), vectors, dim=DIM), IVFVectorIndex)
        assert len(build_vector_index([], np.zeros((0, DIM)), dim=DIM)) == 0


class TestIVF:
    def test_recall_at_10_against_exact_search_is_high(self) -> None:
        vectors = clustered(4000)
        index = IVFVectorIndex(vectors, list(range(4000)))
        queries = clustered(50, seed=9)
        recall = np.mean(
            [
                len({int(i) for i, _ in index.search(q, 10)} & set(exact_top(vectors, q, 10))) / 10
                for q in queries
            ]
        )
        assert recall >= 0.95

    def test_scores_are_exact_inner_products_best_first(self) -> None:
        vectors = clustered(1000)
        index = IVFVectorIndex(vectors, [f"p{i}" for i in range(1000)])
        hits = index.search(vectors[7], 5)
        assert hits[0][0] == "p7"
        assert np.isclose(hits[0][1], 1.0, atol=1e-5)
        assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)

    def test_an_updated_vector_moves_and_a_removed_id_disappears(self) -> None:
        vectors = clustered(1000)
        index = IVFVectorIndex(vectors, list(range(1000)))
        index.nprobe = index.lists  # search every list: only the update is under test
        index.upsert([3], vectors[500:501])
        assert {item for item, _ in index.search(vectors[500], 2)} == {3, 500}
        index.remove([500])
        assert [item for item, _ in index.search(vectors[500], 1)] == [3]
        assert len(index) == 999 and 500 not in index
