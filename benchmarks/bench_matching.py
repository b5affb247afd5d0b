"""Latency of "who can help" for one pre-embedded ask over 100,000 people: exact vs int8 index.

Run: .venv/bin/python benchmarks/bench_matching.py [--people N] [--queries Q]
Prints a Markdown table. Vectors are synthetic but clustered (people share topics), so the nearest
neighbours are meaningful, as with real profiles, rather than the near-ties of uniform noise.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from askwell.matching.embeddings import DIMENSION, encode
from askwell.matching.scoring import CandidateFeatures, rank
from askwell.matching.vector_index import QuantizedVectorIndex, VectorIndex

SHORTLIST = 50  # candidates retrieval hands to the ranker
SUGGESTIONS = 10


def _clustered(rows: int, rng: np.random.Generator, topics: int = 500) -> tuple[np.ndarray, np.ndarray]:
    centres = rng.normal(size=(topics, DIMENSION)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rng.integers(0, topics, size=rows)
    vectors = centres[labels] + rng.normal(scale=0.06, size=(rows, DIMENSION)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), centres


def _suggest(index: VectorIndex, query: np.ndarray, now: datetime, team_of: np.ndarray) -> list[int]:
    hits = index.search(query, SHORTLIST)
    candidates = [
        CandidateFeatures(
            person_id=person,
            fit=max(score, 0.0),
            similar_helps=int(person) % 4,
            total_helps=int(person) % 30,
            last_helped_at=now - timedelta(days=int(person) % 200),
            recent_helps=int(person) % 7,
            team=f"team{team_of[int(person)]}",
        )
        for person, score in hits
    ]
    return [int(s.person_id) for s in rank(candidates, now=now, asker_team="team0", limit=SUGGESTIONS)]


def _time_build(kind: type[VectorIndex], vectors: np.ndarray) -> tuple[VectorIndex, float]:
    start = time.perf_counter()
    index = kind(DIMENSION, capacity=len(vectors))
    index.upsert(list(range(len(vectors))), vectors)
    return index, time.perf_counter() - start


def main(people: int = 100_000, queries: int = 200) -> None:
    rng = np.random.default_rng(7)
    vectors, centres = _clustered(people, rng)
    team_of = rng.integers(0, 50, size=people)
    asks = centres[rng.integers(0, len(centres), size=queries)] + rng.normal(
        scale=0.08, size=(queries, DIMENSION)
    )
    asks = (asks / np.linalg.norm(asks, axis=1, keepdims=True)).astype(np.float32)
    now = datetime(2026, 3, 2, tzinfo=UTC)

    rows: list[str] = []
    exact_top: list[list[int]] = []
    for name, kind in (("exact float32", VectorIndex), ("int8 + exact re-rank", QuantizedVectorIndex)):
        index, build = _time_build(kind, vectors)
        latencies, recalls = [], []
        for number, ask in enumerate(asks):
            start = time.perf_counter()
            _suggest(index, ask, now, team_of)
            latencies.append((time.perf_counter() - start) * 1000)
            top = [int(person) for person, _ in index.search(ask, SUGGESTIONS)]
            if kind is VectorIndex:
                exact_top.append(top)
            recalls.append(len(set(top) & set(exact_top[number])) / SUGGESTIONS)
        scanned = index.code_nbytes if isinstance(index, QuantizedVectorIndex) else index.nbytes
        rows.append(
            f"| {name} | {np.percentile(latencies, 50):.1f} | {np.percentile(latencies, 95):.1f} | "
            f"{np.mean(recalls):.3f} | {build:.2f} | {scanned / 2**20:.1f} | {index.nbytes / 2**20:.1f} |"
        )

    sentences = [f"Could someone review my {topic} change before Friday?" for topic in range(512)]
    encode(sentences[:8])  # load the model outside the timing
    start = time.perf_counter()
    encode(sentences, batch_size=64)
    throughput = len(sentences) / (time.perf_counter() - start)

    print(
        f"### Matching: {people:,} people × {DIMENSION}-d, {queries} asks (retrieve {SHORTLIST}, rank, show "
        f"{SUGGESTIONS})\n"
    )
    print("| index | p50 ms | p95 ms | recall@10 vs exact | build s | scanned MiB | float32 MiB |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(
        f"\nEmbedding throughput (all-MiniLM-L6-v2, CPU, batch 64, short sentences): {throughput:.0f} sentences/s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    arguments = parser.parse_args()
    main(arguments.people, arguments.queries)
