"""The ledger table: one row per thing that happened; rows are never updated or deleted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


class EntryKind(StrEnum):
    """Every kind of ledger entry; the one place a kind is spelled (readers key on these members)."""

    ASK_OPENED = "ask_opened"
    ASK_CLOSED = "ask_closed"
    ASKED_DIRECTLY = "asked_directly"
    OFFER_MADE = "offer_made"
    OFFER_ACCEPTED = "offer_accepted"
    OFFER_DECLINED = "offer_declined"
    HELP_GIVEN = "help_given"
    THANKS = "thanks"
    INTRODUCTION = "introduction"
    # Written by rings and stand-ups once they exist; the network already learns ties from them.
    RING_MATCH = "ring_match"
    STANDUP_HELP = "standup_help"


class RefKind(StrEnum):
    """What an entry is about, as a typed reference (``ref_kind``, ``ref_id``)."""

    ASK = "ask"
    OFFER = "offer"
    INTRODUCTION = "introduction"
    RING = "ring"
    STANDUP = "standup"


#: The reference each kind carries. Asks and offers have their own columns too (``ask_id``,
#: ``offer_id``: matching and exports read them); a domain added later (rings, stand-ups) needs no
#: new column, only its ``RefKind``.
REF_OF: dict[EntryKind, RefKind] = {
    EntryKind.ASK_OPENED: RefKind.ASK,
    EntryKind.ASK_CLOSED: RefKind.ASK,
    EntryKind.ASKED_DIRECTLY: RefKind.ASK,
    EntryKind.OFFER_MADE: RefKind.OFFER,
    EntryKind.OFFER_ACCEPTED: RefKind.OFFER,
    EntryKind.OFFER_DECLINED: RefKind.OFFER,
    EntryKind.HELP_GIVEN: RefKind.OFFER,
    EntryKind.THANKS: RefKind.OFFER,
    EntryKind.INTRODUCTION: RefKind.INTRODUCTION,
    EntryKind.RING_MATCH: RefKind.RING,
    EntryKind.STANDUP_HELP: RefKind.STANDUP,
}


def entry_ref(
    kind: EntryKind, *, ask_id: int | None, offer_id: int | None, data: Mapping[str, Any]
) -> tuple[RefKind, int] | None:
    """The reference of an entry written without one, from the columns it has (also the migration's
    backfill rule): the offer, the ask, or the introduction named in ``data``."""
    ref_kind = REF_OF[kind]
    found: Any = {
        RefKind.ASK: ask_id,
        RefKind.OFFER: offer_id,
        RefKind.INTRODUCTION: data.get("introduction_id"),
    }.get(ref_kind)
    return (ref_kind, found) if isinstance(found, int) and not isinstance(found, bool) else None


class LedgerEntry(Base):
    """Who did what for whom, when. ``actor`` acts; ``subject`` is the other person, if any."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_org_id_actor_id_at", "org_id", "actor_id", "at"),
        Index("ix_ledger_entries_org_id_subject_id_at", "org_id", "subject_id", "at"),
        Index("ix_ledger_entries_org_id_ref_kind_ref_id", "org_id", "ref_kind", "ref_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # People are referenced by id only: the ledger outlives deactivation and must never block it.
    actor_id: Mapped[int] = mapped_column()
    subject_id: Mapped[int | None] = mapped_column(default=None)
    ask_id: Mapped[int | None] = mapped_column(default=None, index=True)
    offer_id: Mapped[int | None] = mapped_column(default=None)
    # What the entry is about (a ``RefKind`` and that row's id); by id only, like people, so the
    # ledger never blocks deleting what it mentions. None only where an old row named nothing.
    ref_kind: Mapped[str | None] = mapped_column(String(16), default=None)
    ref_id: Mapped[int | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
