"""Appending to the ledger. There is deliberately no update or delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from askwell.ledger.models import EntryKind, LedgerEntry


def record(
    db: Session,
    *,
    org_id: int,
    kind: EntryKind,
    actor_id: int,
    at: datetime,
    subject_id: int | None = None,
    ask_id: int | None = None,
    offer_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> LedgerEntry:
    entry = LedgerEntry(
        org_id=org_id,
        kind=kind.value,
        actor_id=actor_id,
        subject_id=subject_id,
        ask_id=ask_id,
        offer_id=offer_id,
        at=at,
        data=data or {},
    )
    db.add(entry)
    db.flush()
    return entry
