"""The network's sections of an organization export: ties, introductions and reconnect nudges.

People are referred to by email and asks by their ``ref`` in the asks section, so the network
section loads after people and asks.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from askwell.asks.transfer import ask_refs
from askwell.network import repository
from askwell.network.models import IntroStatus
from askwell.people import repository as people_repo
from askwell.people.transfer import ImportContext, Section

Text = Annotated[str, StringConstraints(max_length=4000)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TieDoc(_Doc):
    a: str
    b: str
    mass: float = Field(ge=0)
    interactions: int = Field(ge=0)
    origins: list[Annotated[str, StringConstraints(max_length=40)]] = Field(default_factory=list)
    first_at: AwareDatetime
    last_at: AwareDatetime
    updated_at: AwareDatetime


class IntroductionDoc(_Doc):
    ask: int | None = None
    query: Text = ""
    asker: str
    connector: str
    target: str
    suggested_target: str | None = None
    status: IntroStatus
    message: Text = ""
    connector_note: Text = ""
    target_note: Text = ""
    score: float = 0.0
    created_at: AwareDatetime
    connector_responded_at: AwareDatetime | None = None
    target_responded_at: AwareDatetime | None = None
    reminded_at: AwareDatetime | None = None


class NudgeDoc(_Doc):
    person: str
    tie_person: str
    ask: int | None = None
    message: Text = ""
    sent_at: AwareDatetime


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _emails(db: Session, org_id: int) -> dict[int, str]:
    return people_repo.emails_by_id(db, org_id=org_id)


def _export_ties(db: Session, org_id: int) -> list[dict[str, Any]]:
    email = _emails(db, org_id)
    rows = []
    for t in repository.org_ties(db, org_id=org_id):
        a, b = sorted((email[t.a_id], email[t.b_id]))
        rows.append(
            {
                "a": a,
                "b": b,
                "mass": t.mass,
                "interactions": t.interactions,
                "origins": list(t.origins),
                "first_at": _iso(t.first_at),
                "last_at": _iso(t.last_at),
                "updated_at": _iso(t.updated_at),
            }
        )
    return sorted(rows, key=lambda r: (r["a"], r["b"]))


def _load_ties(db: Session, ctx: ImportContext, ties: list[TieDoc]) -> None:
    people = ctx.ids.get("people", {})
    rows = []
    for t in ties:
        a, b = sorted((people[t.a], people[t.b]))
        rows.append(
            {
                "org_id": ctx.org_id,
                "a_id": a,
                "b_id": b,
                "mass": t.mass,
                "interactions": t.interactions,
                "origins": t.origins,
                "first_at": t.first_at,
                "last_at": t.last_at,
                "updated_at": t.updated_at,
            }
        )
    repository.insert_ties(db, rows)


def _check_ties(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    problems, seen = [], set()
    for i, t in enumerate(doc.get("ties", [])):
        if t.a == t.b:
            problems.append(f"ties.{i}: a tie to oneself")
        problems += [f"ties.{i}: no person {e!r} in the document" for e in (t.a, t.b) if e not in emails]
        pair = tuple(sorted((t.a, t.b)))
        if pair in seen:
            problems.append(f"ties.{i}: the pair appears twice")
        seen.add(pair)
    return problems


def intro_refs(db: Session, org_id: int) -> dict[int, int]:
    """Introduction id → its position in the document (from 1), for links that point at one.

    Introductions are exported and loaded in (created_at, id) order, so the loaded rows get
    ascending ids in the same order and this numbering is the same on both sides.
    """
    ids = repository.org_intro_ids(db, org_id=org_id)
    return {intro_id: ref for ref, intro_id in enumerate(ids, start=1)}


def _export_intros(db: Session, org_id: int) -> list[dict[str, Any]]:
    email = _emails(db, org_id)
    refs = ask_refs(db, org_id)
    intros = repository.org_intros(db, org_id=org_id)
    return [
        {
            "ask": refs.get(i.ask_id) if i.ask_id else None,
            "query": i.query,
            "asker": email[i.asker_id],
            "connector": email[i.connector_id],
            "target": email[i.target_id],
            "suggested_target": email.get(i.suggested_target_id) if i.suggested_target_id else None,
            "status": i.status,
            "message": i.message,
            "connector_note": i.connector_note,
            "target_note": i.target_note,
            "score": i.score,
            "created_at": _iso(i.created_at),
            "connector_responded_at": _iso(i.connector_responded_at),
            "target_responded_at": _iso(i.target_responded_at),
            "reminded_at": _iso(i.reminded_at),
        }
        for i in intros
    ]


def _load_intros(db: Session, ctx: ImportContext, intros: list[IntroductionDoc]) -> None:
    people, asks = ctx.ids.get("people", {}), ctx.ids.get("asks", {})
    rows = [
        {
            "org_id": ctx.org_id,
            "ask_id": asks.get(str(i.ask)) if i.ask else None,
            "query": i.query,
            "asker_id": people[i.asker],
            "connector_id": people[i.connector],
            "target_id": people[i.target],
            "suggested_target_id": people[i.suggested_target] if i.suggested_target else None,
            "status": i.status.value,
            "message": i.message,
            "connector_note": i.connector_note,
            "target_note": i.target_note,
            "score": i.score,
            "created_at": i.created_at,
            "connector_responded_at": i.connector_responded_at,
            "target_responded_at": i.target_responded_at,
            "reminded_at": i.reminded_at,
        }
        for i in intros
    ]
    new_ids = repository.insert_intros(db, rows)
    ctx.ids["introductions"] = {str(ref): i for ref, i in enumerate(new_ids, start=1)}


def _check_intros(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    refs = {a.ref for a in doc.get("asks", [])}
    problems = []
    for i, intro in enumerate(doc.get("introductions", [])):
        named = [intro.asker, intro.connector, intro.target, intro.suggested_target]
        problems += [
            f"introductions.{i}: no person {e!r} in the document" for e in named if e and e not in emails
        ]
        if intro.ask and intro.ask not in refs:
            problems.append(f"introductions.{i}: no ask {intro.ask} in the document")
    return problems


def _export_nudges(db: Session, org_id: int) -> list[dict[str, Any]]:
    email = _emails(db, org_id)
    refs = ask_refs(db, org_id)
    nudges = repository.org_nudges(db, org_id=org_id)
    return [
        {
            "person": email[n.person_id],
            "tie_person": email[n.tie_person_id],
            "ask": refs.get(n.ask_id) if n.ask_id else None,
            "message": n.message,
            "sent_at": _iso(n.sent_at),
        }
        for n in nudges
    ]


def _load_nudges(db: Session, ctx: ImportContext, nudges: list[NudgeDoc]) -> None:
    people, asks = ctx.ids.get("people", {}), ctx.ids.get("asks", {})
    rows = [
        {
            "org_id": ctx.org_id,
            "person_id": people[n.person],
            "tie_person_id": people[n.tie_person],
            "ask_id": asks.get(str(n.ask)) if n.ask else None,
            "message": n.message,
            "sent_at": n.sent_at,
        }
        for n in nudges
    ]
    repository.insert_nudges(db, rows)


def _check_nudges(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    return [
        f"reconnect_nudges.{i}: no person {e!r} in the document"
        for i, n in enumerate(doc.get("reconnect_nudges", []))
        for e in (n.person, n.tie_person)
        if e not in emails
    ]


SECTIONS: list[Section] = [
    Section("ties", TypeAdapter(list[TieDoc]), _export_ties, _load_ties, _check_ties),
    Section("introductions", TypeAdapter(list[IntroductionDoc]), _export_intros, _load_intros, _check_intros),
    Section("reconnect_nudges", TypeAdapter(list[NudgeDoc]), _export_nudges, _load_nudges, _check_nudges),
]
