"""Engine, session factory and the declarative base shared by every domain's models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    CursorResult,
    DateTime,
    Engine,
    MetaData,
    Result,
    create_engine,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool
from sqlalchemy.types import TypeDecorator

# Named constraints keep Alembic migrations identical on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Primary keys are 32-bit integers on PostgreSQL; ids from users are checked against this bound at the
# edges so that a huge number is a clear 422, not an overflow inside the driver.
MAX_ID = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back an aware UTC datetime, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


DEFERRED = "askwell_deferred_begin"


def _sqlite_begin(conn: Any) -> None:
    # pysqlite's own BEGIN handling is off (see create_db_engine). A transaction that will write takes
    # the write lock at BEGIN (IMMEDIATE), so it never fails half-way upgrading a read lock while the
    # worker commits. Reads (page views, and the read steps of the embedding job) are marked DEFERRED:
    # they begin without the lock and never wait for writers, thanks to WAL. Nothing slow may run
    # inside a transaction that writes: every other writer (a sign-in) waits for it.
    deferred = conn.get_execution_options().get(DEFERRED, False)
    conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def begin_read(db: Session) -> None:
    """Begin the session's next transaction without taking SQLite's write lock (a plain BEGIN).

    For work that reads, then computes at length (encoding), then writes in a separate short
    transaction. A no-op when a transaction is already under way: its first statement set how it began.
    """
    if not db.in_transaction():
        db.connection(execution_options={DEFERRED: True})


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "isolation_level": None},
            poolclass=StaticPool if in_memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=MAX_OVERFLOW)


# Connections one app process may hold on PostgreSQL. Its request threads are capped to what its pool
# can hand out (``pool_capacity``, applied at startup): with more threads than connections, the extra
# threads waited up to 30 s for a connection and then failed with a 500.
POOL_SIZE = 10
MAX_OVERFLOW = 10


def pool_capacity(bind: object) -> int | None:
    """How many connections a session factory's bind hands out at once; None when it is not a bounded
    pool (an in-memory SQLite database, or a single connection as in tests, is shared by threads)."""
    pool = bind.pool if isinstance(bind, Engine) else None
    if not isinstance(pool, QueuePool):
        return None
    overflow = int(getattr(pool, "_max_overflow", 0))
    return None if overflow < 0 else pool.size() + overflow


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def lock_for_transaction(db: Session, key: str) -> None:
    """Serialise transactions that check-then-write the same ``key`` (a rate limit, say) until commit.

    PostgreSQL takes a transaction-scoped advisory lock on the key's hash. SQLite needs nothing: every
    writing transaction begins IMMEDIATE, so writers already run one at a time.
    """
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def ping(db: Session) -> None:
    """One round trip to the database (readiness); raises when it cannot be reached."""
    db.execute(text("SELECT 1"))


def other_sessions(conn: Connection) -> int:
    """PostgreSQL: how many other sessions are connected to this database (a restore waits for none)."""
    count = conn.scalar(
        text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    return int(count or 0)


def rows_affected(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (claims and leases check it is exactly one).

    ``Session.execute`` is typed as returning a plain ``Result``; for DML it is a ``CursorResult``.
    """
    if not isinstance(result, CursorResult):
        raise TypeError("rows_affected needs the result of an UPDATE or DELETE")
    return int(result.rowcount)
