"""Benchmark the stand-up scheduler's tick and a team's board, on SQLite and (when a server is given)
PostgreSQL.

* **Tick**: 10,000 teams × 8 people (80,000 people in 40 timezones, each with a next prompt somewhere
  in the coming day, as the scheduler leaves them), the worker's query for the prompts due in this
  minute (``repository.due_schedules``, one range scan of ``ix_standup_schedules_next_at``), beside
  the naive scan it replaces: read every member of every stand-up team and compute their prompt in
  their timezone (``schedule.prompt_on``). Target: the tick's query ≤ 200 ms.
* **Board**: a 40-person team where everyone answered and a quarter asked for help (confirmed asks,
  some with offers), ``service.board`` as the lead sees it, p95 over 200 reads. Target ≤ 50 ms.

PostgreSQL runs when ``ASKWELL_BENCH_POSTGRES_URL`` (or ``ASKWELL_TEST_DATABASE_URL``) names a server:
a fresh database is made and dropped. Sizes: ``ASKWELL_BENCH_STANDUP_TEAMS`` (10,000).
``ASKWELL_BENCH_STANDUP_PARTS=board`` times the board only (the same seed, without the tick and its
minute-long naive scan).

On a busy machine, board figures from different runs are not comparable:
``ASKWELL_BENCH_STANDUP_AGAINST=<commit>`` times the board of that commit (a temporary git worktree, in
a child process, on the same seeded database) and of the current code in turns, twice each, keeping
each side's lower p95, so both columns share the machine's conditions.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from askwell import wiring
from askwell.asks import service as asks_service
from askwell.asks.models import OfferKind
from askwell.asks.schemas import OfferCreate
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.core.migrations import upgrade
from askwell.people.models import Organization, Person, Role, Team, TeamMembership
from askwell.people.repository import actor_for
from askwell.standups import repository, schedule, service
from askwell.standups.models import StandupSchedule, StandupSettings
from askwell.standups.schemas import CheckinWrite, NeedConfirm

TEAMS = int(os.environ.get("ASKWELL_BENCH_STANDUP_TEAMS", "10000"))
PARTS = set(os.environ.get("ASKWELL_BENCH_STANDUP_PARTS", "tick,board").split(","))
AGAINST = os.environ.get("ASKWELL_BENCH_STANDUP_AGAINST")
ROOT = Path(__file__).resolve().parent.parent
PER_TEAM = 8
BOARD_TEAM = 40
TICK_TARGET_MS = 200
BOARD_TARGET_MS = 50
# A Monday at 14:00 UTC: working hours somewhere on every continent.
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
ZONES = [
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Helsinki", "Europe/Moscow", "Asia/Dubai",
    "Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai",
    "Asia/Tokyo", "Australia/Adelaide", "Australia/Sydney", "Pacific/Auckland", "Pacific/Honolulu",
    "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
    "America/Halifax", "America/St_Johns", "America/Sao_Paulo", "Atlantic/Azores", "Africa/Lagos",
    "Africa/Nairobi", "Africa/Johannesburg", "Asia/Tehran", "Asia/Kabul", "Asia/Yangon", "Asia/Manila",
    "Asia/Seoul", "Australia/Darwin", "Pacific/Chatham", "America/Mexico_City", "America/Bogota",
    "America/Lima", "Europe/Paris",
]  # fmt: skip


def _postgres_server() -> str | None:
    return os.environ.get("ASKWELL_BENCH_POSTGRES_URL") or os.environ.get("ASKWELL_TEST_DATABASE_URL")


def _databases(tmp: Path) -> list[tuple[str, str, str | None]]:
    """(label, url, database to drop afterwards)."""
    found: list[tuple[str, str, str | None]] = [("SQLite", f"sqlite:///{tmp / 'standups.db'}", None)]
    server = _postgres_server()
    if server:
        base = make_url(server.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"askwell_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        found.append(("PostgreSQL", base.set(database=name).render_as_string(hide_password=False), name))
    return found


def _drop(url: str, name: str) -> None:
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _seed_tick(engine: Engine) -> int:
    """80,000 people in 10,000 teams, each with their next prompt in the coming day; returns the org."""
    with engine.begin() as conn:
        org_id = conn.execute(
            insert(Organization).values(slug="bench", name="Bench", created_at=NOW).returning(Organization.id)
        ).scalar_one()
        conn.execute(
            insert(Team),
            [
                {"id": t + 1, "org_id": org_id, "name": f"T{t}", "slug": f"t{t}", "created_at": NOW}
                for t in range(TEAMS)
            ],
        )
        conn.execute(
            insert(StandupSettings),
            [
                {
                    "org_id": org_id,
                    "team_id": t + 1,
                    "prompt_time": f"{8 + t % 3:02d}:{(t % 4) * 15:02d}",
                    "questions": [],
                    "rotating": [],
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for t in range(TEAMS)
            ],
        )
        people = []
        members = []
        schedules = []
        for i in range(TEAMS * PER_TEAM):
            pid = i + 1
            tz = ZONES[i % len(ZONES)]
            people.append(
                {
                    "id": pid,
                    "org_id": org_id,
                    "email": f"p{i}@bench.example.com",
                    "name": f"P{i}",
                    "sort_name": f"p{i}",
                    "timezone": tz,
                    "role": Role.MEMBER.value,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            members.append({"org_id": org_id, "team_id": i // PER_TEAM + 1, "person_id": pid})
            # Where a tick leaves people: the next prompt from just before now to a day ahead.
            at = NOW - timedelta(seconds=60) + timedelta(seconds=(i * 7919) % 86400)
            schedules.append(
                {
                    "org_id": org_id,
                    "person_id": pid,
                    "next_at": at,
                    "local_date": at.astimezone(ZoneInfo(tz)).date(),
                    "closes_at": at + timedelta(hours=4),
                    "updated_at": NOW,
                }
            )
        for chunk in range(0, len(people), 5000):
            conn.execute(insert(Person), people[chunk : chunk + 5000])
            conn.execute(insert(TeamMembership), members[chunk : chunk + 5000])
            conn.execute(insert(StandupSchedule), schedules[chunk : chunk + 5000])
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    return int(org_id)


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def _tick(engine: Engine) -> tuple[int, float, float, int, float]:
    """(due found, p50 ms, p95 ms, due by the naive scan, naive ms)."""
    factory = wiring.session_factory(engine, Edges())
    samples = []
    found = 0
    for _ in range(30):
        with factory() as db, db.begin():
            started = time.perf_counter()
            found = len(repository.due_schedules(db, now=NOW, limit=service.TICK_BATCH))
            samples.append(time.perf_counter() - started)
            db.rollback()
    p50, p95 = _ms(samples)
    with factory() as db:
        started = time.perf_counter()
        naive = 0
        for line in repository.every_member_with_settings(db):
            prompt = schedule.prompt_on(
                [service.cadence_of(line.settings)],
                tz=ZoneInfo(line.timezone),
                day=NOW.astimezone(ZoneInfo(line.timezone)).date(),
            )
            if prompt is not None and NOW - timedelta(minutes=1) < prompt.due_at <= NOW:
                naive += 1
        naive_ms = (time.perf_counter() - started) * 1000
    return found, p50, p95, naive, naive_ms


def _seed_board(engine: Engine, org_id: int) -> None:
    """A 40-person team where all answered, a quarter with confirmed asks and offers on half of those."""
    factory = wiring.session_factory(engine, Edges())
    with factory() as db:
        team = db.get(Team, 1)
        assert team is not None
        lead = db.get(Person, 1)
        assert lead is not None
        base = TEAMS * PER_TEAM
        for i in range(BOARD_TEAM - PER_TEAM):
            pid = base + i + 1
            db.add(
                Person(
                    id=pid, org_id=org_id, email=f"b{i}@bench.example.com", name=f"B{i}", sort_name=f"b{i}",
                    timezone="UTC", role=Role.MEMBER.value, created_at=NOW, updated_at=NOW,
                )
            )  # fmt: skip
            db.flush()
            db.add(TeamMembership(org_id=org_id, team_id=team.id, person_id=pid))
        db.execute(text("UPDATE team_memberships SET is_lead = :t WHERE person_id = 1"), {"t": True})
        db.execute(text("UPDATE people SET timezone = 'UTC' WHERE id <= :n"), {"n": PER_TEAM})
        db.commit()
        ids = repository.member_ids(db, org_id=org_id, team_id=team.id)
        day = NOW - timedelta(hours=4)
        for n, pid in enumerate(ids):
            person = db.get(Person, pid)
            assert person is not None
            actor = actor_for(db, person)
            words = {"worked_on": f"Shipped item {n}", "working_on": "The migration"}
            if n % 4 == 0:
                words["help_needed"] = (
                    f"Service {n}: blocked on the Stripe webhook signature, no idea who knows it"
                )
            checkin = service.answer(db, actor=actor, data=CheckinWrite(answers=words), now=day)
            if checkin.ask_id is not None:
                ask = service.confirm_need(
                    db, actor=actor, checkin_id=checkin.id, data=NeedConfirm(), now=day
                )
                if n % 8 == 0:
                    helper = db.get(Person, ids[(n + 1) % len(ids)])
                    assert helper is not None
                    asks_service.offer_help(
                        db,
                        actor=actor_for(db, helper),
                        ask_id=ask.id,
                        data=OfferCreate(kind=OfferKind.ADVISE, message="I know their API, happy to pair."),
                        now=day,
                    )
        db.commit()


def _time_board(engine: Engine) -> tuple[float, float, int]:
    """p50 and p95 (ms) of 200 board reads as the team's lead, and the check-ins shown."""
    factory = wiring.session_factory(engine, Edges())
    with factory() as db:
        team = db.get(Team, 1)
        lead = db.get(Person, 1)
        assert team is not None and lead is not None
        lead_actor = actor_for(db, lead)
        # A plain id: the team row expires at each rollback, and reading ``team.id`` would reload it.
        team_id = team.id
        for _ in range(20):  # warm-up: statement caches, connection
            service.board(db, actor=lead_actor, team_id=team_id, now=NOW)
            db.rollback()
        samples = []
        shown = 0
        for _ in range(200):
            started = time.perf_counter()
            board = service.board(db, actor=lead_actor, team_id=team_id, now=NOW)
            samples.append(time.perf_counter() - started)
            shown = len(board.checkins)
            db.rollback()
    p50, p95 = _ms(samples)
    return p50, p95, shown


