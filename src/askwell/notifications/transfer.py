"""The inbox's section of an organization export: every notification, read or not.

A notification names rows by database id (its ask, offer, introduction, who acted, whom it is
about). Those ids change on import, so the document names them portably: people by email, asks and
introductions by their ``ref`` in their own sections, an offer as ``"<ask ref>:<position>"``. On
import the loaders of those sections have left ref → new id in ``ImportContext.ids``.

Documents written before notifications kept ids carry their words (``text``) and a ``link`` or a
``target``; they still load: the words are kept as stored, the target's row becomes the id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from askwell.asks import repository as asks_repo
from askwell.asks.transfer import ask_refs
from askwell.network.transfer import intro_refs
from askwell.notifications import repository
from askwell.notifications.models import NotificationKind
from askwell.people import repository as people_repo
from askwell.people.transfer import ImportContext, Section


class LinkDoc(BaseModel):
    """A link to a row in an older document: its kind, its portable reference, what followed the id."""

    model_config = ConfigDict(extra="forbid")

    kind: Annotated[str, StringConstraints(pattern=r"^(asks|introductions|people)$")]
    ref: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    rest: Annotated[str, StringConstraints(max_length=300)] = ""


class NotificationDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: str
    kind: NotificationKind
    # Stored words: only for rows that had them (written before 0004, or from an older document).
    text: Annotated[str, StringConstraints(max_length=4000)] | None = None
    ask: int | None = None  # the ask's ref
    offer: Annotated[str, StringConstraints(pattern=r"^\d+:\d+$")] | None = None
    intro: int | None = None  # the introduction's ref
    actor: str | None = None
    subject: str | None = None
    note: Annotated[str, StringConstraints(max_length=4000)] | None = None
    created_at: AwareDatetime
    read_at: AwareDatetime | None = None
    # Older documents only.
    link: Annotated[str, StringConstraints(max_length=300)] = ""
    target: LinkDoc | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _offer_refs(db: Session, org_id: int, asks: dict[int, int]) -> dict[int, str]:
    """Offer id → "<ask ref>:<position within the ask>", as the asks section numbers them."""
    refs: dict[int, str] = {}
    position: dict[int, int] = {}
    for offer_id, ask_id in asks_repo.org_offer_asks(db, org_id=org_id):
        position[ask_id] = position.get(ask_id, 0) + 1
        if ask_id in asks:
            refs[offer_id] = f"{asks[ask_id]}:{position[ask_id]}"
    return refs


def notifications_section() -> Section:
    def export(db: Session, org_id: int) -> list[dict[str, Any]]:
        email = people_repo.emails_by_id(db, org_id=org_id)
        asks = ask_refs(db, org_id)
        offers = _offer_refs(db, org_id, asks)
        intros = intro_refs(db, org_id)
        notes = repository.org_notifications(db, org_id=org_id)
        return [
            {
                "person": email[n.person_id],
                "kind": n.kind,
                "text": n.text,
                "ask": asks.get(n.ask_id) if n.ask_id else None,
                "offer": offers.get(n.offer_id) if n.offer_id else None,
                "intro": intros.get(n.intro_id) if n.intro_id else None,
                "actor": email.get(n.actor_id) if n.actor_id else None,
                "subject": email.get(n.subject_id) if n.subject_id else None,
                "note": n.note,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in notes
            if n.person_id in email
        ]

    return Section(
        "notifications", TypeAdapter(list[NotificationDoc]), export, _load_notifications, _check_notifications
    )


def _load_notifications(db: Session, ctx: ImportContext, notes: list[NotificationDoc]) -> None:
    people = ctx.ids.get("people", {})
    asks = ctx.ids.get("asks", {})
    offers = ctx.ids.get("offers", {})
    intros = ctx.ids.get("introductions", {})
    rows = []
    for n in notes:
        intro = str(n.intro) if n.intro else None
        actor = n.actor
        if n.target is not None and n.target.kind == "introductions":
            intro = n.target.ref
        elif n.target is not None and n.target.kind == "people" and actor is None:
            actor = n.target.ref
        rows.append(
            {
                "org_id": ctx.org_id,
                "person_id": people[n.person],
                "kind": n.kind.value,
                "text": n.text,
                "ask_id": asks.get(str(n.ask)) if n.ask else None,
                "offer_id": offers.get(n.offer) if n.offer else None,
                "intro_id": intros.get(intro) if intro else None,
                "actor_id": people.get(actor) if actor else None,
                "subject_id": people.get(n.subject) if n.subject else None,
                "note": n.note,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
        )
    repository.insert_notifications(db, rows)


def _check_notifications(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    problems = []
    for i, n in enumerate(doc.get("notifications", [])):
        problems += [
            f"notifications.{i}: no person {e!r} in the document"
            for e in (n.person, n.actor, n.subject)
            if e and e not in emails
        ]
    return problems
