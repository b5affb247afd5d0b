"""The Slack domain's part of an erasure and of a person's data download: which Slack user they are.

Erasure forgets the link (an erased person is nobody in Slack any more: no DM reaches them and a
command from that Slack user is refused as unknown); the download says which Slack user they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from askwell.slack import repository


def erase_link(db: Session, *, org_id: int, person_id: int) -> int:
    removed = repository.unlink(db, org_id=org_id, person_id=person_id)
    db.flush()
    return removed


def export_link(db: Session, *, org_id: int, person_id: int) -> dict[str, Any] | None:
    link = repository.link_of_person(db, org_id=org_id, person_id=person_id)
    if link is None:
        return None
    return {
        "slack_user_id": link.slack_user_id,
        "source": link.source,
        "linked_at": link.linked_at.isoformat(),
    }
