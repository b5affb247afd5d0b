"""Routing's sections of an organization export: each team's routing settings, and each routed ask
with everyone asked about it (their answer, whom they suggested, the offer a claim made).

People are referred to by email, teams by slug, asks by their ``ref`` and offers by their position
among their ask's offers (as the asks section writes them), and the check-in a need came from by its
author's day; so these sections load after people, asks and the stand-ups' check-ins.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from sqlalchemy.orm import Session

from askwell.asks.transfer import ask_refs, offer_refs
from askwell.people.transfer import ImportContext, Section
from askwell.routing import repository
from askwell.routing.models import RoutedAsk, RouteReason, RouteRequest, RouteState, RoutingSettings
from askwell.routing.rules import MAX_PEERS, MIN_PEERS
from askwell.standups import repository as standups_repo
from askwell.standups.transfer import checkin_key

Email = Annotated[str, StringConstraints(max_length=320)]
Slug = Annotated[str, StringConstraints(max_length=120)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoutingSettingsDoc(_Doc):
    team: Slug
    escalate_after_hours: int = Field(ge=1, le=40)
    peers_per_ask: int = Field(ge=MIN_PEERS, le=MAX_PEERS)
    updated_at: AwareDatetime


class RouteRequestDoc(_Doc):
    person: Email
    reason: RouteReason
    suggested_by: Email | None = None
    state: RouteState
    suggested: Email | None = None
    offer: int | None = Field(default=None, ge=1)  # position among the ask's offers
    asked_at: AwareDatetime
    answered_at: AwareDatetime | None = None


class RoutedAskDoc(_Doc):
    ask: int = Field(ge=1)
    author: Email
    team: Slug
    checkin_date: date | None = None  # the author's check-in of that day the need came from
    routed_at: AwareDatetime
    escalate_at: AwareDatetime
    escalated_at: AwareDatetime | None = None
    requests: list[RouteRequestDoc] = Field(default_factory=list, max_length=1000)


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


def _export_settings(db: Session, org_id: int) -> list[dict[str, Any]]:
    found = repository.org_routing(db, org_id=org_id)
    return sorted(
        (
            {
                "team": found.team_slugs[s.team_id],
                "escalate_after_hours": s.escalate_after_hours,
                "peers_per_ask": s.peers_per_ask,
                "updated_at": _iso(s.updated_at),
            }
            for s in found.settings
        ),
        key=lambda d: str(d["team"]),
    )


def _load_settings(db: Session, ctx: ImportContext, docs: list[RoutingSettingsDoc]) -> None:
    teams = ctx.ids.get("teams", {})
    repository.insert_rows(
        db,
        RoutingSettings,
        [{"org_id": ctx.org_id, **d.model_dump(exclude={"team"}), "team_id": teams[d.team]} for d in docs],
    )


def _export_routed(db: Session, org_id: int) -> list[dict[str, Any]]:
    found = repository.org_routing(db, org_id=org_id)
    email = found.emails
    asks = ask_refs(db, org_id)
    offers = offer_refs(db, org_id)
    checkins = standups_repo.checkin_days(db, org_id=org_id)
    requests: dict[int, list[RouteRequest]] = {}
    for r in found.requests:
        requests.setdefault(r.routed_id, []).append(r)

    def named(person_id: int | None) -> str | None:
        return email.get(person_id) if person_id is not None else None

    def position(offer_id: int | None) -> int | None:
        return offers[offer_id][1] if offer_id is not None and offer_id in offers else None

    return [
        {
            "ask": asks[r.ask_id],
            "author": email[r.author_id],
            "team": found.team_slugs[r.team_id],
            "checkin_date": _iso(checkins[r.checkin_id][1])
            if r.checkin_id is not None and r.checkin_id in checkins
            else None,
            "routed_at": _iso(r.routed_at),
            "escalate_at": _iso(r.escalate_at),
            "escalated_at": _iso(r.escalated_at),
            "requests": [
                {
                    "person": email[q.person_id],
                    "reason": q.reason,
                    "suggested_by": named(q.suggested_by_id),
                    "state": q.state,
                    "suggested": named(q.suggested_id),
                    "offer": position(q.offer_id),
                    "asked_at": _iso(q.asked_at),
                    "answered_at": _iso(q.answered_at),
                }
                for q in requests.get(r.id, [])
            ],
        }
        for r in found.routed
        if r.ask_id in asks
    ]


def _load_routed(db: Session, ctx: ImportContext, docs: list[RoutedAskDoc]) -> None:
    people, asks = ctx.ids.get("people", {}), ctx.ids.get("asks", {})
    teams, offers = ctx.ids.get("teams", {}), ctx.ids.get("offers", {})
    checkins = ctx.ids.get("standup_checkins", {})
    ids = repository.insert_rows(
        db,
        RoutedAsk,
        [
            {
                "org_id": ctx.org_id,
                "ask_id": asks[str(d.ask)],
                "author_id": people[d.author],
                "team_id": teams[d.team],
                "checkin_id": checkins.get(checkin_key(d.author, d.checkin_date)) if d.checkin_date else None,
                "routed_at": d.routed_at,
                "escalate_at": d.escalate_at,
                "escalated_at": d.escalated_at,
            }
            for d in docs
        ],
    )
    repository.insert_rows(
        db,
        RouteRequest,
        [
            {
                "org_id": ctx.org_id,
                "routed_id": routed_id,
                "ask_id": asks[str(d.ask)],
                "person_id": people[q.person],
                "reason": q.reason.value,
                "suggested_by_id": people[q.suggested_by] if q.suggested_by else None,
                "state": q.state.value,
                "suggested_id": people[q.suggested] if q.suggested else None,
                "offer_id": offers[f"{d.ask}:{q.offer}"] if q.offer else None,
                "asked_at": q.asked_at,
                "answered_at": q.answered_at,
            }
            for d, routed_id in zip(docs, ids, strict=True)
            for q in d.requests
        ],
    )


def _check_settings(doc: dict[str, Any]) -> list[str]:
    teams = {t.slug for t in doc.get("teams", [])}
    named = [s.team for s in doc.get("routing_settings", [])]
    problems = [
        f"routing_settings.{i}: no team {t!r} in the document" for i, t in enumerate(named) if t not in teams
    ]
    if len(set(named)) != len(named):
        problems.append("routing_settings: a team appears more than once")
    return problems


def _check_routed(doc: dict[str, Any]) -> list[str]:
    emails = {p.email for p in doc.get("people", [])}
    teams = {t.slug for t in doc.get("teams", [])}
    offers_of = {a.ref: len(a.offers) for a in doc.get("asks", [])}
    problems: list[str] = []
    seen: set[int] = set()
    for i, r in enumerate(doc.get("routed_asks", [])):
        where = f"routed_asks.{i}"
        if r.ask not in offers_of:
            problems.append(f"{where}: no ask {r.ask} in the document")
            continue
        if r.ask in seen:
            problems.append(f"{where}: ask {r.ask} is routed twice")
        seen.add(r.ask)
        if r.team not in teams:
            problems.append(f"{where}: no team {r.team!r} in the document")
        named = [r.author] + [e for q in r.requests for e in (q.person, q.suggested_by, q.suggested) if e]
        problems += [f"{where}: no person {e!r} in the document" for e in named if e not in emails]
        problems += [
            f"{where}: ask {r.ask} has no offer {q.offer}"
            for q in r.requests
            if q.offer is not None and q.offer > offers_of[r.ask]
        ]
        asked = [q.person for q in r.requests]
        if len(set(asked)) != len(asked):
            problems.append(f"{where}: a person is asked twice")
    return problems


SECTIONS: list[Section] = [
    Section(
        "routing_settings",
        TypeAdapter(list[RoutingSettingsDoc]),
        _export_settings,
        _load_settings,
        _check_settings,
    ),
    Section("routed_asks", TypeAdapter(list[RoutedAskDoc]), _export_routed, _load_routed, _check_routed),
]
