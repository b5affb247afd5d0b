"""The routing domain's part of an erasure: who was asked, and whose asks were routed.

Routing rows hold no words (ids, states and instants), so they stay and keep the counts of who was
asked and who helped. An erased person can answer nothing: requests still waiting on them are closed
as "can't", so the ask's author is not left waiting on a former member, and their own routed asks
(withdrawn by the asks domain's step) never go to their lead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from askwell.routing import repository


def erase_routes(db: Session, *, org_id: int, person_id: int, now: datetime) -> int:
    """Close what waits on the person and stop their escalations; returns the requests closed."""
    closed = repository.close_requests_to(db, org_id=org_id, person_id=person_id, now=now)
    repository.stop_escalations_of(db, org_id=org_id, author_id=person_id, now=now)
    db.flush()
    return closed
