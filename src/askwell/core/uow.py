"""The unit of work: the one place a transaction is committed.

Routes, jobs and CLI commands open a unit of work; services only ``flush``. Side effects are
written as jobs in the same transaction (the outbox, see ``core.jobs``) so they exist if and only
if the change they describe was committed.
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
