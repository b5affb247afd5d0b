"""Reading the ledger: within one organization, except the cursor scan of jobs that learn from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from askwell.ledger.models import LedgerEntry, RefKind


def entries_for_person(
    db: Session, *, org_id: int, person_id: int, since: datetime | None = None, limit: int = 500
) -> list[LedgerEntry]:
    """What a person did or received, newest first (their own history; callers check privacy)."""
    stmt = select(LedgerEntry).where(
        LedgerEntry.org_id == org_id,
        or_(LedgerEntry.actor_id == person_id, LedgerEntry.subject_id == person_id),
    )
    if since is not None:
        stmt = stmt.where(LedgerEntry.at >= since)
    return list(db.scalars(stmt.order_by(LedgerEntry.at.desc(), LedgerEntry.id.desc()).limit(limit)))


def entries_about(db: Session, *, org_id: int, ref_kind: RefKind, ref_id: int) -> list[LedgerEntry]:
    """What happened to one thing (an offer, an introduction, a ring), oldest first."""
    return list(
        db.scalars(
            select(LedgerEntry)
            .where(
                LedgerEntry.org_id == org_id,
                LedgerEntry.ref_kind == ref_kind.value,
                LedgerEntry.ref_id == ref_id,
            )
            .order_by(LedgerEntry.at, LedgerEntry.id)
        )
    )


def entries_after(db: Session, *, position: int, limit: int) -> list[LedgerEntry]:
    """Entries of every organization past a job's cursor, in id order; each reader then handles them
    inside their own organization (``network.learn``)."""
    stmt = select(LedgerEntry).where(LedgerEntry.id > position).order_by(LedgerEntry.id).limit(limit)
    return list(db.scalars(stmt))


def org_entries(db: Session, *, org_id: int) -> list[LedgerEntry]:
    """The organization's whole ledger in time order (its export)."""
    return list(
        db.scalars(
            select(LedgerEntry).where(LedgerEntry.org_id == org_id).order_by(LedgerEntry.at, LedgerEntry.id)
        )
    )


def insert_entries(db: Session, rows: list[dict[str, Any]]) -> None:
    """Bulk entries of an import, in one statement (none when empty)."""
    if rows:
        db.execute(insert(LedgerEntry), rows)
