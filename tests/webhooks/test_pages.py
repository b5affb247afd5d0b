"""Administration → Webhooks, as an admin uses it from a browser (or a phone: the same page)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.people.models import Person, Role
from tests.conftest import World
from tests.web.conftest import post
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import run_jobs


def test_admin_adds_an_endpoint_sends_a_test_and_reads_the_log(
    signed_in: Callable[[Person], TestClient],
    world: World,
    hook: Receiver,
    session_factory: sessionmaker[Session],
    edges: Edges,
    settings: Settings,
) -> None:
    admin = world.person(world.org(), "Ada", role=Role.ADMIN)
    client = signed_in(admin)
    assert 'href="/admin/webhooks"' in client.get("/admin").text
    page = client.get("/admin/webhooks")
    assert page.status_code == 200 and "Add an endpoint" in page.text and 'name="viewport"' in page.text

    created = post(
        client, "/admin/webhooks", {"url": hook.url, "events": ["ask.opened"], "description": "CI"}
    )
    assert created.status_code == 200 and "copy its signing secret now" in created.text
    endpoint_path = created.text.split('<a href="/admin/webhooks/', 1)[1].split('"', 1)[0]

    queued = post(client, f"/admin/webhooks/{endpoint_path}/test")
    assert queued.status_code == 303
    run_jobs(session_factory, edges, settings)
    detail = client.get(f"/admin/webhooks/{endpoint_path}")
    assert detail.status_code == 200
    assert "webhook.test" in detail.text and '<td class="num">200</td>' in detail.text
    assert len(hook.requests) == 1

    off = post(client, f"/admin/webhooks/{endpoint_path}/enabled", {"enabled": "0"})
    assert off.status_code == 303
    assert "Switched off" in client.get(f"/admin/webhooks/{endpoint_path}").text
    assert (
        post(client, f"/admin/webhooks/{endpoint_path}/events", {"events": ["ask.closed"]}).status_code == 303
    )
    assert post(client, f"/admin/webhooks/{endpoint_path}/delete").status_code == 303
    assert client.get(f"/admin/webhooks/{endpoint_path}").status_code == 404


def test_bad_input_is_shown_beside_the_field(signed_in: Callable[[Person], TestClient], world: World) -> None:
    admin = world.person(world.org(), "Ada", role=Role.ADMIN)
    client = signed_in(admin)
    no_events = post(client, "/admin/webhooks", {"url": "https://93.184.216.34/h"})
    assert no_events.status_code == 422
    bad_url = post(client, "/admin/webhooks", {"url": "ftp://93.184.216.34/h", "events": ["ask.opened"]})
    assert bad_url.status_code == 422 and "http://" in bad_url.text
    unknown = post(client, "/admin/webhooks", {"url": "https://93.184.216.34/h", "events": ["nope"]})
    assert unknown.status_code == 422


def test_members_cannot_see_the_page(signed_in: Callable[[Person], TestClient], world: World) -> None:
    member = world.person(world.org(), "Max")
    assert signed_in(member).get("/admin/webhooks").status_code == 403
