"""The unit of work: the one place a transaction is committed.

Routes, jobs and CLI commands open a unit of work; services only ``flush``. Services record what
happened as domain events (``core.events``): the inbox and the outbox jobs (``core.jobs``) are written
from them in the same transaction, so they exist if and only if the change they describe was
committed, and live pages are told only after the commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session; commit when the block ends normally, roll back when it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
