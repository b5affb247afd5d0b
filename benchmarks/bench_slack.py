"""CPU milliseconds per request Slack sends us, in-process, beside a baseline in the same run.

A SQLite file with one organization, its Slack installation and a linked person; requests go through
the whole ASGI stack with Starlette's test client, signed as Slack signs them. Each row: warm-up, then
``ROUNDS`` requests timed with ``time.process_time`` (CPU of the process, all threads; it barely moves
when other work shares the machine, unlike wall time), the lowest of ``REPEATS`` rounds. The baseline
is ``GET /healthz`` (the stack with no work); *refused* is a forged signature (the 401 path).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

from starlette.testclient import TestClient

from askwell.core.config import Settings
from askwell.core.db import create_db_engine, create_session_factory
from askwell.core.encryption import current_box
from askwell.core.migrations import upgrade
from askwell.integrations.slack_api import sign
from askwell.people import service as people_service
from askwell.people.schemas import OrganizationCreate, PersonCreate
from askwell.server import create_app
from askwell.slack.models import LinkSource, SlackInstallation, SlackLink

ROUNDS = int(os.environ.get("ASKWELL_SLACK_BENCH_ROUNDS", "200"))
WARMUP = 10
REPEATS = 3
SECRET = "bench-signing-secret"
TEAM = "TBENCH"


def _seed(url: str) -> None:
    engine = create_db_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    with create_session_factory(engine)() as db:
        org = people_service.create_organization(
            db, data=OrganizationCreate(name="Bench", slug="bench"), now=now
        )
        person = people_service.add_person(
            db, org_id=org.id, data=PersonCreate(name="Bea", email="bea@bench.example.com"), now=now
        )
        db.add(
            SlackInstallation(
                org_id=org.id,
                team_id=TEAM,
                bot_token=current_box().seal("xoxb-bench"),
                installed_at=now,
                updated_at=now,
            )
        )
        db.add(
            SlackLink(
                org_id=org.id,
                person_id=person.id,
                slack_user_id="UBEA",
                source=LinkSource.MANUAL.value,
                linked_at=now,
            )
        )
        db.commit()
    engine.dispose()


def _cpu_ms(send: Callable[[], int], expected: int) -> float:
    for _ in range(WARMUP):
        assert send() == expected
    best = float("inf")
    for _ in range(REPEATS):
        started = time.process_time()
        for _ in range(ROUNDS):
            send()
        best = min(best, (time.process_time() - started) * 1000 / ROUNDS)
    return best


def measure() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="askwell-slack-") as tmp:
        url = f"sqlite:///{tmp}/askwell.db"
        _seed(url)
        settings = Settings(
            database_url=url,
            in_process_worker=False,
            slack_client_id="1.2",
            slack_client_secret="s",
            slack_signing_secret=SECRET,
        )
        engine = create_db_engine(url)
        app = create_app(settings, session_factory=create_session_factory(engine))
        form = {"content-type": "application/x-www-form-urlencoded"}

        def post(path: str, body: bytes, secret: str = SECRET, ctype: dict[str, str] = form) -> int:
            ts = int(time.time())
            headers = {
                **ctype,
                "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(secret=secret, body=body, timestamp=ts),
            }
            return client.post(path, content=body, headers=headers).status_code

        command = urlencode(
            {
                "command": "/ask",
                "text": "Review my retry logic",
                "user_id": "UBEA",
                "team_id": TEAM,
                "trigger_id": "1.2",
            }
        ).encode()
        typed = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": "UBEA"},
            "view": {
                "id": "V1",
                "hash": "h",
                "callback_id": "askwell_ask",
                "state": {
                    "values": {
                        "title": {"value": {"value": "Could someone review my retry logic by Friday?"}}
                    }
                },
            },
        }
        coaching = urlencode({"payload": json.dumps(typed)}).encode()
        challenge = json.dumps({"type": "url_verification", "challenge": "x"}).encode()
        with TestClient(app, base_url="http://127.0.0.1") as client:
            return {
                "baseline: GET /healthz": _cpu_ms(lambda: client.get("/healthz").status_code, 200),
                "refused: forged signature (401)": _cpu_ms(
                    lambda: post("/integrations/slack/commands", command, "forged"), 401
                ),
                "url_verification challenge": _cpu_ms(
                    lambda: post(
                        "/integrations/slack/events", challenge, ctype={"content-type": "application/json"}
                    ),
                    200,
                ),
                "/ask (views.open job queued)": _cpu_ms(
                    lambda: post("/integrations/slack/commands", command), 200
                ),
                "typing in the modal (coached, views.update queued)": _cpu_ms(
                    lambda: post("/integrations/slack/interactions", coaching), 200
                ),
            }


def main() -> None:
    results = measure()
    print("## Slack requests (CPU per request)")
    print()
    print(
        f"`python -m benchmarks slack`: requests signed as Slack signs them, through the whole app on a "
        f"SQLite file (one organization, its installation, one linked person); CPU ms per request "
        f"(`time.process_time`), the lowest of {REPEATS} rounds of {ROUNDS}, beside `GET /healthz` in the "
        "same run. Slack wants an answer within 3 s; the Web API call itself is a job, not counted here."
    )
    print()
    print("| request | CPU ms |")
    print("|---|---:|")
    for name, ms in results.items():
        print(f"| {name} | {ms:.2f} |")


if __name__ == "__main__":
    main()
