"""The demo organization comes with a realistic history of asks, offers and thanks."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask, Offer, Thanks
from askwell.demo.build import create_demo
from askwell.ledger.models import LedgerEntry
from tests.conftest import NOW


def summary(db: Session, org_id: int) -> tuple[list[str], int, int]:
    titles = list(db.scalars(select(Ask.title).where(Ask.org_id == org_id).order_by(Ask.id)))
    offers = db.scalar(select(func.count()).select_from(Offer).where(Offer.org_id == org_id)) or 0
    thanks = db.scalar(select(func.count()).select_from(Thanks).where(Thanks.org_id == org_id)) or 0
    return titles, offers, thanks


def test_history_has_open_and_fulfilled_asks_offers_and_thanks(db: Session) -> None:
    ctx = create_demo(db, now=NOW, seed=3, size=30, slug="demo-a", password_hash="x")
    statuses = set(db.scalars(select(Ask.status).where(Ask.org_id == ctx.org.id)))
    titles, offers, thanks = summary(db, ctx.org.id)
    assert len(titles) >= 12
    assert {"open", "fulfilled"} <= statuses
    assert offers > 0
    assert thanks > 0
    helps = db.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.org_id == ctx.org.id, LedgerEntry.kind == "help_given")
    )
    assert helps and helps >= thanks


def test_the_same_seed_gives_the_same_history(db: Session) -> None:
    first = create_demo(db, now=NOW, seed=5, size=20, slug="demo-b", password_hash="x")
    second = create_demo(db, now=NOW, seed=5, size=20, slug="demo-c", password_hash="x")
    assert summary(db, first.org.id) == summary(db, second.org.id)
