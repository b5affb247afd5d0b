"""CPU milliseconds per request for the main pages, in-process, with a signed-in session.

The app runs on a SQLite file holding the demo organization (80 people); requests go through the
whole ASGI stack (middlewares, dependencies, queries, templates) with Starlette's test client. For
each page: warm-up requests, then ``ROUNDS`` requests timed with ``time.process_time`` (CPU of the
whole process, all threads), and the SQL statements each request ran. Process time, unlike wall time,
barely moves when other work shares the machine.

The "before" column is ``benchmarks/results/request_cpu_before.json``, measured on the code as it
was before the per-request cuts (its commit is named there); ``ASKWELL_REQUEST_CPU_SAVE=before``
rewrites it from the current code.

On a busy machine, figures from different times are not comparable; ``ASKWELL_REQUEST_CPU_AGAINST=<commit>``
measures that commit (a temporary git worktree) and the current code in turns, twice each, and
keeps each page's lowest figure: both columns then share the machine's conditions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text
from starlette.testclient import TestClient

from askwell.core.config import Settings
from askwell.core.db import create_db_engine, create_session_factory
from askwell.demo.build import DEMO_PASSWORD
from askwell.server import create_app

ROOT = Path(__file__).resolve().parent.parent
BEFORE = ROOT / "benchmarks" / "results" / "request_cpu_before.json"
ROUNDS = int(os.environ.get("ASKWELL_REQUEST_CPU_ROUNDS", "40"))
WARMUP = 5
REPEATS = 3  # the lowest of three rounds of ROUNDS: the least disturbed by other work


SRC = Path(os.environ.get("ASKWELL_REQUEST_CPU_SRC", str(ROOT / "src")))


def _prepare(url: str) -> None:
    env = dict(os.environ, ASKWELL_DATABASE_URL=url)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    for args in (("db", "upgrade"), ("demo",)):
        subprocess.run(
            [sys.executable, "-m", "askwell.cli.main", *args],
            env=env,
            check=True,
            timeout=600,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def _author(engine: Engine) -> tuple[str, int, int]:
    """A member with an open ask of their own (for the suggestions page), that ask, and another's."""
    with engine.connect() as conn:
        email, own = conn.execute(
            text(
                "SELECT p.email, a.id FROM asks a JOIN people p ON p.id = a.author_id "
                "WHERE a.status = 'open' AND p.is_active ORDER BY a.id LIMIT 1"
            )
        ).one()
        other = conn.execute(
            text(
                "SELECT a.id FROM asks a JOIN people p ON p.id = a.author_id "
                "WHERE a.status = 'open' AND a.visibility = 'org' AND p.email != :e ORDER BY a.id LIMIT 1"
            ),
            {"e": email},
        ).scalar_one()
    return str(email), int(own), int(other)


def pages(own: int, other: int) -> list[tuple[str, str, str, dict[str, Any] | None]]:
    return [
        ("board (home)", "GET", "/", None),
        ("ask board page", "GET", "/asks", None),
        ("ask page", "GET", f"/asks/{other}", None),
        ("directory", "GET", "/people", None),
        ("inbox", "GET", "/inbox", None),
        ("suggestions (author)", "GET", f"/asks/{own}/suggestions", None),
        ("coaching (API)", "POST", "/api/v1/coach", {"text": "Could someone review my migration plan?"}),
        ("API: asks", "GET", "/api/v1/asks", None),
        ("API: people", "GET", "/api/v1/people", None),
        ("API: notifications", "GET", "/api/v1/notifications", None),
    ]