def _time_board_in_child(url: str, src: Path) -> tuple[float, float, int]:
    """The board timed by the code under ``src`` (this benchmark's seed and timing, that code's reads)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_standups", "--time-board", url],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    p50, p95, shown = json.loads(done.stdout.strip().splitlines()[-1])
    return float(p50), float(p95), int(shown)


def _board_against(url: str, base: Path) -> tuple[tuple[float, float, int], tuple[float, float, int]]:
    """(before, now): each side timed twice, in turns, keeping its run with the lower p95."""
    befores, nows = [], []
    for _ in range(2):
        befores.append(_time_board_in_child(url, base / "src"))
        nows.append(_time_board_in_child(url, ROOT / "src"))
    return min(befores, key=lambda r: r[1]), min(nows, key=lambda r: r[1])


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def main() -> None:
    if AGAINST:
        with tempfile.TemporaryDirectory(prefix="askwell-standups-base-") as tmp:
            base = Path(tmp) / "base"
            subprocess.run(["git", "worktree", "add", "--detach", str(base), AGAINST], cwd=ROOT, check=True,
                           capture_output=True)  # fmt: skip
            try:
                _main(base)
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    else:
        _main(None)


def _main(base: Path | None) -> None:
    print("## Stand-ups: the scheduler's tick and a team's board\n")
    print(f"{TEAMS:,} teams × {PER_TEAM} people ({TEAMS * PER_TEAM:,} schedules in {len(ZONES)} timezones); ")
    print(
        f"the tick's query for prompts due at {NOW:%Y-%m-%d %H:%M} UTC (p50/p95 of 30) beside the naive scan "
    )
    print(
        f"(every member, their prompt computed in their timezone; one run). Board: a {BOARD_TEAM}-person team, "
    )
    print("everyone answered, a quarter with confirmed asks; p50/p95 of 200 reads as the lead.\n")
    load_start = _load()
    before_cols = f"board p50 at {AGAINST[:10]} | p95 at {AGAINST[:10]} | " if base else ""
    print(
        f"| database | due found | tick query p50 | p95 | naive scan found | naive scan | {before_cols}"
        "board p50 | board p95 |"
    )
    print("|---|---|---|---|---|---|---|---|" + ("---|---|" if base else ""))
    with tempfile.TemporaryDirectory() as tmp:
        for label, url, drop in _databases(Path(tmp)):
            engine = create_db_engine(url)
            try:
                upgrade(engine)
                org_id = _seed_tick(engine)
                tick = "| – | – | – | – | – "
                if "tick" in PARTS:
                    found, p50, p95, naive, naive_ms = _tick(engine)
                    tick_ok = "✓" if p95 <= TICK_TARGET_MS else "✗"
                    tick = (
                        f"| {found} | {p50:.1f} ms | {p95:.1f} ms {tick_ok} | {naive} | {naive_ms:,.0f} ms "
                    )
                board = "| – | – |"
                if "board" in PARTS:
                    _seed_board(engine, org_id)
                    if base:
                        (o50, o95, o_shown), (b50, b95, shown) = _board_against(url, base)
                        assert o_shown == BOARD_TEAM, o_shown
                        old_ok = "✓" if o95 <= BOARD_TARGET_MS else "✗"
                        board = f"| {o50:.1f} ms | {o95:.1f} ms {old_ok} "
                    else:
                        b50, b95, shown = _time_board(engine)
                        board = ""
                    assert shown == BOARD_TEAM, shown
                    board_ok = "✓" if b95 <= BOARD_TARGET_MS else "✗"
                    board += f"| {b50:.1f} ms | {b95:.1f} ms {board_ok} |"
                print(f"| {label} {tick}{board}")
            finally:
                engine.dispose()
                if drop:
                    _drop(url, drop)
    print(
        f"\nLoad average (1, 5, 15 min) {load_start} at the start and {_load()} at the end: the machine is "
        "shared, and a board read's round trips to the database slow down most when it is busy."
    )
    if base:
        print(
            f"\nBoard before/after: `ASKWELL_BENCH_STANDUP_AGAINST={AGAINST} ASKWELL_BENCH_POSTGRES_URL=... "
            "python -m benchmarks standups`; the two columns were timed in turns (child processes, each "
            "side twice, the lower p95 kept) on the same seeded databases. "
        )
    print(f"\nTargets: tick query ≤ {TICK_TARGET_MS} ms, board p95 ≤ {BOARD_TARGET_MS} ms. ")
    print("The naive scan counts prompts due in the last minute (the tick's own window).")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--time-board":
        child_engine = create_db_engine(sys.argv[2])
        try:
            print(json.dumps(_time_board(child_engine)))
        finally:
            child_engine.dispose()
    else:
        main()
