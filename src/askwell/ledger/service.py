"""Appending to the ledger. There is deliberately no update or delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from askwell.ledger.models import EntryKind, LedgerEntry, RefKind, entry_ref


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
    ref: tuple[RefKind, int] | None = None,
) -> LedgerEntry:
    """Append one entry. ``ref`` says what it is about; by default the offer, ask or introduction
    its other arguments name (``ledger.models.entry_ref``)."""
    ref = ref or entry_ref(kind, ask_id=ask_id, offer_id=offer_id, data=data or {})
    entry = LedgerEntry(
        org_id=org_id,
        kind=kind.value,
        actor_id=actor_id,
        subject_id=subject_id,
        ask_id=ask_id,
        offer_id=offer_id,
        ref_kind=ref[0].value if ref else None,
        ref_id=ref[1] if ref else None,
        at=at,
        data=data or {},
    )
    db.add(entry)
    db.flush()
    return entry
