"""Migration 0005 gives every existing ledger entry the typed reference new entries get."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import JSON, Boolean, Integer, String, column, insert, select, table

from askwell.core.db import UTCDateTime
from askwell.core.migrations import upgrade
from askwell.ledger.models import LedgerEntry
from tests.conftest import NOW, create_test_database

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

# The tables as revision 0003 left them (the models have moved on).
ORGANIZATIONS = table(
    "organizations",
    column("id", Integer),
    column("name", String),
    column("slug", String),
    column("individual_analytics", Boolean),
    column("created_at", UTCDateTime()),
)
ENTRIES = table(
    "ledger_entries",
    column("id", Integer),
    column("org_id", Integer),
    column("kind", String),
    column("actor_id", Integer),
    column("ask_id", Integer),
    column("offer_id", Integer),
    column("at", UTCDateTime()),
    column("data", JSON),
)


@pytest.fixture
def before_refs(tmp_path: Path) -> Iterator[TestDatabase]:
    db = create_test_database(tmp_path, migrate=False)
    upgrade(db.engine, "0003")
    yield db
    db.drop()


def test_existing_entries_are_backfilled_from_their_columns(before_refs: TestDatabase) -> None:
    written = {
        "opened": {"kind": "ask_opened", "ask_id": 7, "data": {}},
        "thanked": {"kind": "thanks", "ask_id": 7, "offer_id": 11, "data": {}},
        "introduced": {"kind": "introduction", "ask_id": 7, "data": {"introduction_id": 5, "target_id": 3}},
        "odd": {"kind": "introduction", "data": {"introduction_id": "not an id"}},
    }
    with before_refs.engine.begin() as conn:
        org_id = conn.scalar(
            insert(ORGANIZATIONS)
            .values(name="Acme", slug="acme", individual_analytics=True, created_at=NOW)
            .returning(ORGANIZATIONS.c.id)
        )
        ids = {}
        for name, row in written.items():
            values = {"org_id": org_id, "actor_id": 1, "at": NOW, "ask_id": None, "offer_id": None, **row}
            ids[name] = conn.scalar(insert(ENTRIES).values(**values).returning(ENTRIES.c.id))

    upgrade(before_refs.engine)

    with before_refs.engine.connect() as conn:
        refs = {
            entry_id: (kind, ref)
            for entry_id, kind, ref in conn.execute(
                select(LedgerEntry.id, LedgerEntry.ref_kind, LedgerEntry.ref_id)
            )
        }
    assert refs[ids["opened"]] == ("ask", 7)
    assert refs[ids["thanked"]] == ("offer", 11)
    assert refs[ids["introduced"]] == ("introduction", 5)
    assert refs[ids["odd"]] == (None, None)
