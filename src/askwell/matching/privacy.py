"""The matching domain's part of an erasure: the vectors of a person's profile and asks."""

from __future__ import annotations

from sqlalchemy.orm import Session

from askwell.matching import index, repository


def erase_vectors(db: Session, *, org_id: int, person_id: int, ask_ids: list[int]) -> None:
    repository.delete_vectors_of(db, org_id=org_id, person_id=person_id, ask_ids=ask_ids)
    db.flush()
    # This process's cached index still holds the vectors; others rebuild on their next change check.
    index.forget(org_id)