def measure() -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="askwell-cpu-") as tmp:
        url = f"sqlite:///{tmp}/askwell.db"
        _prepare(url)
        engine = create_db_engine(url)
        statements = 0

        def count(*_: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine, "before_cursor_execute", count)
        email, own, other = _author(engine)
        settings = Settings(database_url=url, in_process_worker=False)
        app = create_app(settings, session_factory=create_session_factory(engine))
        out: dict[str, dict[str, float]] = {}
        with TestClient(app, base_url="http://127.0.0.1") as client:
            client.get("/signin")
            signed = client.post(
                "/signin",
                data={
                    "email": email,
                    "password": DEMO_PASSWORD,
                    "csrf_token": client.cookies["askwell_csrf"],
                },
                follow_redirects=False,
            )
            assert signed.status_code == 303, signed.text[:500]
            headers = {"X-CSRF-Token": client.cookies["askwell_csrf"]}
            for name, method, path, body in pages(own, other):
                for _ in range(WARMUP):
                    response = client.request(method, path, json=body, headers=headers)
                    assert response.status_code == 200, (name, response.status_code, response.text[:300])
                per_round = []
                for _ in range(REPEATS):
                    statements = 0
                    started = time.process_time()
                    for _ in range(ROUNDS):
                        client.request(method, path, json=body, headers=headers)
                    per_round.append((time.process_time() - started) * 1000 / ROUNDS)
                out[name] = {"cpu_ms": round(min(per_round), 2), "queries": statements / ROUNDS}
                print(
                    f"  {name}: {min(per_round):.1f} ms, {statements / ROUNDS:.1f} queries", file=sys.stderr
                )
        engine.dispose()
    return out


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def _measure_in_child(src: Path) -> dict[str, dict[str, float]]:
    env = dict(os.environ, ASKWELL_REQUEST_CPU_SRC=str(src))
    env["PYTHONPATH"] = os.pathsep.join([str(src), str(ROOT)])
    code = "import json; from benchmarks.bench_request_cpu import measure; print(json.dumps(measure()))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=1200,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _lowest(runs: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    return {
        name: {"cpu_ms": min(r[name]["cpu_ms"] for r in runs), "queries": runs[-1][name]["queries"]}
        for name in runs[0]
    }


def against(commit: str) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """``commit`` and the current code measured in turns (before, now, before, now)."""
    with tempfile.TemporaryDirectory(prefix="askwell-cpu-base-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), commit], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        try:
            befores, nows = [], []
            for _ in range(2):
                befores.append(_measure_in_child(base / "src"))
                nows.append(_measure_in_child(ROOT / "src"))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    return {"commit": commit, "rounds": ROUNDS, "pages": _lowest(befores), "interleaved": True}, _lowest(nows)


def main() -> None:
    if commit := os.environ.get("ASKWELL_REQUEST_CPU_AGAINST"):
        before, now = against(commit)
    else:
        now = measure()
        if os.environ.get("ASKWELL_REQUEST_CPU_SAVE") == "before":
            BEFORE.parent.mkdir(parents=True, exist_ok=True)
            BEFORE.write_text(
                json.dumps({"commit": _commit(), "rounds": ROUNDS, "pages": now}, indent=2) + "\n"
            )
        before = json.loads(BEFORE.read_text()) if BEFORE.exists() else {"commit": "?", "pages": {}}
    print("## CPU per request\n")
    print(
        f"`python -m benchmarks request_cpu`: CPU ms per request (process time, the lowest of {REPEATS} "
        f"rounds of {ROUNDS} after {WARMUP} warm-up requests) through the whole ASGI app, signed in as a "
        f"member of the 80-person demo organization on SQLite; SQL statements per request. "
        f"Before: commit {before['commit']}; now: commit {_commit()} (with uncommitted changes, if any)"
        + ("; measured in turns in this run" if before.get("interleaved") else "; before measured earlier")
        + ".\n"
    )
    print("| request | CPU ms before | CPU ms now | change | queries before | queries now |")
    print("|---|---:|---:|---:|---:|---:|")
    total_before = total_now = 0.0
    for name, figures in now.items():
        old = before["pages"].get(name)
        change = f"{(figures['cpu_ms'] / old['cpu_ms'] - 1) * 100:+.0f}%" if old else ""
        print(
            f"| {name} | {old['cpu_ms'] if old else ''} | {figures['cpu_ms']} | {change} | "
            f"{old['queries'] if old else ''} | {figures['queries']} |"
        )
        if old:
            total_before += old["cpu_ms"]
            total_now += figures["cpu_ms"]
    if total_before:
        print(f"\nSum over the requests: {total_before:.1f} ms before, {total_now:.1f} ms now.")


if __name__ == "__main__":
    main()
