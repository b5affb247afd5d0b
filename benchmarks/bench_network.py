"""Benchmark the tie graph: load, connector search and dormant lists at 100,000 people / 2.5M ties.

networkx runs beside it on a 10 % slice (10,000 people / 250,000 ties) only: its dict-of-dicts costs
about ten times our memory per tie and far longer to build, so the full size would dominate the run;
our graph is timed on the same slice too, so the two rows compare like for like.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt

from askwell.network.graph import TieGraph

SECONDS_PER_YEAR = 365.0 * 86_400.0
NOW = 1_800_000_000.0


@dataclass(frozen=True)
class Ties:
    src: npt.NDArray[np.int64]
    dst: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    last_ts: npt.NDArray[np.float64]
    n_people: int


def synthetic_ties(n_people: int, n_ties: int, *, team_size: int = 10, seed: int = 0) -> Ties:
    """Teams whose members all know each other, plus cross-team ties with heavy-tailed degrees."""
    rng = np.random.default_rng(seed)
    team_start = np.arange(0, n_people, team_size)
    a, b = np.triu_indices(team_size, k=1)
    src = (team_start[:, None] + a[None, :]).ravel()
    dst = (team_start[:, None] + b[None, :]).ravel()
    keep = dst < n_people
    src, dst = src[keep], dst[keep]
    # Chung–Lu style cross ties: endpoint chosen in proportion to a Pareto(α=2) activity.
    activity = rng.pareto(2.0, n_people) + 1.0
    p = activity / activity.sum()
    extra = int((n_ties - len(src)) * 1.15)
    cu, cv = rng.choice(n_people, extra, p=p), rng.choice(n_people, extra, p=p)
    cu, cv = np.minimum(cu, cv), np.maximum(cu, cv)
    keys = np.unique(np.r_[src * n_people + dst, (cu * n_people + cv)[cu != cv]])
    keys = rng.permutation(keys)[:n_ties]
    src, dst = keys // n_people, keys % n_people
    weight = rng.uniform(0.05, 1.0, len(src))
    last_ts = NOW - rng.exponential(0.8 * SECONDS_PER_YEAR, len(src))
    return Ties(src, dst, weight, last_ts, n_people)


def timed(fn: Callable[[], object], repeats: int) -> npt.NDArray[np.float64]:
    times = np.empty(repeats)
    for i in range(repeats):
        start = time.perf_counter()
        fn()
        times[i] = time.perf_counter() - start
    return times * 1000.0


def build_ours(ties: Ties) -> tuple[TieGraph, float, float, float]:
    tracemalloc.start()
    start = time.perf_counter()
    graph = TieGraph.from_edges(ties.src, ties.dst, ties.weight, ties.last_ts, n_people=ties.n_people)
    seconds = time.perf_counter() - start
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return graph, seconds, held / 2**20, peak / 2**20


def build_networkx(ties: Ties) -> tuple[nx.Graph, float, float, float]:
    tracemalloc.start()
    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(ties.n_people))
    graph.add_edges_from(
        (int(s), int(d), {"weight": float(w), "last": float(t)})
        for s, d, w, t in zip(ties.src, ties.dst, ties.weight, ties.last_ts, strict=True)
    )
    reach = dict(graph.degree(weight="weight"))
    nx.set_node_attributes(graph, reach, "reach")
    seconds = time.perf_counter() - start
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return graph, seconds, held / 2**20, peak / 2**20


def networkx_connectors(graph: nx.Graph, asker: int, targets: npt.NDArray[np.int64], k: int) -> list:
    mine = graph[asker]
    paths = []
    for t in targets:
        t = int(t)
        if t == asker:
            continue
        theirs = graph[t]
        for c in mine.keys() & theirs.keys():
            score = mine[c]["weight"] * theirs[c]["weight"] / max(1.0, graph.nodes[c]["reach"])
            paths.append((score, c, t))
    paths.sort(reverse=True)
    return paths[:k]


def networkx_dormant(graph: nx.Graph, person: int, threshold: float, min_strength: float) -> list:
    found = [
        (d["weight"], c)
        for c, d in graph[person].items()
        if NOW - d["last"] >= threshold and d["weight"] >= min_strength
    ]
    return sorted(found, reverse=True)


def queries(n_people: int, n: int, seed: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, n_people, n), rng.integers(0, n_people, (n, 50))


def measure(
    label: str, ties: Ties, repeats: int, *, with_networkx: bool
) -> list[tuple[str, str, float, float, float, float, float, float]]:
    askers, targets = queries(ties.n_people, repeats, seed=1)
    threshold = SECONDS_PER_YEAR
    rows = []
    graph, seconds, held, peak = build_ours(ties)
    it = iter(range(repeats))
    conn = timed(lambda: graph.connectors(int(askers[(i := next(it))]), targets[i], k=10), repeats)
    it = iter(range(repeats))
    dorm = timed(lambda: graph.dormant(int(askers[next(it)]), NOW, threshold), repeats)
    rows.append(
        (
            label,
            "askwell TieGraph",
            seconds,
            held,
            peak,
            *np.percentile(conn, [50, 95]),
            float(np.median(dorm)),
        )
    )
    if with_networkx:
        nxg, seconds, held, peak = build_networkx(ties)
        it = iter(range(repeats))
        conn = timed(lambda: networkx_connectors(nxg, int(askers[(i := next(it))]), targets[i], 10), repeats)
        it = iter(range(repeats))
        dorm = timed(lambda: networkx_dormant(nxg, int(askers[next(it)]), threshold, 0.3), repeats)
        rows.append(
            (label, "networkx", seconds, held, peak, *np.percentile(conn, [50, 95]), float(np.median(dorm)))
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--ties", type=int, default=2_500_000)
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args(argv)
    full = synthetic_ties(args.people, args.ties)
    small = synthetic_ties(args.people // 10, args.ties // 10, seed=1)
    rows = measure(
        f"{args.people:,} people / {len(full.src):,} ties", full, args.repeats, with_networkx=False
    )
    rows += measure(
        f"{small.n_people:,} people / {len(small.src):,} ties", small, args.repeats, with_networkx=True
    )
    print(
        "| graph | implementation | load (s) | held (MiB) | build peak (MiB) "
        "| connectors p50 (ms) | p95 (ms) | dormant p50 (ms) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for label, impl, load, held, peak, p50, p95, dormant in rows:
        print(
            f"| {label} | {impl} | {load:.2f} | {held:.0f} | {peak:.0f} | {p50:.3f} | {p95:.3f} | {dormant:.3f} |"
        )
    print()
    print(
        f"One asker to 50 random targets, k=10 best routes, {args.repeats} queries, one core. "
        "Memory traced by tracemalloc: what the built graph holds, and the peak while building "
        "(load times include tracemalloc's overhead). networkx is run on the 10 % slice only."
    )


if __name__ == "__main__":
    main()
