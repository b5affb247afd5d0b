"""A team lead adds a member by their exact email, however many other addresses contain it.

The page once found the person through the directory's word search (first 100 matches by name) and
then picked the exact address among them: with more than a page of addresses containing the one
typed ("al@example.com" is inside "hal@example.com"), the person was "not in your organization".
"""

from collections.abc import Callable

from fastapi.testclient import TestClient

from askwell.people import service as people_service
from askwell.people.models import Person
from askwell.people.repository import MAX_PAGE
from askwell.people.schemas import PersonCreate
from tests.conftest import World
from tests.web.conftest import post


def test_the_exact_address_is_found_behind_a_page_of_longer_ones(
    world: World, signed_in: Callable[[Person], TestClient]
) -> None:
    org = world.org()
    world.team(org, "Platform")
    lead = world.person(org, "Ada Lovelace", teams=["Platform"], lead_of=["Platform"])
    people_service.add_people(
        world.db,
        org_id=org.id,
        people=[
            PersonCreate(name=f"Aaron {n:03}", email=f"{n:03}al@example.com") for n in range(MAX_PAGE + 1)
        ],
        now=world.now,
    )
    world.person(org, "Zed Al", email="al@example.com")

    added = post(signed_in(lead), "/teams/platform/members", {"email": "AL@example.com"})

    assert added.status_code == 303
    assert "Zed Al" in signed_in(lead).get("/teams/platform").text
