"""Alembic environment: one code path for SQLite (batch mode) and PostgreSQL."""

from __future__ import annotations

from alembic import context

from askwell.core.db import create_db_engine
from askwell.models import Base

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]  # Alembic hands in a SQLAlchemy Connection; env.py runs outside the package's typing
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `askwell db upgrade`")
run_migrations()
