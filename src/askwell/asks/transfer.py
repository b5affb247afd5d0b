"""The asks domain's sections of an organization export: asks with their offers, thanks and edit
history (revisions), and the ledger.

Asks have no natural key, so the document numbers them (``ref``) in a stable order (creation time,
then id); offers are numbered within their ask. People are referred to by email. An export → import
→ export round trip therefore gives the same document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from askwell.asks import repository
from askwell.asks.models import (
    Ask,
    AskAudience,
    AskRevision,
    AskStatus,
    AskTag,
    AudienceReason,
    Offer,
    OfferKind,
    OfferStatus,
    Thanks,
    Visibility,
)
from askwell.ledger import repository as ledger_repo
from askwell.ledger.models import EntryKind, entry_ref
from askwell.people import repository as people_repo
from askwell.people.transfer import ImportContext, Section

Text = Annotated[str, StringConstraints(max_length=4000)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ThanksDoc(_Doc):
    note: Text
    created_at: AwareDatetime


class OfferDoc(_Doc):
    helper: str
    kind: OfferKind
    message: Text
    hours: float | None = None
    introduce: str | None = None
    status: OfferStatus
    created_at: AwareDatetime
    responded_at: AwareDatetime | None = None
    done_at: AwareDatetime | None = None
    reminded_at: AwareDatetime | None = None
    thanks: ThanksDoc | None = None


class AudienceDoc(_Doc):
    person: str
    asked_directly_at: AwareDatetime | None = None
    reason: str = (
        "direct"  # "ring" or "routed": shared by a ring or by routing, never told "asked you directly"
    )


class RevisionDoc(_Doc):
    """The ask as it was before an edit. The snapshot names its team by slug, not by database id."""

    version: int = Field(ge=1)
    edited_by: str
    edited_at: AwareDatetime
    snapshot: dict[str, Any]


class AskDoc(_Doc):
    ref: int = Field(ge=1)
    author: str
    title: Annotated[str, StringConstraints(min_length=1, max_length=140)]
    body: Text = ""
    what: Text = ""
    why: Text = ""
    action: Text = ""
    effort_hours: float | None = None
    due_at: AwareDatetime | None = None
    visibility: Visibility
    team: str | None = None
    status: AskStatus
    coaching_score: int = Field(ge=0, le=100)
    own_guess: int | None = Field(default=None, ge=0, le=100)
    outcome_note: Text = ""
    version: int = Field(ge=1)
    created_at: AwareDatetime
    updated_at: AwareDatetime
    opened_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None
    due_reminded_at: AwareDatetime | None = None
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=60)]] = Field(default_factory=list)
    audience: list[AudienceDoc] = Field(default_factory=list)
    offers: list[OfferDoc] = Field(default_factory=list)
    revisions: list[RevisionDoc] = Field(default_factory=list)


class LedgerDoc(_Doc):
    kind: EntryKind
    actor: str
    subject: str | None = None
    ask: int | None = None  # the ask's ref
    offer: int | None = None  # the offer's position within that ask, from 1
    at: AwareDatetime
    data: dict[str, Any] = Field(default_factory=dict)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _emails(db: Session, org_id: int) -> dict[int, str]:
    return people_repo.emails_by_id(db, org_id=org_id)


def _ordered_asks(db: Session, org_id: int) -> list[Ask]:
    return repository.org_asks_in_order(db, org_id=org_id)


def ask_refs(db: Session, org_id: int) -> dict[int, int]:
    """Ask id → its ``ref`` in the document, for other domains' sections that point at asks."""
    ids = repository.org_ask_ids_in_order(db, org_id=org_id)
    return {ask_id: ref for ref, ask_id in enumerate(ids, start=1)}


def offer_refs(db: Session, org_id: int) -> dict[int, tuple[int, int]]:
    """Offer id → (its ask's ``ref``, its position among that ask's offers, from 1), as the asks
    section writes them: for other domains' sections that point at offers (ring offers, pairings)."""
    return {
        o.id: (ref, pos)
        for ref, a in enumerate(_ordered_asks(db, org_id), start=1)
        for pos, o in enumerate(a.offers, start=1)
    }


def _revisions_by_ask(db: Session, org_id: int) -> dict[int, list[AskRevision]]:
    by_ask: dict[int, list[AskRevision]] = {}
    for r in repository.org_revisions(db, org_id=org_id):
        by_ask.setdefault(r.ask_id, []).append(r)
    return by_ask


def _portable_snapshot(snapshot: dict[str, Any], team_slug: dict[int, str]) -> dict[str, Any]:
    """The stored snapshot with ``team_id`` replaced by the team's slug (``team``)."""
    out = {k: v for k, v in snapshot.items() if k != "team_id"}
    if "team_id" in snapshot:
        out["team"] = team_slug.get(snapshot["team_id"]) if snapshot["team_id"] else None
    return out


