"""``make load``: Askwell served for real on loopback, driven by locust headless, figures written down.

One run, bounded from start to end:

1. a fresh database with the demo organization (``askwell db upgrade`` + ``askwell demo``): on
   SQLite a temp file; on PostgreSQL a database of its own, created here and dropped at the end;
2. the server on a free port of 127.0.0.1: SQLite, one process (jobs in-process); PostgreSQL,
   ``askwell serve --workers 2`` and one ``askwell worker``;
3. ``locust --headless`` with a fixed number of users, spawn rate and run time
   (``benchmarks/load/locustfile.py``);
4. requests/s, p50/p95/p99 and errors by request type and in total, written to
   ``benchmarks/results/load_<db>.json`` and a section of ``docs/benchmarks.md``;
5. every process it started is stopped (SIGTERM to its process group, SIGKILL after a grace period),
   whatever happened before.

Parameters (environment): ``DB`` (``sqlite`` or ``postgresql``), ``USERS``, ``SPAWN_RATE``,
``DURATION`` (seconds), ``PG_URL`` (a PostgreSQL server URL to create the database on),
``LOAD_WRITE`` (``0``: no files written, for the smoke test).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
RESULTS = ROOT / "benchmarks" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
READY_TIMEOUT_S = 180.0
STOP_GRACE_S = 20.0


@dataclass(frozen=True)
class Params:
    db: str
    users: int
    spawn_rate: float
    duration_s: int
    pg_url: str
    write: bool

    @classmethod
    def from_env(cls) -> Params:
        db = os.environ.get("DB", "sqlite").strip().lower() or "sqlite"
        if db not in ("sqlite", "postgresql"):
            raise SystemExit(f"DB must be sqlite or postgresql, not {db!r}")
        users = int(os.environ.get("USERS", "50" if db == "sqlite" else "200"))
        return cls(
            db=db,
            users=users,
            spawn_rate=float(os.environ.get("SPAWN_RATE", str(max(1, users // 10)))),
            duration_s=int(os.environ.get("DURATION", "120")),
            pg_url=os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
            write=os.environ.get("LOAD_WRITE", "1") != "0",
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextlib.contextmanager
def database(params: Params) -> Iterator[str]:
    """A fresh, empty database URL, removed afterwards."""
    if params.db == "sqlite":
        with tempfile.TemporaryDirectory(prefix="askwell-load-") as tmp:
            yield f"sqlite:///{tmp}/askwell.db"
        return
    import psycopg

    name = f"askwell_load_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(_psycopg_url(params.pg_url), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = _psycopg_url(params.pg_url).rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(_psycopg_url(params.pg_url), autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def askwell(*args: str) -> list[str]:
    return [sys.executable, "-m", "askwell.cli.main", *args]


def child_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["ASKWELL_DATABASE_URL"] = url
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONPATH"] += os.pathsep + str(ROOT)
    return env


def prepare(url: str, env: dict[str, str]) -> None:
    # The demo queues its first jobs (the embedding of every profile, ...): run them before the load,
    # which measures a running site, not its first minutes (benchmarks/bench_startup.py does those).
    for args in (("db", "upgrade"), ("demo",), ("worker", "--once")):
        subprocess.run(
            askwell(*args),
            env=env,
            check=True,
            timeout=900,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def accounts(url: str, path: Path) -> dict[str, Any]:
    """The demo organization's active members and admins, for the locust users to sign in as."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT email, role FROM people WHERE is_active ORDER BY id")).all()
    finally:
        engine.dispose()
    from askwell.demo.build import DEMO_PASSWORD

    data = {
        "password": DEMO_PASSWORD,
        "members": [e for e, role in rows if role == "member"],
        "admins": [e for e, role in rows if role == "admin"],
    }
    if not data["members"] or not data["admins"]:
        raise SystemExit(f"the demo organization has no members or no admins: {len(rows)} people")
    path.write_text(json.dumps(data))
    return data


