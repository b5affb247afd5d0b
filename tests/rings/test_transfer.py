"""Rings travel with an organization export: rings, members, requests, ring offers and pairings
(with their follow-up history) come back identical; a document naming unknown rows is refused first."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.cli.transfer import SECTIONS
from askwell.core.errors import InvalidInput
from askwell.demo.build import create_demo
from askwell.people.transfer import export_org, import_org
from askwell.rings.models import Ring, RingMember, RingOffer, RingPairing, RingRequest
from tests.conftest import NOW

MODELS = (Ring, RingMember, RingRequest, RingOffer, RingPairing)


def _count(db: Session, model: type, org_id: int) -> int:
    return db.scalar(select(func.count()).select_from(model).where(model.org_id == org_id)) or 0  # type: ignore[attr-defined]


def test_rings_come_back_identical(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=20, slug="rings-src", password_hash="x").org
    first = export_org(db, org_id=source.id, sections=SECTIONS)
    rings = first["rings"]
    assert rings, "the demo has a finished ring and an upcoming one"
    requests = [r for ring in rings for r in ring["requests"]]
    assert requests and any(r["offers"] for r in requests)
    assert any(p["status"] == "confirmed" and p["offer"] for r in requests for p in r["pairings"])
    assert all(m["person"] for ring in rings for m in ring["members"])

    copied = import_org(db, document=first, now=NOW, slug="rings-copy", sections=SECTIONS)
    second = export_org(db, org_id=copied.id, sections=SECTIONS)
    assert second["rings"] == first["rings"]
    for model in MODELS:
        assert _count(db, model, source.id) == _count(db, model, copied.id) > 0, model.__name__
    # The imported ring's offers point at the imported asks' offers (the same ask, the same helper).
    offer = db.scalars(select(RingOffer).where(RingOffer.org_id == copied.id)).first()
    assert offer is not None
    request = db.get(RingRequest, offer.request_id)
    assert request is not None and request.org_id == copied.id
    # A fresh event log: live pages of the imported ring start from 0.
    assert {r.event_seq for r in db.scalars(select(Ring).where(Ring.org_id == copied.id))} == {0}


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("person", r"no person 'ghost@example\.com'"),
        ("offer", r"has no offer 99"),
        ("ask", r"no ask 9999"),
    ],
)
def test_a_ring_naming_unknown_rows_is_refused_before_anything_is_written(
    db: Session, where: str, message: str
) -> None:
    source = create_demo(db, now=NOW, seed=4, size=12, slug=f"rings-bad-{where}", password_hash="x").org
    document = copy.deepcopy(export_org(db, org_id=source.id, sections=SECTIONS))
    ring = next(r for r in document["rings"] if any(q["offers"] for q in r["requests"]))
    request = next(q for q in ring["requests"] if q["offers"])
    if where == "person":
        ring["members"][0]["person"] = "ghost@example.com"
    elif where == "offer":
        request["offers"][0]["offer"] = 99
    else:
        request["ask"] = 9999
    before = db.scalar(select(func.count()).select_from(Ring))
    with pytest.raises(InvalidInput, match=message):
        import_org(db, document=document, now=NOW, slug=f"rings-bad-copy-{where}", sections=SECTIONS)
    assert db.scalar(select(func.count()).select_from(Ring)) == before
