"""Runs Alembic from code, so `askwell db upgrade` works from an installed package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "askwell:migrations")
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def is_up_to_date(engine: Engine) -> bool:
    with engine.connect() as conn:
        return schema_is_current(conn)


def schema_is_current(conn: Connection) -> bool:
    """Whether the database behind ``conn`` is at the migrations' head (for readiness checks)."""
    script = ScriptDirectory.from_config(alembic_config(str(conn.engine.url)))
    current = MigrationContext.configure(conn).get_current_heads()
    return set(current) == set(script.get_heads())
