"""Who can help, the ranking stage: the hand-set weighted sum beside the learned ranker, same candidates.

Run: python -m benchmarks.bench_ranking. Prints Markdown. 200 synthetic asks × 40 candidates (the
service's pool), each with 20 dated helps; one core. Retrieval is measured by bench_matching; this is
the part the learned ranker changes (features + a linear score + reasons from contributions).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import numpy as np

from askwell.matching import ranker
from askwell.matching.scoring import CandidateFeatures, Scorer, rank

NOW = datetime(2026, 3, 2, tzinfo=UTC)
ASKS, POOL, SHOWN = 200, 40, 10
TARGET_P95_MS = 10.0


def _pool(rng: np.random.Generator) -> list[CandidateFeatures]:
    return [
        CandidateFeatures(
            person_id=i,
            fit=float(rng.random()),
            lexical_fit=float(rng.random() * 10),
            dense_fit=float(rng.random()),
            similar_helps=int(rng.integers(3)),
            evidence=float(rng.random()),
            total_helps=20,
            helped_at=tuple(NOW - timedelta(days=float(d)) for d in rng.random(20) * 400),
            median_reply=timedelta(hours=5),
            thanked_share=0.5,
            recent_helps=int(rng.integers(4)),
            busy=bool(rng.random() < 0.1),
        )
        for i in range(POOL)
    ]


def _timings(pools: list[list[CandidateFeatures]], scorer: Scorer | None) -> list[float]:
    out = []
    for pool in pools:
        start = time.perf_counter()
        rank(pool, now=NOW, limit=SHOWN, scorer=scorer)
        out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def main() -> None:
    rng = np.random.default_rng(7)
    pools = [_pool(rng) for _ in range(ASKS)]
    prior = ranker.load_prior()
    learned = ranker.LearnedScorer(prior, ranker.RankingContext(history_end=NOW, org_helps=1000))
    rows = [("hand-set weighted sum (before)", _timings(pools, None))]
    rows.append((f"learned ranker ({prior.version})", _timings(pools, learned)))
    print("## Who can help: ranking stage, hand-set beside learned\n")
    print(f"{ASKS} asks × {POOL} candidates (20 dated helps each), show {SHOWN}; one process, same run.\n")
    print("| ranker | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, times in rows:
        p50, p95 = times[len(times) // 2], times[int(0.95 * len(times))]
        print(f"| {name} | {p50:.2f} | {p95:.2f} | {times[-1]:.2f} |")
    worst = max(times[int(0.95 * len(times))] for _name, times in rows)
    verdict = "met" if worst <= TARGET_P95_MS else "not met"
    print(
        f"\nTarget: the ranking stage p95 ≤ {TARGET_P95_MS:.0f} ms, so that a suggestion stays within "
        f"bench_matching's p95 ≤ 30 ms: {verdict}."
    )


if __name__ == "__main__":
    main()