def _stored_snapshot(snapshot: dict[str, Any], team_ids: dict[str, int]) -> dict[str, Any]:
    out = {k: v for k, v in snapshot.items() if k != "team"}
    if "team" in snapshot:
        out["team_id"] = team_ids.get(snapshot["team"]) if snapshot["team"] else None
    return out


def _export_asks(db: Session, org_id: int) -> list[dict[str, Any]]:
    email = _emails(db, org_id)
    team_slug = people_repo.team_slugs(db, org_id=org_id)
    revisions = _revisions_by_ask(db, org_id)
    out = []
    for ref, a in enumerate(_ordered_asks(db, org_id), start=1):
        out.append(
            {
                "ref": ref,
                "author": email[a.author_id],
                "title": a.title,
                "body": a.body,
                "what": a.what,
                "why": a.why,
                "action": a.action,
                "effort_hours": a.effort_hours,
                "due_at": _iso(a.due_at),
                "visibility": a.visibility,
                "team": team_slug.get(a.team_id) if a.team_id else None,
                "status": a.status,
                "coaching_score": a.coaching_score,
                "own_guess": a.own_guess,
                "outcome_note": a.outcome_note,
                "version": a.version,
                "created_at": _iso(a.created_at),
                "updated_at": _iso(a.updated_at),
                "opened_at": _iso(a.opened_at),
                "closed_at": _iso(a.closed_at),
                "due_reminded_at": _iso(a.due_reminded_at),
                "tags": a.tag_names,
                "audience": sorted(
                    (
                        {
                            "person": email[x.person_id],
                            "asked_directly_at": _iso(x.asked_directly_at),
                            "reason": x.reason,
                        }
                        for x in a.audience
                    ),
                    key=lambda d: str(d["person"]),
                ),
                "offers": [
                    {
                        "helper": email[o.helper_id],
                        "kind": o.kind,
                        "message": o.message,
                        "hours": o.hours,
                        "introduce": email.get(o.introduce_id) if o.introduce_id else None,
                        "status": o.status,
                        "created_at": _iso(o.created_at),
                        "responded_at": _iso(o.responded_at),
                        "done_at": _iso(o.done_at),
                        "reminded_at": _iso(o.reminded_at),
                        "thanks": {"note": o.thanks[0].note, "created_at": _iso(o.thanks[0].created_at)}
                        if o.thanks
                        else None,
                    }
                    for o in a.offers
                ],
                "revisions": [
                    {
                        "version": r.version,
                        "edited_by": email[r.edited_by_id],
                        "edited_at": _iso(r.edited_at),
                        "snapshot": _portable_snapshot(r.snapshot, team_slug),
                    }
                    for r in revisions.get(a.id, [])
                ],
            }
        )
    return out


def _load_asks(db: Session, ctx: ImportContext, asks: list[AskDoc]) -> None:
    people = ctx.ids.get("people", {})
    teams = ctx.ids.get("teams", {})
    ask_ids: dict[int, int] = {}
    offer_ids: dict[tuple[int, int], int] = {}
    for doc in asks:
        ask = Ask(
            org_id=ctx.org_id,
            author_id=people[doc.author],
            title=doc.title,
            body=doc.body,
            what=doc.what,
            why=doc.why,
            action=doc.action,
            effort_hours=doc.effort_hours,
            due_at=doc.due_at,
            visibility=doc.visibility.value,
            team_id=teams.get(doc.team) if doc.team else None,
            status=doc.status.value,
            coaching_score=doc.coaching_score,
            own_guess=doc.own_guess,
            outcome_note=doc.outcome_note,
            version=doc.version,
            created_at=doc.created_at,
            updated_at=doc.updated_at,
            opened_at=doc.opened_at,
            closed_at=doc.closed_at,
            due_reminded_at=doc.due_reminded_at,
        )
        db.add(ask)
        db.flush()
        ask_ids[doc.ref] = ask.id
        db.add_all(
            AskTag(org_id=ctx.org_id, ask_id=ask.id, name=t, key=t.casefold(), position=i)
            for i, t in enumerate(doc.tags)
        )
        db.add_all(
            AskAudience(
                org_id=ctx.org_id,
                ask_id=ask.id,
                person_id=people[x.person],
                asked_directly_at=x.asked_directly_at,
                reason=x.reason
                if x.reason in {r.value for r in AudienceReason}
                else AudienceReason.DIRECT.value,
            )
            for x in doc.audience
        )
        db.add_all(
            AskRevision(
                org_id=ctx.org_id,
                ask_id=ask.id,
                version=r.version,
                snapshot=_stored_snapshot(r.snapshot, teams),
                edited_by_id=people[r.edited_by],
                edited_at=r.edited_at,
            )
            for r in doc.revisions
        )
        for position, o in enumerate(doc.offers, start=1):
            offer = Offer(
                org_id=ctx.org_id,
                ask_id=ask.id,
                helper_id=people[o.helper],
                kind=o.kind.value,
                message=o.message,
                hours=o.hours,
                introduce_id=people[o.introduce] if o.introduce else None,
                status=o.status.value,
                created_at=o.created_at,
                responded_at=o.responded_at,
                done_at=o.done_at,
                reminded_at=o.reminded_at,
            )
            db.add(offer)
            db.flush()
            offer_ids[(doc.ref, position)] = offer.id
            if o.thanks is not None:
                db.add(
                    Thanks(
                        org_id=ctx.org_id,
                        offer_id=offer.id,
                        from_id=ask.author_id,
                        to_id=offer.helper_id,
                        note=o.thanks.note,
                        created_at=o.thanks.created_at,
                    )
                )
    db.flush()
    ctx.ids["asks"] = {str(ref): i for ref, i in ask_ids.items()}
    ctx.ids["offers"] = {f"{ref}:{pos}": i for (ref, pos), i in offer_ids.items()}


