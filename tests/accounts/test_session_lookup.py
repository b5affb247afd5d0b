"""The session cookie resolves to its person in one query: it runs on every signed-in request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session

from askwell.accounts import service
from askwell.core.config import Settings
from tests.conftest import QueryCounter, World

SETTINGS = Settings()


def test_one_query_resolves_a_session(
    db: Session, world: World, count_queries: Callable[[], QueryCounter]
) -> None:
    person = world.person(world.org())
    signed = service.open_session(db, person=person, settings=SETTINGS, now=world.now)
    db.expunge_all()  # the person is not in the identity map: the lookup must fetch it
    counter = count_queries()
    found = service.person_for_session(db, token=signed.session_token, now=world.now)
    assert found is not None and found.id == person.id
    assert counter.count == 1


def test_the_last_moment_of_a_session_is_still_signed_out(db: Session, world: World) -> None:
    person = world.person(world.org())
    signed = service.open_session(db, person=person, settings=SETTINGS, now=world.now)
    at_expiry = world.now + timedelta(days=SETTINGS.session_days)
    assert service.person_for_session(db, token=signed.session_token, now=at_expiry) is None
    assert service.person_for_session(db, token=signed.session_token, now=at_expiry - timedelta(seconds=1))
