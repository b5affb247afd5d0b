"""Reciprocal rank fusion: merge ranked candidate lists whose scores are not on one scale."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

Item = TypeVar("Item", bound=Hashable)

# Cormack, Clarke & Büttcher (SIGIR 2009): k = 60 damps the head so no single list dominates.
RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[Item]],
    *,
    k: int = RRF_K,
    weights: Sequence[float] | None = None,
) -> list[tuple[Item, float]]:
    """Fused (id, score) pairs, best first; ties keep the order in which ids were first seen.

    Uses ranks only, which is why BM25 scores (unbounded) and cosines (-1..1) can be merged without
    calibrating either.
    """
    if weights is not None and len(weights) != len(rankings):
        raise ValueError("one weight per ranking is needed")
    fused: dict[Item, float] = {}
    for index, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[index]
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return sorted(fused.items(), key=lambda pair: -pair[1])
