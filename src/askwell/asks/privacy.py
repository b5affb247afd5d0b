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

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from askwell.asks.models import Ask, AskAudience, AskRevision, AskStatus, AskTag, Offer, OfferStatus, Thanks
from askwell.asks.rules import PENDING_OFFER

ERASED_TEXT = "(removed at the member's request)"
_STILL_OPEN = (AskStatus.DRAFT.value, AskStatus.OPEN.value, AskStatus.IN_PROGRESS.value)
_PENDING_OFFER = [s.value for s in PENDING_OFFER]


@dataclass(frozen=True)
class ErasedAsks:
    """What other domains need to finish the job: the ask ids (their embeddings) and the words that
    were replaced (titles, offer messages, thank-you notes), which notifications may quote."""

    ask_ids: list[int]
    old_texts: list[str]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def erase_writing(db: Session, *, org_id: int, person_id: int, now: datetime) -> ErasedAsks:
    asks = db.scalars(select(Ask).where(Ask.org_id == org_id, Ask.author_id == person_id)).all()
    ask_ids = [a.id for a in asks]
    theirs = (Offer.org_id == org_id) & (Offer.helper_id == person_id)
    their_thanks = (Thanks.org_id == org_id) & (Thanks.from_id == person_id)
    old_texts = [a.title for a in asks] + [a.outcome_note for a in asks]
    old_texts += db.scalars(select(Offer.message).where(theirs)).all()
    old_texts += db.scalars(select(Thanks.note).where(their_thanks)).all()
    for ask in asks:
        ask.title = ERASED_TEXT
        ask.body = ask.what = ask.why = ask.action = ask.outcome_note = ""
        if ask.status in _STILL_OPEN:
            ask.status = AskStatus.WITHDRAWN.value
            ask.closed_at = now
            ask.updated_at = now
    if ask_ids:
        in_their_asks = (Offer.org_id == org_id) & Offer.ask_id.in_(ask_ids)
        db.execute(
            update(Offer)
            .where(in_their_asks, Offer.status.in_(_PENDING_OFFER))
            .values(status=OfferStatus.WITHDRAWN.value, responded_at=now)
        )
        db.execute(delete(AskTag).where(AskTag.org_id == org_id, AskTag.ask_id.in_(ask_ids)))
        # Earlier versions hold the words too.
        db.execute(delete(AskRevision).where(AskRevision.org_id == org_id, AskRevision.ask_id.in_(ask_ids)))
    db.execute(delete(AskAudience).where(AskAudience.org_id == org_id, AskAudience.person_id == person_id))
    db.execute(update(Offer).where(theirs, Offer.message != "").values(message=ERASED_TEXT))
    db.execute(
        update(Offer)
        .where(theirs, Offer.status.in_(_PENDING_OFFER))
        .values(status=OfferStatus.WITHDRAWN.value, responded_at=now)
    )
    db.execute(update(Thanks).where(their_thanks, Thanks.note != "").values(note=ERASED_TEXT))
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
    asks = db.scalars(
        select(Ask).where(Ask.org_id == org_id, Ask.author_id == person_id).order_by(Ask.id)
    ).all()
    ask_ids = [a.id for a in asks]
    tags: dict[int, list[str]] = {}
    received: dict[int, list[dict[str, Any]]] = {}
    if ask_ids:
        for ask_id, name in db.execute(
            select(AskTag.ask_id, AskTag.name)
            .where(AskTag.org_id == org_id, AskTag.ask_id.in_(ask_ids))
            .order_by(AskTag.ask_id, AskTag.position)
        ):
            tags.setdefault(ask_id, []).append(name)
        for offer in db.scalars(
            select(Offer).where(Offer.org_id == org_id, Offer.ask_id.in_(ask_ids)).order_by(Offer.id)
        ):
            received.setdefault(offer.ask_id, []).append(_offer(offer))
    offers = db.scalars(
        select(Offer).where(Offer.org_id == org_id, Offer.helper_id == person_id).order_by(Offer.id)
    ).all()
    thanks_q = select(Thanks).where(Thanks.org_id == org_id).order_by(Thanks.id)
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
        "thanks_given": [_thanks(t) for t in db.scalars(thanks_q.where(Thanks.from_id == person_id))],
        "thanks_received": [_thanks(t) for t in db.scalars(thanks_q.where(Thanks.to_id == person_id))],
    }
