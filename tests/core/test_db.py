"""Timestamps are aware UTC on every database; SQLite runs with WAL and enforced foreign keys."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from askwell.core.db import create_db_engine
from askwell.people.models import Organization


class TestUTCDateTime:
    def test_aware_datetime_comes_back_as_the_same_instant_in_utc(self, db: Session) -> None:
        paris_morning = datetime(2026, 7, 1, 9, 15, 30, 123000, tzinfo=ZoneInfo("Europe/Paris"))
        org = Organization(slug="tz", name="Tz", created_at=paris_morning)
        db.add(org)
        db.flush()
        db.expire_all()

        stored = db.get(Organization, org.id)

        assert stored is not None
        assert stored.created_at == paris_morning
        assert stored.created_at.utcoffset() == timedelta(0)
        assert stored.created_at.hour == 7

    def test_other_offsets_are_normalised_to_utc(self, db: Session) -> None:
        india = datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
        org = Organization(slug="ist", name="Ist", created_at=india)
        db.add(org)
        db.flush()
        db.expire_all()

        stored = db.get(Organization, org.id)

        assert stored is not None
        assert (stored.created_at.year, stored.created_at.hour, stored.created_at.minute) == (2025, 18, 30)

    def test_naive_datetime_is_refused(self, db: Session) -> None:
        db.add(Organization(slug="naive", name="Naive", created_at=datetime(2026, 1, 1, 12, 0)))

        with pytest.raises(StatementError, match="naive datetimes are not stored"):
            db.flush()


class TestSqliteEngine:
    def test_wal_foreign_keys_and_busy_timeout_are_on(self, tmp_path: Path) -> None:
        engine = create_db_engine(f"sqlite:///{tmp_path / 'a.db'}")
        try:
            with engine.connect() as conn:
                assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
                assert conn.scalar(text("PRAGMA foreign_keys")) == 1
                assert conn.scalar(text("PRAGMA busy_timeout")) == 5000
        finally:
            engine.dispose()

    def test_a_dangling_foreign_key_is_rejected(self, tmp_path: Path) -> None:
        meta = MetaData()
        Table("parents", meta, Column("id", Integer, primary_key=True))
        children = Table(
            "children",
            meta,
            Column("id", Integer, primary_key=True),
            Column("parent_id", ForeignKey("parents.id")),
        )
        engine = create_db_engine(f"sqlite:///{tmp_path / 'b.db'}")
        try:
            meta.create_all(engine)
            with pytest.raises(IntegrityError, match="FOREIGN KEY"), engine.begin() as conn:
                conn.execute(children.insert().values(id=1, parent_id=42))
        finally:
            engine.dispose()