def _check_asks(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    teams = {t.slug for t in doc.get("teams", [])}
    problems: list[str] = []
    refs = [a.ref for a in doc.get("asks", [])]
    if len(set(refs)) != len(refs):
        problems.append("asks: a ref appears more than once")
    for a in doc.get("asks", []):
        named = [a.author, *(x.person for x in a.audience), *(o.helper for o in a.offers)]
        named += [o.introduce for o in a.offers if o.introduce]
        named += [r.edited_by for r in a.revisions]
        versions = [r.version for r in a.revisions]
        if len(set(versions)) != len(versions):
            problems.append(f"asks.{a.ref}.revisions: a version appears more than once")
        problems += [f"asks.{a.ref}: no person {e!r} in the document" for e in named if e not in emails]
        if a.team and a.team not in teams:
            problems.append(f"asks.{a.ref}: no team {a.team!r} in the document")
    return problems


def _export_ledger(db: Session, org_id: int) -> list[dict[str, Any]]:
    email = _emails(db, org_id)
    asks = _ordered_asks(db, org_id)
    ask_ref = {a.id: ref for ref, a in enumerate(asks, start=1)}
    offer_pos = {o.id: pos for a in asks for pos, o in enumerate(a.offers, start=1)}
    entries = ledger_repo.org_entries(db, org_id=org_id)
    return [
        {
            "kind": e.kind,
            "actor": email[e.actor_id],
            "subject": email.get(e.subject_id) if e.subject_id else None,
            "ask": ask_ref.get(e.ask_id) if e.ask_id else None,
            "offer": offer_pos.get(e.offer_id) if e.offer_id else None,
            "at": _iso(e.at),
            "data": e.data,
        }
        for e in entries
    ]


def _load_ledger(db: Session, ctx: ImportContext, entries: list[LedgerDoc]) -> None:
    people = ctx.ids.get("people", {})
    asks = ctx.ids.get("asks", {})
    offers = ctx.ids.get("offers", {})
    rows = []
    for e in entries:
        ask_id = asks.get(str(e.ask)) if e.ask else None
        offer_id = offers.get(f"{e.ask}:{e.offer}") if e.ask and e.offer else None
        # From the new ids only: an introduction id in ``data`` is the old installation's.
        ref = entry_ref(e.kind, ask_id=ask_id, offer_id=offer_id, data={})
        rows.append(
            {
                "org_id": ctx.org_id,
                "kind": e.kind.value,
                "actor_id": people[e.actor],
                "subject_id": people[e.subject] if e.subject else None,
                "ask_id": ask_id,
                "offer_id": offer_id,
                "ref_kind": ref[0].value if ref else None,
                "ref_id": ref[1] if ref else None,
                "at": e.at,
                "data": e.data,
            }
        )
    ledger_repo.insert_entries(db, rows)


def _check_ledger(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    refs = {a.ref for a in doc.get("asks", [])}
    problems = []
    for i, e in enumerate(doc.get("ledger", [])):
        for who in (e.actor, e.subject):
            if who and who not in emails:
                problems.append(f"ledger.{i}: no person {who!r} in the document")
        if e.ask and e.ask not in refs:
            problems.append(f"ledger.{i}: no ask {e.ask} in the document")
    return problems


SECTIONS: list[Section] = [
    Section("asks", TypeAdapter(list[AskDoc]), _export_asks, _load_asks, _check_asks),
    Section("ledger", TypeAdapter(list[LedgerDoc]), _export_ledger, _load_ledger, _check_ledger),
]
