"""How an offer reads on the ask page, after the helper's name."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.asks import service
from askwell.asks.models import OfferKind
from askwell.asks.schemas import AskCreate, OfferCreate
from tests.conftest import World


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        (OfferKind.DO, "offers to do it"),
        (OfferKind.ADVISE, "offers advice"),
        (OfferKind.RESOURCE, "offers a resource"),
    ],
)
def test_offer_kinds_read_as_sentences(
    db: Session, world: World, signed_in: object, kind: OfferKind, phrase: str
) -> None:
    org = world.org()
    ada, grace = world.person(org, "Ada"), world.person(org, "Grace Hopper")
    ask = service.create_ask(
        db,
        actor=world.actor(ada),
        data=AskCreate(
            title="Review my retry logic", body="Before Thursday.", due=world.now + timedelta(days=2)
        ),
        now=world.now,
    )
    service.offer_help(
        db,
        actor=world.actor(grace),
        ask_id=ask.id,
        data=OfferCreate(kind=kind, message="Sure"),
        now=world.now,
    )
    db.commit()
    client: TestClient = signed_in(ada)  # type: ignore[operator]
    html = client.get(f"/asks/{ask.id}").text
    assert f'<span class="muted">{phrase}' in html
    assert "i can advise" not in html
