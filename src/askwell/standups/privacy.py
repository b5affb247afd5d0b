"""The stand-ups domain's part of an erasure: a person's answers, their schedule and away days.

Like asks, the check-in and prompt rows stay: a team's participation and a practice's before/during
figures count them, and erasure must leave those aggregates as they were. What goes is every word the
person wrote (each answer and drafted need is replaced by the neutral text), their next prompt, their
away periods (when someone was off is personal), and any reminder or digest not yet sent to them.
The asks drafted from their needs are the asks domain's to erase (withdrawn, words replaced).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from askwell.standups import repository


def erase_checkins(db: Session, *, org_id: int, person_id: int, text_now: str) -> int:
    """Replace the person's answers and drop what would still prompt them; returns their check-ins."""
    found = len(repository.checkin_ids_of(db, org_id=org_id, person_id=person_id))
    repository.replace_checkin_words(db, org_id=org_id, person_id=person_id, text=text_now)
    repository.forget_schedule(db, org_id=org_id, person_id=person_id)
    db.flush()
    return found
