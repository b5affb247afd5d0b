"""The matching domain's part of an erasure: the vectors of a person's profile and asks."""

from __future__ import annotations

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from askwell.matching import index
from askwell.matching.models import Embedding


def erase_vectors(db: Session, *, org_id: int, person_id: int, ask_ids: list[int]) -> None:
    owned = [(Embedding.owner_kind == "person") & (Embedding.owner_id == person_id)]
    if ask_ids:
        owned.append((Embedding.owner_kind == "ask") & Embedding.owner_id.in_(ask_ids))
    db.execute(delete(Embedding).where(Embedding.org_id == org_id, or_(*owned)))
    db.flush()
    # This process's cached index still holds the vectors; others rebuild on their next change check.
    index.forget(org_id)
