"""`askwell worker` and `askwell serve` as an operator runs them: settings from the environment."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from typer.testing import CliRunner

from askwell import wiring
from askwell.accounts.secrets import hash_password
from askwell.cli.serve import wants_in_process_worker
from askwell.core.config import Settings, get_settings
from askwell.core.edges import Edges
from askwell.core.jobs import enqueue
from askwell.core.uow import unit_of_work
from askwell.people import service as people_service
from askwell.people.schemas import OrganizationCreate, PersonCreate
from tests.conftest import NOW, PASSWORD
from tests.integrations.smtp_server import SmtpServer, smtp_server
from tests.worker.cli_app import app
from tests.worker.conftest import ROOT, child_pythonpath
from tests.worker.support import wait_until

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

runner = CliRunner()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Environment for commands that read `get_settings()`, with its cache cleared around the test.

    The commands also attach a log handler to the `askwell` logger; it is removed afterwards so that
    later tests do not write to this runner's closed stream.
    """
    logger = logging.getLogger("askwell")
    handlers, level = list(logger.handlers), logger.level
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()
    logger.handlers[:] = handlers
    logger.setLevel(level)


def _queue_email(db: TestDatabase, to: str) -> None:
    with unit_of_work(wiring.session_factory(db.engine, Edges())) as s:
        enqueue(s, "email.send", {"to": to, "subject": "Hello", "body": "Welcome aboard."}, now=NOW)


class TestWorkerCommand:
    def test_once_delivers_queued_email_and_exits(
        self, env: pytest.MonkeyPatch, committed_db: TestDatabase, smtp: SmtpServer
    ) -> None:
        env.setenv("ASKWELL_DATABASE_URL", committed_db.url)
        for name, value in smtp.env().items():
            env.setenv(name, value)
        _queue_email(committed_db, "grace@example.com")

        result = runner.invoke(app, ["worker", "--once"])

        assert result.exit_code == 0, result.output
        assert "ran " in result.output
        assert [m["To"] for m in smtp.handler.messages] == ["grace@example.com"]

    def test_unmigrated_database_is_refused_with_the_fix(
        self, env: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        env.setenv("ASKWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")

        result = runner.invoke(app, ["worker", "--once"])

        assert result.exit_code == 1
        assert "run `askwell db upgrade` first" in result.output
        assert "Traceback" not in result.output

    def test_unreachable_database_is_one_line_not_a_traceback(self, env: pytest.MonkeyPatch) -> None:
        env.setenv("ASKWELL_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/askwell")

        result = runner.invoke(app, ["worker", "--once"])

        assert result.exit_code == 1
        assert "cannot open the database" in result.output
        assert "Traceback" not in result.output


class TestServeCommand:
    @pytest.mark.parametrize(
        ("url", "setting", "flag", "expected"),
        [
            ("sqlite:///askwell.db", None, None, True),
            ("postgresql://db/askwell", None, None, False),
            ("postgresql://db/askwell", True, None, True),
            ("sqlite:///askwell.db", False, None, False),
            ("sqlite:///askwell.db", None, False, False),
            ("postgresql://db/askwell", False, True, True),
        ],
    )
    def test_in_process_worker_choice(
        self, url: str, setting: bool | None, flag: bool | None, expected: bool
    ) -> None:
        settings = Settings(database_url=url, in_process_worker=setting)

        assert wants_in_process_worker(settings, flag) is expected

    def test_unmigrated_database_is_refused_before_listening(
        self, env: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        env.setenv("ASKWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")

        result = runner.invoke(app, ["serve", "--port", "1"])

        assert result.exit_code == 1
        assert "askwell db upgrade" in result.output

    def test_serves_pages_runs_the_outbox_and_stops_on_ctrl_c(
        self, committed_db: TestDatabase, smtp: SmtpServer, tmp_path: Path
    ) -> None:
        _queue_email(committed_db, "ada@example.com")
        port = _free_port()
        env = {
            **os.environ,
            **smtp.env(),
            "ASKWELL_DATABASE_URL": committed_db.url,
            "ASKWELL_WORKER_POLL_SECONDS": "0.1",
            "PYTHONPATH": child_pythonpath(),
        }
        # SQLite runs the worker in-process by default; PostgreSQL only when asked.
        flags = [] if committed_db.dialect == "sqlite" else ["--worker"]
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.worker.cli_app", "serve", "--port", str(port), *flags],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until(
                lambda: _get(f"http://127.0.0.1:{port}/signin") == 200,
                timeout=60,
                step=0.2,
                what="the server to answer",
                details=lambda: log.read_text(errors="replace"),
            )
            wait_until(
                lambda: len(smtp.handler.messages) == 1,
                timeout=15,
                what="the in-process worker to send the email",
                details=lambda: log.read_text(errors="replace"),
            )
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=20) == 0, log.read_text(errors="replace")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)

        output = log.read_text(errors="replace")
        assert f"http://127.0.0.1:{port}/" in output
        assert "jobs run in this process" in output
        assert smtp.handler.messages[0]["To"] == "ada@example.com"


class TestSeveralAppProcesses:
    def test_sqlite_is_refused_with_a_reason(self, env: pytest.MonkeyPatch, tmp_path: Path) -> None:
        env.setenv("ASKWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'one.db'}")

        result = runner.invoke(app, ["serve", "--workers", "2", "--port", "1"])

        assert result.exit_code == 1
        assert "needs PostgreSQL" in result.output

    def test_jobs_are_not_run_in_several_app_processes(self, env: pytest.MonkeyPatch) -> None:
        env.setenv("ASKWELL_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")

        result = runner.invoke(app, ["serve", "--workers", "2", "--worker", "--port", "1"])

        assert result.exit_code == 1
        assert "askwell worker" in result.output

    @pytest.mark.postgres_only
    @pytest.mark.skipif(
        not os.environ.get("ASKWELL_TEST_DATABASE_URL"),
        reason="several app processes are the PostgreSQL layout; set ASKWELL_TEST_DATABASE_URL to run it",
    )
    def test_two_app_processes_serve_one_signed_in_person(
        self, committed_db: TestDatabase, tmp_path: Path
    ) -> None:
        with unit_of_work(wiring.session_factory(committed_db.engine, Edges())) as db:
            org = people_service.create_organization(
                db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
            )
            people_service.add_person(
                db,
                org_id=org.id,
                data=PersonCreate(name="Ada Lovelace", email="ada@example.com"),
                now=NOW,
                password_hash=hash_password(PASSWORD),
            )
        port = _free_port()
        env = {**os.environ, "ASKWELL_DATABASE_URL": committed_db.url, "PYTHONPATH": child_pythonpath()}
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.worker.cli_app",
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    "2",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until(
                lambda: _get(f"{base}/healthz") == 200 and len(_python_children(proc.pid)) >= 2,
                timeout=90,
                step=0.2,
                what="two app processes to answer",
                details=lambda: log.read_text(errors="replace"),
            )
            with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as client:
                client.get("/signin")
                signed = client.post(
                    "/signin",
                    data={
                        "email": "ada@example.com",
                        "password": PASSWORD,
                        "csrf_token": client.cookies.get("askwell_csrf") or "",
                    },
                )
                assert signed.status_code == 303, signed.text
                # The session and CSRF cookies hold whichever process answers.
                statuses = [client.get(path).status_code for path in ("/", "/asks", "/people", "/inbox") * 3]
            assert statuses == [200] * 12
            output = log.read_text(errors="replace")
            assert "with 2 app processes" in output
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=10)


def _python_children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (read from /proc; uvicorn's workers are its children)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _get(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=1).status_code
    except httpx.HTTPError:
        return None


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
