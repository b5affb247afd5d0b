"""The right to erasure and the right of access, as use cases over every domain.

Each domain owns its step (``<domain>/privacy.py``); this module only composes them, which is why it
sits above all domains in the import layers. Services flush; the caller's unit of work commits, so an
erasure happens whole or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from askwell.accounts import privacy as accounts_privacy
from askwell.asks import privacy as asks_privacy
from askwell.huddles import privacy as huddles_privacy
from askwell.insights import privacy as insights_privacy
from askwell.ledger import repository as ledger_repo
from askwell.matching import privacy as matching_privacy
from askwell.network import privacy as network_privacy
from askwell.notifications import privacy as notifications_privacy
from askwell.people import privacy as people_privacy
from askwell.people import repository as people_repo
from askwell.people.errors import NotAllowed
from askwell.people.models import Person
from askwell.people.policy import Actor, can_administer
from askwell.routing import privacy as routing_privacy
from askwell.slack import privacy as slack_privacy
from askwell.standups import privacy as standups_privacy

EXPORT_FORMAT = 1
# The ledger is exported whole; the limit only guards against a runaway query.
_LEDGER_LIMIT = 1_000_000


def erase_person(db: Session, *, actor: Actor, person_id: int, now: datetime) -> Person:
    """Erase a person of the actor's organization (admins only); running it again changes nothing.

    Kept: the person row (as "Former member", inactive, an undeliverable address) and every ask,
    offer, thank-you and ledger row, so counts and insights add up as before. Gone: profile, skills,
    team memberships, credentials, their notifications, ties, introductions, vectors, stand-up schedule
    and away days, and every word they wrote (asks, huddle topics, stand-up answers: replaced by a
    neutral text). Routing requests still waiting on them are closed as "can't".
    """
    if not can_administer(actor) or person_id == actor.person_id:
        raise NotAllowed("erase this person")
    person = people_repo.get_person(db, actor=actor, person_id=person_id, include_inactive=True)
    old_name, old_email = person.name, person.email
    people_privacy.erase_profile(db, person=person, now=now)
    org_id = person.org_id
    accounts_privacy.erase_credentials(db, person=person, email=old_email)
    erased = asks_privacy.erase_writing(db, org_id=org_id, person_id=person.id, now=now)
    notifications_privacy.erase_notifications(
        db,
        org_id=org_id,
        person_id=person.id,
        old_name=old_name,
        ask_ids=erased.ask_ids,
        old_texts=erased.old_texts,
        name_now=people_privacy.FORMER_MEMBER,
        text_now=asks_privacy.ERASED_TEXT,
    )
    network_privacy.erase_ties(db, org_id=org_id, person_id=person.id)
    matching_privacy.erase_vectors(db, org_id=org_id, person_id=person.id, ask_ids=erased.ask_ids)
    huddles_privacy.erase_words(db, org_id=org_id, person_id=person.id, text_now=asks_privacy.ERASED_TEXT)
    slack_privacy.erase_link(db, org_id=org_id, person_id=person.id)
    standups_privacy.erase_checkins(db, org_id=org_id, person_id=person.id, text_now=asks_privacy.ERASED_TEXT)
    routing_privacy.erase_routes(db, org_id=org_id, person_id=person.id, now=now)
    return person


def _ledger(db: Session, *, org_id: int, person_id: int) -> list[dict[str, Any]]:
    entries = ledger_repo.entries_for_person(db, org_id=org_id, person_id=person_id, limit=_LEDGER_LIMIT)
    return [
        {
            "kind": e.kind,
            "actor_id": e.actor_id,
            "subject_id": e.subject_id,
            "ask_id": e.ask_id,
            "offer_id": e.offer_id,
            "at": e.at.isoformat(),
            "data": e.data,
        }
        for e in reversed(entries)
    ]


def export_person(db: Session, *, actor: Actor, now: datetime) -> dict[str, Any]:
    """Everything the signed-in person wrote, received or holds, as one JSON-ready document.

    Only their own data: asks they wrote (with the offers made on them), offers and thanks they gave
    or received, their notifications, ties and ledger entries. Never another person's private data
    (an ask shared with them is the author's, not theirs to export).
    """
    person = people_repo.get_person(db, actor=actor, person_id=actor.person_id)
    org_id = person.org_id
    return {
        "format": EXPORT_FORMAT,
        "exported_at": now.isoformat(),
        "profile": people_privacy.export_profile(db, person=person),
        **asks_privacy.export_writing(db, org_id=org_id, person_id=person.id),
        "notifications": notifications_privacy.export_notifications(db, actor=actor),
        "ties": network_privacy.export_ties(db, org_id=org_id, person_id=person.id),
        "ledger": _ledger(db, org_id=org_id, person_id=person.id),
        **accounts_privacy.export_credentials(db, person=person),
        "insights": insights_privacy.export_balance(db, actor=actor, now=now),
        "slack": slack_privacy.export_link(db, org_id=org_id, person_id=person.id),
    }
