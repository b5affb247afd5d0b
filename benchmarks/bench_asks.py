"""Ask board latency over 10,000 open asks (SQLite), beside a naive board in the same run.

`asks.repository.board` (visibility in SQL, one page loaded with its tags, authors and offer counts)
against a board that loads every visible ask with its tags and offers and filters and pages in Python.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from askwell.asks import repository
from askwell.asks.models import Ask, AskStatus, AskTag, Offer, Visibility
from askwell.core.db import create_db_engine, create_session_factory
from askwell.core.migrations import upgrade
from askwell.demo.build import STEPS, create_demo
from askwell.people.models import Person
from askwell.people.repository import actor_for
from benchmarks.bench_directory import pin_to_one_core

ASKS = int(os.environ.get("ASKWELL_BENCH_ASKS", "10000"))
PEOPLE = 500
ROUNDS = 60
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TOPICS = [
    "Kafka",
    "Terraform",
    "pricing",
    "SOC 2",
    "onboarding",
    "Figma",
    "SQL",
    "hiring",
    "Kubernetes",
    "budget",
]
TEMPLATES = [
    "Could someone review the {t} change in PR #{n} by Friday? It blocks the release and I want a second pair of eyes.",
    "Need help with {t}.",
    "Looking for 30 minutes with someone who knows {t}: I'm stuck on step {n} of the migration, due next Tuesday.",
    "any thoughts on {t}?",
    "Can you pair with me on the {t} dashboard before the 12th? The exec review depends on it; happy to return the favour.",
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def seed_asks(url: str) -> int:
    engine = create_db_engine(url)
    upgrade(engine)
    factory = create_session_factory(engine)
    rng = random.Random(11)
    with factory() as db, db.begin():
        # People only: the board is filled below with a known number of asks.
        org = create_demo(
            db, size=PEOPLE, seed=3, now=NOW, steps=[s for s in STEPS if s.name == "people"]
        ).org
        people = list(db.scalars(select(Person.id).where(Person.org_id == org.id)))
        ask_rows = []
        for i in range(ASKS):
            topic = rng.choice(TOPICS)
            ask_rows.append(
                {
                    "org_id": org.id,
                    "author_id": rng.choice(people),
                    "title": f"{topic}: help wanted #{i}",
                    "body": rng.choice(TEMPLATES).format(t=topic, n=rng.randint(1, 9999)),
                    "visibility": Visibility.ORG.value if rng.random() < 0.9 else Visibility.PEOPLE.value,
                    "status": AskStatus.OPEN.value if rng.random() < 0.8 else AskStatus.IN_PROGRESS.value,
                    "created_at": NOW - timedelta(minutes=ASKS - i),
                    "updated_at": NOW,
                    "opened_at": NOW,
                    "coaching_score": rng.randint(20, 95),
                    "version": 1,
                }
            )
        db.execute(insert(Ask), ask_rows)
        ids = list(db.scalars(select(Ask.id).where(Ask.org_id == org.id)))
        db.execute(
            insert(AskTag),
            [
                {"org_id": org.id, "ask_id": a, "name": t, "key": t.casefold(), "position": 0}
                for a in ids
                for t in rng.sample(TOPICS, 2)
            ],
        )
        db.execute(
            insert(Offer),
            [
                {
                    "org_id": org.id,
                    "ask_id": rng.choice(ids),
                    "helper_id": rng.choice(people),
                    "kind": "advise",
                    "message": "happy to help",
                    "status": "proposed",
                    "created_at": NOW,
                }
                for _ in range(ASKS // 2)
            ],
        )
        org_id = org.id
    engine.dispose()
    return org_id


def naive_board(db, actor, *, query: str, tag: str, limit: int, offset: int) -> list[Ask]:  # type: ignore[no-untyped-def]
    asks = db.scalars(
        select(Ask)
        .where(Ask.org_id == actor.org_id)
        .options(selectinload(Ask.tags), selectinload(Ask.audience), selectinload(Ask.offers))
    ).all()
    visible = [
        a
        for a in asks
        if a.status in ("open", "in_progress")
        and (
            a.visibility == "org"
            or a.author_id == actor.person_id
            or any(x.person_id == actor.person_id for x in a.audience)
        )
        and all(w in (a.title + " " + a.body).lower() for w in query.lower().split())
        and (not tag or tag.casefold() in {t.key for t in a.tags})
    ]
    visible.sort(key=lambda a: (a.created_at, a.id), reverse=True)
    return visible[offset : offset + limit]


def board_section(url: str, org_id: int) -> str:
    engine = create_db_engine(url)
    factory = create_session_factory(engine)
    cases = [("first page", "", ""), ("page 20", "", ""), ("word", "kafka", ""), ("tag", "", "SQL")]
    fast: dict[str, list[float]] = {c[0]: [] for c in cases}
    slow: dict[str, list[float]] = {c[0]: [] for c in cases}
    with factory() as db:
        people = list(db.scalars(select(Person).where(Person.org_id == org_id).limit(50)))
        actors = [actor_for(db, p) for p in people]
        for r in range(ROUNDS):
            actor = actors[r % len(actors)]
            for label, q, tag in cases:
                offset = 380 if label == "page 20" else 0
                t0 = time.perf_counter()
                page = repository.board(
                    db, actor=actor, scope="open", query=q, tag=tag, limit=20, offset=offset
                )
                fast[label].append((time.perf_counter() - t0) * 1000)
                assert page.asks
                db.expunge_all()
                if r == 0:  # the naive board takes seconds: one round is enough for a ratio
                    t0 = time.perf_counter()
                    naive_board(db, actor, query=q, tag=tag, limit=20, offset=offset)
                    slow[label].append((time.perf_counter() - t0) * 1000)
                    db.expunge_all()
    engine.dispose()
    rows = []
    for label, *_ in cases:
        p50, p95 = statistics.median(fast[label]), percentile(fast[label], 95)
        base = statistics.median(slow[label])
        rows.append(f"| {label} | {p50:.1f} | {p95:.1f} | {base:.0f} | {base / p50:.0f}x |")
    all_p95 = percentile([v for vs in fast.values() for v in vs], 95)
    return (
        f"Board over {ASKS:,} asks ({PEOPLE} people, {ROUNDS} rounds per case, 20 per page), target p95 <= 50 ms: "
        f"**p95 over all cases {all_p95:.1f} ms**.\n\n"
        "| case | board p50 (ms) | board p95 (ms) | naive p50 (ms) | naive / board |\n|---|---:|---:|---:|---:|\n"
        + "\n".join(rows)
    )


def main() -> None:
    pinned = pin_to_one_core()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        t0 = time.perf_counter()
        org_id = seed_asks(url)
        seeded = time.perf_counter() - t0
        board = board_section(url, org_id)
    print(f"## Ask board\n\n`python -m benchmarks.bench_asks`, {pinned}; seeding took {seeded:.0f} s.\n")
    print(board)


if __name__ == "__main__":
    main()
