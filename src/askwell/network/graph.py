"""An in-memory weighted tie graph (compressed sparse rows) for connector search and dormant-tie lists.

People are integer indices ``0..n-1``; the service maps its ids to them when it loads an organization.
Ties are undirected, so each is stored in both rows; each row's neighbours are sorted, which lets a
query intersect two rows with one vectorised ``searchsorted`` instead of Python loops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from askwell.network.rules import DEFAULT_DORMANT_DAYS, DEFAULT_MIN_PAST_STRENGTH, decay

_SECONDS_PER_DAY = 86_400.0
# Keeps log1p(-p) finite when a path is certain.
_ALMOST_ONE = 1.0 - 1e-12


@dataclass(frozen=True)
class IntroPath:
    """One suggested introduction: ask ``connector`` to introduce the asker to ``target``."""

    connector: int
    target: int
    score: float


@dataclass(frozen=True)
class DormantTie:
    """A tie that has gone silent: who, how strong it once was, and when it last had any interaction."""

    person: int
    past_strength: float
    last_ts: float


class TieGraph:
    """Symmetric weighted adjacency in CSR form with each tie's last-interaction time beside its weight.

    ``weight`` is whatever strength the caller built it with: the strength at the last interaction for
    dormancy, or the current strength (see :meth:`at`) for introductions.
    """

    __slots__ = ("indices", "indptr", "last_ts", "reach", "weight")

    def __init__(
        self,
        indptr: npt.NDArray[np.int64],
        indices: npt.NDArray[np.integer],
        weight: npt.NDArray[np.float64],
        last_ts: npt.NDArray[np.float64],
    ) -> None:
        if not (len(indices) == len(weight) == len(last_ts) == indptr[-1]):
            raise ValueError("indptr, indices, weight and last_ts do not describe the same entries")
        self.indptr = indptr
        self.indices = indices
        self.weight = weight
        self.last_ts = last_ts
        rows = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
        # A connector's reach: the total strength of its ties, i.e. how thinly its attention is spread.
        self.reach = np.bincount(rows, weights=weight, minlength=len(indptr) - 1)

    @classmethod
    def from_edges(
        cls,
        src: npt.ArrayLike,
        dst: npt.ArrayLike,
        weight: npt.ArrayLike,
        last_ts: npt.ArrayLike,
        *,
        n_people: int | None = None,
    ) -> TieGraph:
        """Build from one row per tie; a tie listed twice keeps its strongest weight and latest time.

        Taking the maximum rather than the sum makes loading idempotent: importing the same tie in
        both directions, or twice, must not double its strength. Self-ties are dropped.
        """
        src_a = np.asarray(src, dtype=np.int64)
        dst_a = np.asarray(dst, dtype=np.int64)
        weight_a = np.asarray(weight, dtype=np.float64)
        ts_a = np.asarray(last_ts, dtype=np.float64)
        if not (src_a.shape == dst_a.shape == weight_a.shape == ts_a.shape) or src_a.ndim != 1:
            raise ValueError("src, dst, weight and last_ts must be 1-D arrays of one length")
        if src_a.size and min(src_a.min(), dst_a.min()) < 0:
            raise ValueError("person indices must be non-negative")
        top = int(max(src_a.max(), dst_a.max())) + 1 if src_a.size else 0
        n = top if n_people is None else n_people
        if n < top:
            raise ValueError(f"n_people={n} is smaller than the largest person index + 1 ({top})")
        keep = src_a != dst_a
        rows = np.concatenate([src_a[keep], dst_a[keep]])
        cols = np.concatenate([dst_a[keep], src_a[keep]])
        weights = np.concatenate([weight_a[keep], weight_a[keep]])
        times = np.concatenate([ts_a[keep], ts_a[keep]])
        order = np.argsort(rows * max(n, 1) + cols, kind="stable")
        rows, cols, weights, times = rows[order], cols[order], weights[order], times[order]
        if rows.size:
            first = np.flatnonzero(np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])])
            rows, cols = rows[first], cols[first]
            weights = np.maximum.reduceat(weights, first)
            times = np.maximum.reduceat(times, first)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        index_type = np.int32 if n < 2**31 else np.int64
        return cls(indptr, cols.astype(index_type), weights, times)

    @property
    def n_people(self) -> int:
        return len(self.indptr) - 1

    @property
    def n_ties(self) -> int:
        return len(self.indices) // 2

    def at(self, now: float, half_life: float) -> TieGraph:
        """The same ties with each weight decayed by the time since its last interaction.

        ``half_life`` is in the unit of the timestamps. Decaying the saturated strength is a lower
        bound of re-saturating the decayed mass (the saturation curve is concave), which is enough
        for ranking and keeps this a single vectorised pass over the ties.
        """
        decayed = self.weight * decay(now - self.last_ts, half_life)
        return TieGraph(self.indptr, self.indices, decayed, self.last_ts)

    def as_csr(self) -> sp.csr_matrix:
        """The weights as a SciPy CSR matrix, sharing memory with this graph."""
        n = self.n_people
        return sp.csr_matrix((self.weight, self.indices, self.indptr), shape=(n, n))

    def neighbours(self, person: int) -> tuple[npt.NDArray[np.integer], npt.NDArray[np.float64]]:
        """Sorted neighbour indices and their tie weights (read-only views)."""
        lo, hi = self.indptr[person], self.indptr[person + 1]
        return self.indices[lo:hi], self.weight[lo:hi]

    def strength(self, a: int, b: int) -> float:
        """Weight of the tie between ``a`` and ``b``, 0 when there is none."""
        cols, weights = self.neighbours(a)
        pos = int(np.searchsorted(cols, b))
        return float(weights[pos]) if pos < len(cols) and cols[pos] == b else 0.0

    def _legs(
        self, asker: int, targets: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.integer], npt.NDArray[np.float64]]:
        """Every route asker → c → target as (position of target, connector, path score)."""
        a_cols, a_w = self.neighbours(asker)
        starts = self.indptr[targets]
        lens = self.indptr[targets + 1] - starts
        lens[targets == asker] = 0
        total = int(lens.sum())
        if total == 0 or a_cols.size == 0:
            return np.empty(0, np.int64), np.empty(0, self.indices.dtype), np.empty(0)
        offsets = np.repeat(starts - (np.cumsum(lens) - lens), lens) + np.arange(total)
        cols = self.indices[offsets]
        pos = np.minimum(np.searchsorted(a_cols, cols), a_cols.size - 1)
        hit = a_cols[pos] == cols
        connectors = cols[hit]
        scores = a_w[pos[hit]] * self.weight[offsets[hit]] / np.maximum(1.0, self.reach[connectors])
        target_pos = np.repeat(np.arange(len(targets)), lens)[hit]
        return target_pos, connectors, scores

    def two_step(
        self, asker: int, targets: npt.ArrayLike, target_fit: npt.ArrayLike | None = None
    ) -> npt.NDArray[np.float64]:
        """Per target, :func:`askwell.network.rules.two_step_score` over all its connectors to ``asker``."""
        t = np.asarray(targets, dtype=np.int64).ravel()
        target_pos, _, scores = self._legs(asker, t)
        log_miss = np.bincount(
            target_pos, weights=np.log1p(-np.minimum(scores, _ALMOST_ONE)), minlength=len(t)
        )
        combined = -np.expm1(log_miss)
        return combined if target_fit is None else combined * np.asarray(target_fit, dtype=np.float64)

    def connectors(
        self, asker: int, targets: npt.ArrayLike, k: int = 10, target_fit: npt.ArrayLike | None = None
    ) -> list[IntroPath]:
        """The ``k`` best routes asker → connector → target, by path score times the target's fit."""
        t = np.asarray(targets, dtype=np.int64).ravel()
        target_pos, connectors, scores = self._legs(asker, t)
        if target_fit is not None:
            scores = scores * np.asarray(target_fit, dtype=np.float64)[target_pos]
        if k <= 0 or scores.size == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if scores.size > k else np.arange(scores.size)
        top = top[np.lexsort((connectors[top], t[target_pos[top]], -scores[top]))]
        return [IntroPath(int(connectors[i]), int(t[target_pos[i]]), float(scores[i])) for i in top]

    def pair_scores(self, src: npt.ArrayLike, dst: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Two-step scores (fit 1) for many (asker, target) pairs at once, for offline evaluation.

        Same formula as :meth:`two_step`, done as a row-wise sparse product so that tens of thousands
        of pairs cost one pass rather than one Python call each.
        """
        s = np.asarray(src, dtype=np.int64).ravel()
        d = np.asarray(dst, dtype=np.int64).ravel()
        if s.shape != d.shape:
            raise ValueError("src and dst must have one length")
        matrix = self.as_csr()
        paths = matrix[s].multiply(matrix[d]).tocsr()
        paths = paths.multiply(1.0 / np.maximum(1.0, self.reach)[np.newaxis, :]).tocsr()
        paths.data = np.log1p(-np.minimum(paths.data, _ALMOST_ONE))
        result: npt.NDArray[np.float64] = -np.expm1(np.asarray(paths.sum(axis=1)).ravel())
        result[s == d] = 0.0
        return result

    def dormant(
        self,
        person: int,
        now: float,
        threshold: float = DEFAULT_DORMANT_DAYS * _SECONDS_PER_DAY,
        min_strength: float = DEFAULT_MIN_PAST_STRENGTH,
    ) -> list[DormantTie]:
        """Ties of ``person`` silent for at least ``threshold`` whose weight is at least ``min_strength``.

        The vectorised form of :func:`askwell.network.rules.is_dormant`, with the weight read as the
        strength at the last interaction. Strongest first, then the most recently silent. ``now`` and
        ``threshold`` are in the unit of the timestamps (Unix seconds by default).
        """
        lo, hi = self.indptr[person], self.indptr[person + 1]
        ts = self.last_ts[lo:hi]
        weights = self.weight[lo:hi]
        mask = (now - ts >= threshold) & (weights >= min_strength)
        found = np.flatnonzero(mask)
        found = found[np.lexsort((-ts[found], -weights[found]))]
        cols = self.indices[lo:hi]
        return [DormantTie(int(cols[i]), float(weights[i]), float(ts[i])) for i in found]
