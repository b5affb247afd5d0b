"""A person's own data download: the settings page, its JSON file, and GET /api/v1/me/export."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.asks import service as asks
from askwell.asks.models import Visibility
from askwell.asks.schemas import AskCreate
from askwell.people.models import Person
from tests.conftest import World
from tests.privacy.conftest import ALICE_ASK, Scene

SignIn = Callable[[Person], TestClient]
Bearer = Callable[[Person], dict[str, str]]
PAGE, DOWNLOAD, API = "/settings/data", "/settings/data/download", "/api/v1/me/export"
SECRET_TITLE = "Carol's confidential question about her salary band"


@pytest.fixture
def shared_with_alice(db: Session, scene: Scene, world: World) -> None:
    """A private ask Carol shared with Alice: Alice may read it, but it is Carol's data."""
    data = AskCreate(
        title=SECRET_TITLE,
        body="Only for Alice: how do salary bands work for a move to staff engineer?",
        visibility=Visibility.PEOPLE,
        audience=[scene.alice.id],
        due=world.now + timedelta(days=3),
    )
    asks.create_ask(db, actor=world.actor(scene.carol), data=data, now=world.now)
    db.commit()


def _check_is_alices(doc: dict[str, Any], scene: Scene) -> None:
    assert doc["profile"]["email"] == scene.alice.email
    assert doc["profile"]["skills"] == ["Kafka", "Go"]
    assert [t["name"] for t in doc["profile"]["teams"]] == ["Data"]
    assert [a["title"] for a in doc["asks"]] == [ALICE_ASK["title"]]
    assert [o["message"] for o in doc["asks"][0]["offers_received"]] == ["Happy to review it."]
    assert [o["message"] for o in doc["offers"]] == ["Alice here, I did SOC 2 at my last job."]
    assert [t["note"] for t in doc["thanks_given"]] == ["Alice says: you saved my release."]
    assert [t["note"] for t in doc["thanks_received"]] == ["Thank you, the controls list is done."]
    assert doc["notifications"], "Alice was told of Bob's offer and thanks"
    assert [t["person_name"] for t in doc["ties"]] == [scene.carol.name]
    assert {e["kind"] for e in doc["ledger"]} >= {"ask_opened", "offer_made", "help_given", "thanks"}
    assert doc["api_tokens"] and "token_hash" not in doc["api_tokens"][0]


def _never_others_private_data(raw: str, scene: Scene) -> None:
    # The shared ask's title reached Alice as a notification (hers: she received it), but the ask
    # itself is Carol's: its body is not in the file, and ``_check_is_alices`` lists only her asks.
    doc = json.loads(raw)
    assert all(SECRET_TITLE not in json.dumps(a) for a in doc["asks"] + doc["offers"])
    assert "salary bands" not in raw
    assert scene.bob.email not in raw
    assert scene.other_alice.email not in raw


@pytest.mark.usefixtures("shared_with_alice")
class TestDataPage:
    def test_anonymous(self, client: TestClient) -> None:
        for url in (PAGE, DOWNLOAD):
            r = client.get(url, follow_redirects=False)
            assert (r.status_code, r.headers["location"]) == (303, f"/signin?next={url}")

    def test_page_offers_the_download(self, scene: Scene, signed_in: SignIn) -> None:
        r = signed_in(scene.alice).get(PAGE)
        assert r.status_code == 200
        assert f'href="{DOWNLOAD}"' in r.text
        assert 'aria-current="page">Your data' in r.text

    def test_download_is_their_own_data_only(self, scene: Scene, signed_in: SignIn) -> None:
        r = signed_in(scene.alice).get(DOWNLOAD)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("application/json")
        assert r.headers["content-disposition"].startswith('attachment; filename="askwell-my-data-')
        assert r.headers["cache-control"] == "no-store"
        _check_is_alices(r.json(), scene)
        _never_others_private_data(r.text, scene)

    def test_another_person_gets_their_own(self, scene: Scene, signed_in: SignIn) -> None:
        r = signed_in(scene.bob).get(DOWNLOAD)
        doc = r.json()
        assert doc["profile"]["email"] == scene.bob.email
        assert scene.alice.email not in r.text
        assert [a["title"] for a in doc["asks"]] != [ALICE_ASK["title"]]


@pytest.mark.usefixtures("shared_with_alice")
class TestExportApi:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get(API).status_code == 401

    def test_token_holder_gets_their_own(self, client: TestClient, scene: Scene, bearer: Bearer) -> None:
        r = client.get(API, headers=bearer(scene.alice))
        assert r.status_code == 200
        _check_is_alices(json.loads(r.text), scene)
        _never_others_private_data(r.text, scene)

    def test_other_org_person_gets_theirs(self, client: TestClient, scene: Scene, bearer: Bearer) -> None:
        r = client.get(API, headers=bearer(scene.other_alice))
        assert r.json()["profile"]["email"] == scene.other_alice.email
        assert scene.alice.email not in r.text

    def test_erased_persons_token_is_refused(
        self, client: TestClient, db: Session, scene: Scene, world: World, bearer: Bearer
    ) -> None:
        from askwell.privacy.service import erase_person
        from tests.conftest import system_actor

        headers = bearer(scene.alice)
        erase_person(db, actor=system_actor(scene.org), person_id=scene.alice.id, now=world.now)
        db.commit()
        assert client.get(API, headers=headers).status_code == 401
