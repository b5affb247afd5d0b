"""`GET /api/v1/notifications`: items written when read, behind the same access to asks as the inbox page.

The inbox page used to hide the title of an ask no longer shared with the reader while the API
returned the words stored when the notification was written, title included.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from askwell.asks import service as asks
from askwell.asks.models import AskAudience, OfferKind, Visibility
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.people.models import Person
from tests.conftest import World

Bearer = Callable[[Person], dict[str, str]]
SECRET = "Confidential reorg question"


class TestInbox:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/api/v1/notifications").status_code == 401

    def test_an_item_is_written_from_its_ids_with_a_link_built_from_them(
        self, client: TestClient, db: Session, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = asks.create_ask(
            db,
            actor=world.actor(ada),
            data=AskCreate(title="Review the retry logic", due=world.now + timedelta(days=3)),
            now=world.now,
        )
        offer = OfferCreate(kind=OfferKind.ADVISE, message="I can look at it today.")
        asks.offer_help(db, actor=world.actor(grace), ask_id=ask.id, data=offer, now=world.now)
        db.commit()
        body = client.get("/api/v1/notifications", headers=bearer(ada)).json()
        [item] = body["items"]
        assert body["unread"] == 1
        assert {k: item[k] for k in ("kind", "text", "link", "ask_id", "hidden", "read")} == {
            "kind": "new_offer",
            "text": "Grace offered to help with “Review the retry logic”",
            "link": f"/asks/{ask.id}",
            "ask_id": ask.id,
            "hidden": False,
            "read": False,
        }

    def test_an_ask_no_longer_shared_with_me_is_hidden_as_on_the_page(
        self, client: TestClient, db: Session, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        ada, grace, linus = world.person(org, "Ada"), world.person(org, "Grace"), world.person(org, "Linus")
        ask = asks.create_ask(
            db,
            actor=world.actor(ada),
            data=AskCreate(
                title=SECRET,
                due=world.now + timedelta(days=3),
                visibility=Visibility.PEOPLE,
                audience=[grace.id, linus.id],
            ),
            now=world.now,
        )
        db.commit()
        # Grace is taken off the ask after she was told about it.
        db.execute(delete(AskAudience).where(AskAudience.ask_id == ask.id, AskAudience.person_id == grace.id))
        db.commit()

        r = client.get("/api/v1/notifications", headers=bearer(grace))
        assert r.status_code == 200
        assert SECRET not in r.text
        [item] = r.json()["items"]
        assert (item["hidden"], item["ask_id"], item["link"]) == (True, None, "/inbox")
        assert item["text"] == "An ask that is no longer shared with you."
        # Linus still may see it: his item names it.
        assert SECRET in client.get("/api/v1/notifications", headers=bearer(linus)).text
