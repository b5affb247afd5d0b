"""Asks, offers, thanks, the ledger and ties travel with an organization export, and come back identical."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks import transfer as asks_transfer
from askwell.asks.models import Ask, Thanks
from askwell.core.errors import InvalidInput
from askwell.demo.build import create_demo
from askwell.ledger.models import LedgerEntry
from askwell.network import transfer as network_transfer
from askwell.network.models import Tie
from askwell.people import transfer as people_transfer
from askwell.people.transfer import export_org, import_org
from tests.conftest import NOW

SECTIONS = [*people_transfer.SECTIONS, *asks_transfer.SECTIONS, *network_transfer.SECTIONS]


def test_export_import_export_is_identical_with_the_asks_history(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=20, slug="src", password_hash="x").org
    first = export_org(db, org_id=source.id, sections=SECTIONS)
    assert first["asks"]
    assert any(o["thanks"] for a in first["asks"] for o in a["offers"])
    copy = import_org(db, document=first, now=NOW, slug="copy", sections=SECTIONS)
    second = export_org(db, org_id=copy.id, sections=SECTIONS)
    assert {**second, "organization": None} == {**first, "organization": None}
    assert first["ties"]
    for model in (Ask, Thanks, LedgerEntry, Tie):
        counts = [
            db.scalar(select(func.count()).select_from(model).where(model.org_id == org.id))
            for org in (source, copy)
        ]
        assert counts[0] == counts[1] > 0


def test_an_ask_naming_an_unknown_person_is_refused_before_anything_is_written(db: Session) -> None:
    source = create_demo(db, now=NOW, seed=4, size=10, slug="src2", password_hash="x").org
    document = export_org(db, org_id=source.id, sections=SECTIONS)
    document["asks"][0]["author"] = "ghost@example.com"
    before = db.scalar(select(func.count()).select_from(Ask))
    with pytest.raises(InvalidInput, match=r"ghost@example\.com"):
        import_org(db, document=document, now=NOW, slug="copy2", sections=SECTIONS)
    assert db.scalar(select(func.count()).select_from(Ask)) == before
