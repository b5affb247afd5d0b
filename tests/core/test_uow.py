"""The unit of work commits what its block did, or nothing at all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from askwell import wiring
from askwell.core.edges import Edges
from askwell.core.uow import unit_of_work
from askwell.people.models import Organization
from tests.conftest import NOW, create_test_database

if TYPE_CHECKING:
    from tests.conftest import TestDatabase


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    """A database of its own: these tests are about real commits, which the rolled-back fixture hides."""
    db = create_test_database(tmp_path_factory.mktemp("uow"))
    yield db
    db.drop()


def _org(db: Session, slug: str) -> None:
    db.add(Organization(slug=slug, name=slug.title(), created_at=NOW))
    db.flush()


def _slugs(factory: sessionmaker[Session]) -> set[str]:
    with factory() as db:
        return set(db.scalars(select(Organization.slug)))


def test_commits_when_the_block_ends(committed: TestDatabase) -> None:
    factory = wiring.session_factory(committed.engine, Edges())

    with unit_of_work(factory) as db:
        _org(db, "kept")

    assert "kept" in _slugs(factory)


def test_rolls_back_and_reraises_when_the_block_raises(committed: TestDatabase) -> None:
    factory = wiring.session_factory(committed.engine, Edges())

    with pytest.raises(LookupError), unit_of_work(factory) as db:
        _org(db, "lost")
        raise LookupError("a later step failed")

    assert "lost" not in _slugs(factory)
