"""A real worker process whose only job kind is the stand-up tick: `python -m tests.standups.worker_process URL READY`.

The production ``Worker`` loop, claiming ``standups.tick`` jobs the test enqueues; writes READY once it
is about to poll, so the test enqueues only when every worker competes.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from askwell import wiring
from askwell.core.config import Settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.core.jobs import JobRegistry
from askwell.standups import jobs
from askwell.worker.runner import Worker


def main() -> None:
    url, ready = sys.argv[1], Path(sys.argv[2])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(message)s")
    registry = JobRegistry()
    registry.add("standups.tick", jobs.tick)
    engine = create_db_engine(url)
    settings = Settings(database_url=url, job_lease_seconds=30, worker_poll_seconds=0.02)
    worker = Worker(wiring.session_factory(engine, Edges()), registry, settings=settings, edges=Edges())
    ready.write_text(worker.id)
    try:
        worker.run()
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
