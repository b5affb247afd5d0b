"""The CSRF exemption for bearer tokens cannot be borrowed by a cookie-authenticated request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.people.models import Person
from tests.conftest import World

ASK = {"title": "Review the retry logic in PR 4412", "body": "It blocks the payments release."}


def _asks(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Ask)) or 0


@pytest.mark.parametrize("header", ["Bearer ", "Bearer", "bearer    ", "Basic YWRhOnNlY3JldA==", "Token abc"])
def test_a_cookie_with_an_unusable_authorization_header_is_refused(
    signed_in: Callable[[Person], TestClient], world: World, db: Session, header: str
) -> None:
    client = signed_in(world.person(world.org()))
    before = _asks(db)
    r = client.post("/api/v1/asks", json=ASK, headers={"Authorization": header})
    assert r.status_code in (401, 403)
    assert _asks(db) == before


def test_a_cookie_alone_still_needs_the_csrf_token(
    signed_in: Callable[[Person], TestClient], world: World, db: Session
) -> None:
    client = signed_in(world.person(world.org()))
    before = _asks(db)
    r = client.post("/api/v1/asks", json=ASK)
    assert r.status_code == 403
    assert _asks(db) == before


def test_a_real_token_needs_no_csrf_token(client: TestClient, world: World) -> None:
    person = world.person(world.org())
    r = client.post("/api/v1/asks", json=ASK, headers={"Authorization": f"Bearer {world.api_token(person)}"})
    assert r.status_code == 201, r.text
