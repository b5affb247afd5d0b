"""The asks domain's part of a privacy request: what a person wrote, exported or replaced.

Erasure keeps every ask, offer and thank-you row (the counts and the ledger refer to them) and
replaces the words the person wrote with a neutral text. Their asks still open are withdrawn, and
their pending offers too, since nobody is left to follow them up. No ledger entry is written for
that: the ledger records what people did, and erasure must leave its aggregates as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from askwell.asks import repository
from askwell.asks.models import AskStatus, Offer, Thanks

ERASED_TEXT = "(removed at the member's request)"
_STILL_OPEN = (AskStatus.DRAFT.value, AskStatus.OPEN.value, AskStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class ErasedAsks:
    """What other domains need to finish the job: the ask ids (their embeddings) and the words that
    were replaced (titles, offer messages, thank-you notes), which notifications may quote."""

    ask_ids: list[int]
    old_texts: list[str]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def erase_writing(db: Session, *, org_id: int, person_id: int, now: datetime) -> ErasedAsks:
    asks = repository.asks_by_author(db, org_id=org_id, person_id=person_id)
    ask_ids = [a.id for a in asks]
    old_texts = [a.title for a in asks] + [a.outcome_note for a in asks]
    old_texts += [o.message for o in repository.offers_by_helper(db, org_id=org_id, person_id=person_id)]
    old_texts += [t.note for t in repository.thanks_from(db, org_id=org_id, person_id=person_id)]
    for ask in asks:
        ask.title = ERASED_TEXT
        ask.body = ask.what = ask.why = ask.action = ask.outcome_note = ""
        if ask.status in _STILL_OPEN:
            ask.status = AskStatus.WITHDRAWN.value
            ask.closed_at = now
            ask.updated_at = now
    db.flush()
    repository.withdraw_pending_offers(db, org_id=org_id, now=now, on_asks=ask_ids, by_helper=person_id)
    repository.replace_words_of(db, org_id=org_id, person_id=person_id, ask_ids=ask_ids, text=ERASED_TEXT)
    db.flush()
    return ErasedAsks(ask_ids=ask_ids, old_texts=[t for t in old_texts if t and t != ERASED_TEXT])


def _offer(o: Offer) -> dict[str, Any]:
    return {
        "id": o.id,
        "ask_id": o.ask_id,
        "helper_id": o.helper_id,
        "kind": o.kind,
        "message": o.message,
        "hours": o.hours,
        "status": o.status,
        "created_at": o.created_at.isoformat(),
        "done_at": _iso(o.done_at),
    }


def _thanks(t: Thanks) -> dict[str, Any]:
    return {
        "offer_id": t.offer_id,
        "from_id": t.from_id,
        "to_id": t.to_id,
        "note": t.note,
        "created_at": t.created_at.isoformat(),
    }


def export_writing(db: Session, *, org_id: int, person_id: int) -> dict[str, Any]:
    """Asks they wrote (with the offers they received on them), offers they made, thanks both ways.

    Only what the person wrote or what was addressed to them: never other people's asks.
    """
    asks = repository.asks_by_author(db, org_id=org_id, person_id=person_id)
    ask_ids = [a.id for a in asks]
    tags = repository.tag_names_of(db, org_id=org_id, ask_ids=ask_ids)
    received: dict[int, list[dict[str, Any]]] = {}
    for offer in repository.offers_on(db, org_id=org_id, ask_ids=ask_ids):
        received.setdefault(offer.ask_id, []).append(_offer(offer))
    offers = repository.offers_by_helper(db, org_id=org_id, person_id=person_id)
    return {
        "asks": [
            {
                "id": a.id,
                "title": a.title,
                "body": a.body,
                "what": a.what,
                "why": a.why,
                "action": a.action,
                "effort_hours": a.effort_hours,
                "due_at": _iso(a.due_at),
                "visibility": a.visibility,
                "status": a.status,
                "outcome_note": a.outcome_note,
                "own_guess": a.own_guess,
                "tags": tags.get(a.id, []),
                "created_at": a.created_at.isoformat(),
                "closed_at": _iso(a.closed_at),
                "offers_received": received.get(a.id, []),
            }
            for a in asks
        ],
        "offers": [_offer(o) for o in offers],
        "thanks_given": [_thanks(t) for t in repository.thanks_from(db, org_id=org_id, person_id=person_id)],
        "thanks_received": [_thanks(t) for t in repository.thanks_to(db, org_id=org_id, person_id=person_id)],
    }
