"""Stored sentence embeddings of people's expertise and of asks, and each organization's learned ranker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from askwell.core.db import Base, UTCDateTime


class Embedding(Base):
    """One float32 vector per (owner, model). ``text_hash`` lets us recompute only when text changes."""

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("org_id", "owner_kind", "owner_id", "model"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    owner_kind: Mapped[str] = mapped_column(String(16))  # "person" | "ask"
    owner_id: Mapped[int] = mapped_column()
    model: Mapped[str] = mapped_column(String(120))
    model_version: Mapped[str] = mapped_column(String(40))
    text_hash: Mapped[str] = mapped_column(String(64))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RankerModelRecord(Base):
    """An organization's own ranker (``matching.ranker.RankerModel`` as JSON), retrained by the
    ``matching.train_ranker`` job; absent while its history is too short, so the packaged prior ranks."""

    __tablename__ = "ranker_models"
    __table_args__ = (UniqueConstraint("org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(80))
    prior_version: Mapped[str] = mapped_column(String(80))
    examples: Mapped[int] = mapped_column(Integer)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime())
    body: Mapped[str] = mapped_column(Text)
