"""The network domain's part of a privacy request: ties, introductions and nudges involving a person.

On erasure they are dropped, not anonymised: each of them is a fact about the erased person, and
the ledger (which is kept) already holds the counts that insights add up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from askwell.network.models import Introduction, ReconnectNudge, Tie
from askwell.people.models import Person


def erase_ties(db: Session, *, org_id: int, person_id: int) -> None:
    db.execute(delete(Tie).where(Tie.org_id == org_id, or_(Tie.a_id == person_id, Tie.b_id == person_id)))
    db.execute(
        delete(Introduction).where(
            Introduction.org_id == org_id,
            or_(
                Introduction.asker_id == person_id,
                Introduction.connector_id == person_id,
                Introduction.target_id == person_id,
                Introduction.suggested_target_id == person_id,
            ),
        )
    )
    db.execute(
        delete(ReconnectNudge).where(
            ReconnectNudge.org_id == org_id,
            or_(ReconnectNudge.person_id == person_id, ReconnectNudge.tie_person_id == person_id),
        )
    )
    db.flush()


def export_ties(db: Session, *, org_id: int, person_id: int) -> list[dict[str, Any]]:
    """The person's ties, each with the other person's id and name (both visible in the directory)."""
    other_id = Person.id
    rows = db.execute(
        select(Tie, Person.name)
        .join(
            Person,
            (Person.org_id == Tie.org_id)
            & (
                ((Tie.a_id == person_id) & (other_id == Tie.b_id))
                | ((Tie.b_id == person_id) & (other_id == Tie.a_id))
            ),
        )
        .where(Tie.org_id == org_id, or_(Tie.a_id == person_id, Tie.b_id == person_id))
        .order_by(Tie.id)
    ).all()
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
