"""The huddles domain's part of an erasure: the words a person wrote when calling huddles.

The huddle rows stay (invitations and the outcome's thanks in the ledger count by id, like every other
domain's rows); their topic and outcome note are replaced.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from askwell.huddles import repository


def erase_words(db: Session, *, org_id: int, person_id: int, text_now: str) -> int:
    """Replace the topics and notes of the huddles this person called; returns how many."""
    huddles = repository.called_by(db, org_id=org_id, person_id=person_id)
    for huddle in huddles:
        huddle.topic = text_now[:200]
        huddle.outcome_note = ""
    db.flush()
    return len(huddles)
