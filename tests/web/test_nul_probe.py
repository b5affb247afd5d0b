from collections.abc import Callable

from fastapi.testclient import TestClient

from askwell.people.models import Person
from tests.conftest import World
from tests.web.conftest import post


def test_nul(signed_in: Callable[[Person], TestClient], world: World) -> None:
    p = world.person(world.org())
    c = signed_in(p)
    for url, data in [
        (f"/people/{p.id}/edit", {"name": "A\x00B", "title": "x"}),
        ("/asks/new", {"title": "Help\x00 me with the SQL", "body": "x\x00y"}),
        ("/people", {"q": "a\x00"}),
    ]:
        r = post(c, url, data) if url != "/people" else c.get(url, params=data)
        print(url, r.status_code)
    assert 0
