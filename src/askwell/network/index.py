"""The in-process tie graph of each organization, rebuilt only when its ties change.

The cache key is a fingerprint of the organization's ties (count, latest update, sums of ids and
mass), read with one aggregate query, so a change by another process invalidates it too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from askwell.network import repository
from askwell.network.graph import TieGraph
from askwell.network.rules import DEFAULT_HALF_LIFE_DAYS, saturate

_SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class OrgGraph:
    """One organization's ties over dense indices; ``past`` holds each tie's strength at its last contact."""

    ids: npt.NDArray[np.int64]
    index: dict[int, int]
    past: TieGraph

    def current(self, now: datetime, half_life_days: float = DEFAULT_HALF_LIFE_DAYS) -> TieGraph:
        """Today's strengths: each past strength decayed by the silence since (see docs/network.md)."""
        return self.past.at(now.timestamp(), half_life_days * _SECONDS_PER_DAY)

    def person(self, i: int) -> int:
        return int(self.ids[i])


def build(rows: list[tuple[int, int, float, datetime]]) -> OrgGraph:
    ids = np.array(sorted({a for a, *_ in rows} | {b for _, b, *_ in rows}), dtype=np.int64)
    index = {int(pid): i for i, pid in enumerate(ids)}
    src = [index[a] for a, *_ in rows]
    dst = [index[b] for _, b, *_ in rows]
    weight = saturate(np.array([m for _, _, m, _ in rows], dtype=np.float64))
    last = [t.timestamp() for *_, t in rows]
    return OrgGraph(ids, index, TieGraph.from_edges(src, dst, weight, last, n_people=len(ids)))


_lock = threading.Lock()
_cache: dict[int, tuple[tuple[Any, ...], OrgGraph]] = {}


def org_graph(db: Session, *, org_id: int) -> OrgGraph:
    key = repository.graph_key(db, org_id=org_id)
    with _lock:
        hit = _cache.get(org_id)
    if hit is not None and hit[0] == key:
        return hit[1]
    graph = build(repository.org_tie_rows(db, org_id=org_id))
    with _lock:
        _cache[org_id] = (key, graph)
    return graph
