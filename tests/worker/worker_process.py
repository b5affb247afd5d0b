"""A real worker process for the multi-process tests: `python -m tests.worker.worker_process URL ...`.

It is the production `Worker` with the test job kinds added; it writes a ready file once it is about
to start polling, so tests can enqueue work only when every worker competes for it.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from askwell import wiring
from askwell.core.config import Settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges
from askwell.worker.runner import Worker
from tests.worker.support import registry_with_test_jobs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--lease", type=int, default=10)
    parser.add_argument("--poll", type=float, default=0.05)
    parser.add_argument("--ready", type=Path, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(message)s")
    settings = Settings(database_url=args.url, job_lease_seconds=args.lease, worker_poll_seconds=args.poll)
    engine = create_db_engine(args.url)
    worker = Worker(
        wiring.session_factory(engine, Edges()), registry_with_test_jobs(), settings=settings, edges=Edges()
    )
    args.ready.write_text(worker.id)
    try:
        worker.run()
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
