"""In-memory inner-product indexes over unit vectors: exact float32 (numpy), and faiss IVF beyond a size."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest scores, best first; argpartition keeps it O(n), not O(n log n)."""
    k = min(k, scores.shape[0])
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k] if k < scores.shape[0] else np.arange(scores.shape[0])
    return top[np.argsort(-scores[top], kind="stable")]


class VectorIndex:
    """Exact search: every row is scored with one BLAS matrix-vector product.

    Rows live in a growable array; removing a row moves the last row into its place, so updates are
    O(1) and the index never needs a rebuild while people join, edit their profile or leave.
    """

    def __init__(self, dim: int, *, capacity: int = 1024) -> None:
        self.dim = dim
        self._vectors = np.zeros((max(capacity, 1), dim), dtype=np.float32)
        self._ids: list[Hashable] = []
        self._row: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, item: Hashable) -> bool:
        return item in self._row

    @property
    def ids(self) -> list[Hashable]:
        return list(self._ids)

    @property
    def nbytes(self) -> int:
        return int(self._vectors[: len(self)].nbytes)

    def _check(self, vectors: np.ndarray, count: int) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape != (count, self.dim):
            raise ValueError(f"expected {count} vectors of dimension {self.dim}, got shape {vectors.shape}")
        return vectors

    def _grow(self, needed: int) -> None:
        if needed > self._vectors.shape[0]:
            size = max(needed, 2 * self._vectors.shape[0])
            grown = np.zeros((size, self.dim), dtype=np.float32)
            grown[: len(self)] = self._vectors[: len(self)]
            self._vectors = grown

    def _store(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        self._vectors[rows] = vectors

    def _move(self, source: int, target: int) -> None:
        self._vectors[target] = self._vectors[source]

    def upsert(self, ids: Sequence[Hashable], vectors: np.ndarray) -> None:
        """Add new ids and overwrite the vectors of known ones."""
        vectors = self._check(vectors, len(ids))
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique within one call")
        new = sum(1 for item in ids if item not in self._row)
        self._grow(len(self) + new)
        rows = np.empty(len(ids), dtype=np.int64)
        for position, item in enumerate(ids):
            row = self._row.get(item)
            if row is None:
                row = len(self._ids)
                self._ids.append(item)
                self._row[item] = row
            rows[position] = row
        self._store(rows, vectors)

    def remove(self, ids: Sequence[Hashable]) -> None:
        """Forget these ids; unknown ids are ignored so that a replayed deletion is harmless."""
        for item in ids:
            row = self._row.pop(item, None)
            if row is None:
                continue
            last = len(self._ids) - 1
            if row != last:
                moved = self._ids[last]
                self._move(last, row)
                self._ids[row] = moved
                self._row[moved] = row
            self._ids.pop()

    def vector(self, item: Hashable) -> np.ndarray:
        row: np.ndarray = self._vectors[self._row[item]].copy()
        return row

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Exact inner product of the query with every row, in the order of ``ids``."""
        return self._vectors[: len(self)] @ np.asarray(query, dtype=np.float32)

    def search(self, query: np.ndarray, k: int) -> list[tuple[Hashable, float]]:
        scores = self.scores(query)
        return [(self._ids[i], float(scores[i])) for i in _top_k(scores, k)]


EXACT_UP_TO = 20_000
# LISTS_FACTOR * sqrt(n) lists of about sqrt(n) / LISTS_FACTOR rows each; a query scans PROBE_SHARE of the
# lists (about 6 % of the rows), which keeps recall@10 near 1 on sentence-model vectors.
LISTS_FACTOR = 2
PROBE_SHARE = 1 / 16
MIN_PROBE = 8  # with few lists, probing a few more costs little and guards recall
TRAIN_PER_LIST = 40  # k-means sample per list: faiss warns below 39 and gains little above ~50
TRAIN_ITERATIONS = 10  # k-means passes: assignment quality, not centroid polish, is what search needs


class IVFVectorIndex:
    """Approximate search with faiss ``IndexIVFFlat`` (inner product) for large organizations.

    Rows are clustered into ``4 * sqrt(n)`` lists by k-means; a query scans the lists of its nearest
    centroids with exact float32 inner products, so a found row's score is exact and only a row in an
    unprobed list can be missed. Unlike HNSW, IVF removes and re-adds single ids without a rebuild,
    which is what profile edits need. Centroids trained once stay valid for incremental updates
    while the organization's topics stay broadly the same; a full rebuild (on process start, or
    when the row count doubles) retrains them. Memory: the float32 rows (as exact search) plus ids.
    """

    def __init__(self, vectors: np.ndarray, ids: Sequence[Hashable], *, seed: int = 7) -> None:
        import faiss  # imported here so that small organizations never pay for loading it

        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(ids) or len(ids) == 0:
            raise ValueError("one vector per id, and at least one, is needed")
        self.dim = int(vectors.shape[1])
        n = len(ids)
        self.lists = max(1, min(int(LISTS_FACTOR * np.sqrt(n)), n // TRAIN_PER_LIST or 1))
        self.trained_size = n
        self._faiss = faiss
        quantizer = faiss.IndexFlatIP(self.dim)
        self._index = faiss.IndexIVFFlat(quantizer, self.dim, self.lists, faiss.METRIC_INNER_PRODUCT)
        sample_size = min(n, TRAIN_PER_LIST * self.lists)
        sample = vectors[np.random.default_rng(seed).choice(n, sample_size, replace=False)]
        self._index.cp.seed = seed
        self._index.cp.niter = TRAIN_ITERATIONS
        self._index.train(sample)
        self._index.nprobe = min(self.lists, max(MIN_PROBE, int(np.ceil(self.lists * PROBE_SHARE))))
        self._ids: list[Hashable] = []
        self._label: dict[Hashable, int] = {}
        self._vectors: dict[int, np.ndarray] = {}
        self.upsert(ids, vectors)

    def __len__(self) -> int:
        return len(self._label)

    def __contains__(self, item: Hashable) -> bool:
        return item in self._label

    @property
    def nprobe(self) -> int:
        return int(self._index.nprobe)

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        self._index.nprobe = max(1, min(int(value), self.lists))

    @property
    def ids(self) -> list[Hashable]:
        return list(self._label)

    @property
    def nbytes(self) -> int:
        """Vector bytes held by faiss (codes are the float32 rows) plus the centroids."""
        return int(len(self) * self.dim * 4 + self.lists * self.dim * 4 + len(self) * 8)

    def upsert(self, ids: Sequence[Hashable], vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(ids), self.dim):
            raise ValueError(
                f"expected {len(ids)} vectors of dimension {self.dim}, got shape {vectors.shape}"
            )
        if len(set(ids)) != len(ids):
            raise ValueError("ids must be unique within one call")
        known = [self._label[item] for item in ids if item in self._label]
        if known:
            self._index.remove_ids(np.asarray(known, dtype=np.int64))  # type: ignore[arg-type]  # faiss's stub names only IDSelector; the wrapper takes int64 ids too
        labels = np.empty(len(ids), dtype=np.int64)
        for position, item in enumerate(ids):
            label = self._label.get(item)
            if label is None:
                label = len(self._ids)
                self._ids.append(item)
                self._label[item] = label
            labels[position] = label
        self._index.add_with_ids(vectors, labels)

    def remove(self, ids: Sequence[Hashable]) -> None:
        labels = [self._label.pop(item) for item in ids if item in self._label]
        if labels:
            self._index.remove_ids(np.asarray(labels, dtype=np.int64))  # type: ignore[arg-type]  # as above

    def search(self, query: np.ndarray, k: int) -> list[tuple[Hashable, float]]:
        k = min(k, len(self))
        if k <= 0:
            return []
        scores, labels = self._index.search(np.asarray(query, dtype=np.float32).reshape(1, -1), k)
        return [
            (self._ids[int(label)], float(score))
            for score, label in zip(scores[0], labels[0], strict=True)
            if label >= 0
        ]


def build_vector_index(
    ids: Sequence[Hashable], vectors: np.ndarray, *, dim: int
) -> VectorIndex | IVFVectorIndex:
    """Exact search for small organizations, the faiss inverted-file index from ``EXACT_UP_TO`` rows."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), dim)
    if len(ids) <= EXACT_UP_TO:
        index = VectorIndex(dim, capacity=max(len(ids), 16))
        if len(ids):
            index.upsert(ids, vectors)
        return index
    return IVFVectorIndex(vectors, ids)
