"""The huddles' section of an organization export: each huddle with its invitations and outcome.

People are referred to by email. The calendar identity (``uid``, ``sequence``) travels, so a calendar
that holds an imported huddle's invitation still recognises its updates. The meeting link is what the
invitations carried, not an installation credential (those stay out of every export).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from askwell.huddles import repository
from askwell.huddles.models import Huddle, HuddleInvite, HuddleStatus, InviteState
from askwell.people.transfer import ImportContext, Section

Email = Annotated[str, StringConstraints(max_length=320)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InviteDoc(_Doc):
    person: Email
    state: InviteState
    answered_at: AwareDatetime | None = None
    thanked: bool = False


class HuddleDoc(_Doc):
    caller: Email
    topic: Annotated[str, StringConstraints(max_length=200)]
    status: HuddleStatus
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    uid: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    sequence: int = Field(default=0, ge=0)
    link: Annotated[str, StringConstraints(max_length=500)]
    resolved: bool | None = None
    outcome_note: Annotated[str, StringConstraints(max_length=5000)] = ""
    outcome_at: AwareDatetime | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    invites: list[InviteDoc] = Field(default_factory=list, max_length=200)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _export(db: Session, org_id: int) -> list[dict[str, Any]]:
    email, huddles, invites = repository.org_huddles(db, org_id=org_id)
    by_huddle: dict[int, list[HuddleInvite]] = {}
    for i in invites:
        by_huddle.setdefault(i.huddle_id, []).append(i)
    return [
        {
            "caller": email[h.caller_id],
            "topic": h.topic,
            "status": h.status,
            "starts_at": _iso(h.starts_at),
            "ends_at": _iso(h.ends_at),
            "uid": h.uid,
            "sequence": h.sequence,
            "link": h.link,
            "resolved": h.resolved,
            "outcome_note": h.outcome_note,
            "outcome_at": _iso(h.outcome_at),
            "created_at": _iso(h.created_at),
            "updated_at": _iso(h.updated_at),
            "invites": sorted(
                (
                    {
                        "person": email[i.person_id],
                        "state": i.state,
                        "answered_at": _iso(i.answered_at),
                        "thanked": i.thanked,
                    }
                    for i in by_huddle.get(h.id, [])
                ),
                key=lambda d: str(d["person"]),
            ),
        }
        for h in huddles
    ]


def _load(db: Session, ctx: ImportContext, docs: list[HuddleDoc]) -> None:
    people = ctx.ids.get("people", {})
    ids = repository.insert_rows(
        db,
        Huddle,
        [
            {
                "org_id": ctx.org_id,
                **d.model_dump(exclude={"caller", "invites", "status"}),
                "caller_id": people[d.caller],
                "status": d.status.value,
            }
            for d in docs
        ],
    )
    repository.insert_rows(
        db,
        HuddleInvite,
        [
            {
                "org_id": ctx.org_id,
                "huddle_id": huddle_id,
                "person_id": people[i.person],
                "state": i.state.value,
                "answered_at": i.answered_at,
                "thanked": i.thanked,
            }
            for d, huddle_id in zip(docs, ids, strict=True)
            for i in d.invites
        ],
    )


def _check(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    problems: list[str] = []
    for n, h in enumerate(doc.get("huddles", [])):
        where = f"huddles.{n}"
        named = [h.caller, *(i.person for i in h.invites)]
        problems += [f"{where}: no person {e!r} in the document" for e in named if e not in emails]
        if h.ends_at <= h.starts_at:
            problems.append(f"{where}: it ends before it starts")
        invited = [i.person for i in h.invites]
        if len(set(invited)) != len(invited):
            problems.append(f"{where}: a person is invited twice")
    return problems


SECTIONS: list[Section] = [Section("huddles", TypeAdapter(list[HuddleDoc]), _export, _load, _check)]