class Processes:
    """The processes this run started, each in its own process group, stopped in reverse order."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append((name, proc))
        return proc

    def stop(self) -> None:
        for _, proc in reversed(self.started):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        for _, proc in reversed(self.started):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    def check_alive(self) -> None:
        for name, proc in self.started:
            if proc.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"{name} exited with {proc.returncode}:\n{tail}")


def wait_ready(base: str, procs: Processes) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        procs.check_alive()
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit(f"the server at {base} was not ready after {READY_TIMEOUT_S:.0f} s")


def status_counts(log: Path) -> dict[str, int]:
    """Responses by status class, from the server's access log (uvicorn's, one line per request)."""
    counts: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if '" ' in line and "HTTP/1.1" in line:
            status = line.rsplit('" ', 1)[1].split(" ", 1)[0]
            if status.isdigit():
                key = f"{status[0]}xx"
                counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def error_lines(log: Path, limit: int = 40) -> list[str]:
    """The server's error lines (exceptions, tracebacks' last lines), for a run that had 5xx."""
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    picked = [
        line[:300]
        for line in lines
        if "Error" in line or "Exception" in line or "ERROR" in line or "Traceback" in line
    ]
    return picked[-limit:]


def read_stats(prefix: Path) -> list[dict[str, Any]]:
    rows = []
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as f:
        for row in csv.DictReader(f):
            rows.append(
                {
                    "name": row["Name"] if row["Type"] else "Total",
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 2),
                    "p50_ms": _num(row["50%"]),
                    "p95_ms": _num(row["95%"]),
                    "p99_ms": _num(row["99%"]),
                    "max_ms": round(float(row["Max Response Time"] or 0)),
                }
            )
    return rows


def _num(value: str) -> int | None:
    return None if value in ("", "N/A") else round(float(value))


def read_failures(prefix: Path) -> list[dict[str, Any]]:
    path = prefix.parent / f"{prefix.name}_failures.csv"
    if not path.exists():
        return []
    with path.open() as f:
        return [
            {
                "name": r["Name"],
                "method": r["Method"],
                "error": r["Error"][:300],
                "count": int(r["Occurrences"]),
            }
            for r in csv.DictReader(f)
        ]


def run(params: Params) -> dict[str, Any]:
    started = datetime.now(UTC)
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="askwell-load-run-") as tmp_name, database(params) as url:
        tmp = Path(tmp_name)
        env = child_env(url)
        t0 = time.perf_counter()
        prepare(url, env)
        prepared_s = time.perf_counter() - t0
        accounts(url, tmp / "accounts.json")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        procs = Processes(tmp)
        try:
            if params.db == "sqlite":
                procs.start("server", askwell("serve", "--port", str(port)), env)
            else:
                procs.start("server", askwell("serve", "--port", str(port), "--workers", "2"), env)
                procs.start("worker", askwell("worker"), env)
            wait_ready(base, procs)
            prefix = tmp / "locust"
            locust_env = dict(env, ASKWELL_LOAD_ACCOUNTS=str(tmp / "accounts.json"))
            command = [
                sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
                "--host", base, "--users", str(params.users), "--spawn-rate", str(params.spawn_rate),
                "--run-time", f"{params.duration_s}s", "--stop-timeout", "10",
                "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
            ]  # fmt: skip
            locust = subprocess.run(
                command, env=locust_env, timeout=params.duration_s + 180, capture_output=True, text=True
            )
            procs.check_alive()
        finally:
            procs.stop()
        load_at_end = os.getloadavg()
        stats = read_stats(prefix)
        result = {
            "db": params.db,
            "processes": "1 app process, jobs in-process"
            if params.db == "sqlite"
            else "2 app processes + 1 worker",
            "users": params.users,
            "spawn_rate": params.spawn_rate,
            "duration_s": params.duration_s,
            "started": started.isoformat(timespec="seconds"),
            "prepare_s": round(prepared_s, 1),
            "load_average_start": [round(x, 1) for x in load_at_start],
            "load_average_end": [round(x, 1) for x in load_at_end],
            "cores": os.cpu_count(),
            "server_statuses": status_counts(tmp / "server.log"),
            "locust_exit": locust.returncode,
            "stats": stats,
            "failures": read_failures(prefix),
            "server_errors": error_lines(tmp / "server.log"),
        }
        if locust.returncode not in (0, 1):
            result["locust_stderr"] = locust.stderr[-3000:]
    return result


def markdown(result: dict[str, Any]) -> str:
    total = next(r for r in result["stats"] if r["name"] == "Total")
    five = result["server_statuses"].get("5xx", 0)
    lines = [
        f"## Load: {result['db']} ({result['processes']})",
        "",
        f"`make load DB={result['db']} USERS={result['users']} DURATION={result['duration_s']}`: "
        f"{result['users']} signed-in people (spawned at {result['spawn_rate']:g}/s, think time 1-4 s), "
        f"{result['duration_s']} s, locust headless on loopback, on {result['cores']} cores with a load "
        f"average of {' '.join(map(str, result['load_average_start']))} at the start and "
        f"{' '.join(map(str, result['load_average_end']))} at the end (the machine is shared: "
        "latencies move with its other work).",
        "",
        f"**Total: {total['rps']} requests/s, p50 {total['p50_ms']} ms, p95 {total['p95_ms']} ms, "
        f"p99 {total['p99_ms']} ms, {total['failures']} failed of {total['requests']}; "
        f"the server answered {five} with a 5xx** "
        f"(statuses: {', '.join(f'{k} {v}' for k, v in result['server_statuses'].items()) or 'none'}).",
        "",
        "| request | requests | failed | req/s | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["stats"]:
        name = "**total**" if r["name"] == "Total" else f"{r['method']} {r['name'].split(' ', 1)[-1]}"
        lines.append(
            f"| {name} | {r['requests']} | {r['failures']} | {r['rps']} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} |"
        )
    if result["failures"]:
        lines += ["", "Failures:", ""]
        lines += [f"- {f['count']} x {f['name']}: {f['error']}" for f in result["failures"]]
    if result.get("server_errors"):
        lines += [
            "",
            "Server log, error lines (last ones):",
            "",
            "```",
            *result["server_errors"][-15:],
            "```",
        ]
    return "\n".join(lines)


def write(result: dict[str, Any]) -> None:
    from benchmarks.__main__ import existing_sections, section

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"load_{result['db']}.json").write_text(json.dumps(result, indent=2) + "\n")
    name = f"load_{result['db']}"
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    body = markdown(result)
    if name in existing_sections(text):
        start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
        text = text[: text.index(start)] + section(name, body) + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section(name, body) + "\n"
    DOCS.write_text(text, encoding="utf-8")


def main() -> int:
    params = Params.from_env()
    print(
        f"load: {params.db}, {params.users} users at {params.spawn_rate:g}/s for {params.duration_s} s",
        file=sys.stderr,
    )
    result = run(params)
    print(markdown(result))
    if params.write:
        write(result)
        print(f"wrote benchmarks/results/load_{params.db}.json and docs/benchmarks.md", file=sys.stderr)
    total = next(r for r in result["stats"] if r["name"] == "Total")
    bad = total["failures"] or result["server_statuses"].get("5xx", 0) or total["requests"] == 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
