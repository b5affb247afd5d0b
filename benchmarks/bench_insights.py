"""Insights at scale: rollup job throughput, my balance, a team view and the organization view, each
beside an on-the-fly aggregation over the raw ledger in the same run.

Scale: ``ASKWELL_BENCH_PEOPLE`` people (10,000) in teams of 10 and ``ASKWELL_BENCH_LEDGER`` ledger
entries (default 1,000,000; the issue's target is 5,000,000, which takes too long to seed and roll up
on a shared 2-core machine) over the last year. ``ASKWELL_BENCH_URL`` picks the database (a temporary
SQLite file by default; a PostgreSQL URL works, its database is emptied first).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from askwell.core.db import create_db_engine, create_session_factory
from askwell.core.migrations import upgrade
from askwell.insights import repository, service
from askwell.ledger.models import EntryKind, LedgerEntry
from askwell.people import service as people_service
from askwell.people.models import Person, Role, Team, TeamMembership
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate

PEOPLE = int(os.environ.get("ASKWELL_BENCH_PEOPLE", "10000"))
ENTRIES = int(os.environ.get("ASKWELL_BENCH_LEDGER", "1000000"))
URL = os.environ.get("ASKWELL_BENCH_URL", "")
TEAM = 10
ROUNDS = 40
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _entries(
    org_id: int, people: list[int], n: int, start_ask: int, rng: random.Random, *, recent: bool
) -> list[dict[str, object]]:
    """Stories of ask, offers, help and thanks; ``recent`` puts them in the last hour."""
    rows: list[dict[str, object]] = []
    ask_id = start_ask
    while len(rows) < n:
        ask_id += 1
        asker = rng.choice(people)
        at = NOW - (timedelta(minutes=rng.uniform(0, 60)) if recent else timedelta(days=rng.uniform(0, 365)))
        rows.append(
            {
                "org_id": org_id,
                "kind": EntryKind.ASK_OPENED.value,
                "actor_id": asker,
                "ask_id": ask_id,
                "at": at,
            }
        )
        helper = rng.choice(people)
        if helper == asker or rng.random() < 0.2:
            continue
        for kind, actor, subject, hours in (
            (EntryKind.OFFER_MADE, helper, asker, 3),
            (EntryKind.HELP_GIVEN, helper, asker, 30),
            (EntryKind.THANKS, asker, helper, 32),
        ):
            rows.append(
                {
                    "org_id": org_id,
                    "kind": kind.value,
                    "actor_id": actor,
                    "subject_id": subject,
                    "ask_id": ask_id,
                    "at": at + timedelta(hours=hours) if not recent else at,
                }
            )
    for r in rows:
        r.setdefault("subject_id", None)
        r["data"] = {}
    return rows[:n]


def seed(db: Session) -> tuple[int, list[int], list[int]]:
    org = people_service.create_organization(db, data=OrganizationCreate(name="Bench", slug="bench"), now=NOW)
    teams = [
        {"org_id": org.id, "name": f"Team {i}", "slug": f"team-{i}", "created_at": NOW}
        for i in range(PEOPLE // TEAM)
    ]
    db.execute(insert(Team), teams)
    team_ids = list(db.scalars(select(Team.id).where(Team.org_id == org.id).order_by(Team.id)))
    rows = [
        {
            "org_id": org.id,
            "email": f"p{i}@bench.example.com",
            "name": f"Person {i}",
            "sort_name": f"person {i}",
            "role": Role.ADMIN.value if i == 0 else (Role.LEAD.value if i % TEAM == 1 else Role.MEMBER.value),
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(PEOPLE)
    ]
    db.execute(insert(Person), rows)
    people = list(db.scalars(select(Person.id).where(Person.org_id == org.id).order_by(Person.id)))
    db.execute(
        insert(TeamMembership),
        [
            {"org_id": org.id, "team_id": team_ids[i // TEAM], "person_id": p, "is_lead": i % TEAM == 1}
            for i, p in enumerate(people)
            if i // TEAM < len(team_ids)
        ],
    )
    rng = random.Random(5)
    chunk = 100_000
    for start in range(0, ENTRIES, chunk):
        db.execute(
            insert(LedgerEntry.__table__),
            _entries(org.id, people, min(chunk, ENTRIES - start), start * 10, rng, recent=False),
        )
    return org.id, people, team_ids


def timed(fn: Callable[[], object], rounds: int = ROUNDS) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def row(name: str, ours: list[float], raw: list[float], target: str) -> str:
    return (
        f"| {name} | {percentile(ours, 50):.1f} | {percentile(ours, 95):.1f} | "
        f"{percentile(raw, 50):.1f} | {percentile(raw, 95):.1f} | {target} |"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = URL or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = create_db_engine(url)
        if url.startswith("postgresql"):
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(engine)
        factory = create_session_factory(engine)
        started = time.perf_counter()
        with factory() as db, db.begin():
            org_id, people, team_ids = seed(db)
        seeding = time.perf_counter() - started
        started = time.perf_counter()
        with factory() as db, db.begin():
            service.roll_up(db, now=NOW, max_batches=10**6, batch=5000)
        first = time.perf_counter() - started
        rng = random.Random(9)
        keep_up: list[float] = []
        for i in range(5):
            with factory() as db, db.begin():
                db.execute(
                    insert(LedgerEntry.__table__),
                    _entries(org_id, people, 1000, 10**9 + i * 10**5, rng, recent=True),
                )
            with factory() as db, db.begin():
                t0 = time.perf_counter()
                done = service.roll_up(db, now=NOW)
                keep_up.append((time.perf_counter() - t0) * 1000)
                assert done == 1000, done
        since = NOW - timedelta(days=365)
        with factory() as db:
            admin = db.get_one(Person, people[0])
            admin_actor = actor_for(db, admin)
            sample = [db.get_one(Person, p) for p in rng.sample(people, ROUNDS)]
            actors = [actor_for(db, p) for p in sample]
            service.org_thresholds(db, org_id=org_id, now=NOW)  # the first view of the day pays for it
            it = iter(actors * 2)
            balance_ms = timed(
                lambda: service.balance_of(db, actor=(a := next(it)), person_id=a.person_id, now=NOW)
            )
            it2 = iter(sample * 2)
            raw_balance_ms = timed(
                lambda: repository.raw_person_counts(db, org_id=org_id, person_id=next(it2).id, since=since)
            )
            teams = iter(rng.sample(team_ids, ROUNDS) * 2)
            team_ms = timed(lambda: service.team_insight(db, actor=admin_actor, team_id=next(teams), now=NOW))
            teams2 = iter(rng.sample(team_ids, ROUNDS) * 2)
            raw_team_ms = timed(
                lambda: repository.raw_team_counts(
                    db, org_id=org_id, team_id=next(teams2), since=NOW - timedelta(weeks=26)
                )
            )
            org_ms = timed(lambda: service.org_insight(db, actor=admin_actor, now=NOW), rounds=10)
            raw_org_ms = timed(
                lambda: repository.raw_org_counts(db, org_id=org_id, since=NOW - timedelta(weeks=26)),
                rounds=10,
            )
            service.forget_thresholds()
            cold = timed(
                lambda: service.balance_of(db, actor=actors[0], person_id=actors[0].person_id, now=NOW),
                rounds=1,
            )
        engine.dispose()
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"## Insights ({dialect}: {PEOPLE:,} people, {ENTRIES:,} ledger entries)")
    print()
    print(
        f"`python -m benchmarks insights` (`ASKWELL_BENCH_LEDGER={ENTRIES}`); seeding took {seeding:.0f} s and the "
        f"first rollup of all {ENTRIES:,} entries {first:.0f} s ({ENTRIES / first:,.0f} entries/s). The issue's "
        "target is 5,000,000 entries; this run used fewer, stated above, because seeding and rolling up five times "
        "as many on this shared 2-core machine takes too long."
    )
    print()
    print(
        f"Rollup job keeping up: 1,000 new entries rolled up in {statistics.median(keep_up):.0f} ms median, "
        f"{max(keep_up):.0f} ms worst of 5 runs (target ≤ 1 s)."
    )
    print()
    print("| view | rollups p50 ms | rollups p95 ms | raw ledger p50 ms | raw ledger p95 ms | target p95 |")
    print("|---|---:|---:|---:|---:|---|")
    print(
        row(
            "my balance (counts, chart, pattern, nudge) vs. raw 6 counters for 365 days",
            balance_ms,
            raw_balance_ms,
            "≤ 50 ms",
        )
    )
    print(
        row(
            "team view (26 weekly trends, matrix, patterns) vs. raw team counts",
            team_ms,
            raw_team_ms,
            "≤ 100 ms",
        )
    )
    print(
        row(
            "organization view vs. raw organization counts",
            org_ms,
            raw_org_ms,
            "≤ 1 s SQLite, ≤ 300 ms PostgreSQL",
        )
    )
    print()
    print(
        f"The organization's thresholds (every active person's quarter) are computed once per rollup position "
        f"and kept per process; a balance right after they are dropped took {cold[0]:.0f} ms. The raw columns "
        "compute far less than the views (counters only: no weeks, patterns, matrix or nudge), so they are a "
        "floor for one indexed query, not the same work."
    )


if __name__ == "__main__":
    main()
