"""Fixtures for the API tests: bearer headers for a person."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from askwell.people.models import Person
from tests.conftest import World


@pytest.fixture
def bearer(world: World) -> Callable[[Person], dict[str, str]]:
    """The Authorization header of a fresh API token for this person."""

    def headers(person: Person) -> dict[str, str]:
        return {"Authorization": f"Bearer {world.api_token(person)}"}

    return headers
