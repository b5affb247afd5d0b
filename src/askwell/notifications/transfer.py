"""The inbox's section of an organization export: every notification, read or not.

A notification points at rows by database id: its ``ask_id``, its ``actor_id`` and the id inside
its ``link`` (``/asks/12``, ``/network/intros/3``, ``/people/7``). Those ids change on import, so
the document names them portably: people by email, asks and introductions by their ``ref`` in
their own sections. This package sits below asks and network, so it cannot number their rows
itself: the entry point that composes the sections passes ``export_refs`` (id → ref, per kind),
and on import the loaders of those sections have left ref → new id in ``ImportContext.ids``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, TypeAdapter
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from askwell.notifications.models import Notification, NotificationKind
from askwell.people.models import Person
from askwell.people.transfer import ImportContext, Section

# A link whose path names a row: the kind of row (a key of the refs maps) for each path prefix.
_LINK = re.compile(r"^/(?P<prefix>asks|network/intros|people)/(?P<id>\d+)(?P<rest>(?:[/?#].*)?)$", re.DOTALL)
_KIND_OF_PREFIX = {"asks": "asks", "network/intros": "introductions", "people": "people"}
_PREFIX_OF_KIND = {kind: prefix for prefix, kind in _KIND_OF_PREFIX.items()}

ExportRefs = Callable[[Session, int], dict[str, dict[int, str]]]


class LinkDoc(BaseModel):
    """A link to a row: its kind, its portable reference (email or ref), and what follows the id."""

    model_config = ConfigDict(extra="forbid")

    kind: Annotated[str, StringConstraints(pattern=r"^(asks|introductions|people)$")]
    ref: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    rest: Annotated[str, StringConstraints(max_length=300)] = ""


class NotificationDoc(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person: str
    kind: NotificationKind
    text: Annotated[str, StringConstraints(max_length=4000)]
    # A plain path (no row id in it), or ``target`` when the link leads to a row.
    link: Annotated[str, StringConstraints(max_length=300)] = ""
    target: LinkDoc | None = None
    ask: int | None = None  # the ask's ref
    actor: str | None = None
    created_at: AwareDatetime
    read_at: AwareDatetime | None = None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _portable_link(link: str, refs: dict[str, dict[int, str]]) -> dict[str, Any]:
    match = _LINK.match(link)
    if match is None:
        return {"link": link, "target": None}
    kind = _KIND_OF_PREFIX[match["prefix"]]
    ref = refs.get(kind, {}).get(int(match["id"]))
    if ref is None:
        # The row is gone (a deleted ask): the link would lead nowhere, the inbox is the fallback.
        return {"link": "", "target": None}
    return {"link": "", "target": {"kind": kind, "ref": ref, "rest": match["rest"]}}


def _stored_link(doc: NotificationDoc, ids: dict[str, dict[str, int]]) -> str:
    if doc.target is None:
        return doc.link
    new_id = ids.get(doc.target.kind, {}).get(doc.target.ref)
    if new_id is None:
        return ""
    return f"/{_PREFIX_OF_KIND[doc.target.kind]}/{new_id}{doc.target.rest}"


def notifications_section(export_refs: ExportRefs) -> Section:
    """The section, given the id → ref maps of the kinds of rows this package cannot read."""

    def export(db: Session, org_id: int) -> list[dict[str, Any]]:
        email = dict(db.execute(select(Person.id, Person.email).where(Person.org_id == org_id)).all())
        refs = {**export_refs(db, org_id), "people": email}
        ask_ref = refs.get("asks", {})
        notes = db.scalars(
            select(Notification)
            .where(Notification.org_id == org_id)
            .order_by(Notification.created_at, Notification.id)
        )
        return [
            {
                "person": email[n.person_id],
                "kind": n.kind,
                "text": n.text,
                **_portable_link(n.link, refs),
                "ask": int(ask_ref[n.ask_id]) if n.ask_id in ask_ref else None,
                "actor": email.get(n.actor_id) if n.actor_id else None,
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
    rows = [
        {
            "org_id": ctx.org_id,
            "person_id": people[n.person],
            "kind": n.kind.value,
            "text": n.text,
            "link": _stored_link(n, ctx.ids),
            "ask_id": asks.get(str(n.ask)) if n.ask else None,
            "actor_id": people.get(n.actor) if n.actor else None,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in notes
    ]
    if rows:
        db.execute(insert(Notification), rows)


def _check_notifications(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    problems = []
    for i, n in enumerate(doc.get("notifications", [])):
        problems += [
            f"notifications.{i}: no person {e!r} in the document"
            for e in (n.person, n.actor)
            if e and e not in emails
        ]
    return problems
