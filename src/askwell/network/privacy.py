"""The network domain's part of a privacy request: ties, introductions and nudges involving a person.

On erasure they are dropped, not anonymised: each of them is a fact about the erased person, and
the ledger (which is kept) already holds the counts that insights add up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from askwell.network import repository


def erase_ties(db: Session, *, org_id: int, person_id: int) -> None:
    repository.delete_network_of(db, org_id=org_id, person_id=person_id)
    db.flush()


def export_ties(db: Session, *, org_id: int, person_id: int) -> list[dict[str, Any]]:
    """The person's ties, each with the other person's id and name (both visible in the directory)."""
    rows = repository.ties_with_names(db, org_id=org_id, person_id=person_id)
    return [
        {
            "person_id": tie.b_id if tie.a_id == person_id else tie.a_id,
            "person_name": name,
            "interactions": tie.interactions,
            "origins": list(tie.origins or []),
            "first_at": tie.first_at.isoformat(),
            "last_at": tie.last_at.isoformat(),
        }
        for tie, name in rows
    ]
