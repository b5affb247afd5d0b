"""Use cases of routing: route a confirmed help need to peers, answer (claim, can't, suggest), escalate.

A claim is an offer made through the asks flow (``asks.service.offer_help``), so accepting, marking
done, thanks and the ledger follow as for any offer. "Suggest someone" asks the named person directly
with a route request of their own (not a two-step introduction through ``network``): the person asked
already vouches for the suggestion, the introduction flow needs ties that routing cannot promise
(it refuses an asker with no tie to the connector), and the suggested person then has the same
Claim / Can't / Suggest choice as everyone else. See docs/routing-and-huddles.md.

Services flush and never commit.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.models import Ask, AudienceReason, OfferKind
from askwell.asks.rules import accepts_offers
from askwell.asks.schemas import OfferCreate
from askwell.core.edges import Encode
from askwell.core.errors import AskwellError
from askwell.core.events import HelpNeededConfirmed, RouteDeclined, RouteRequested, emit
from askwell.core.localtime import zone
from askwell.matching import service as matching
from askwell.people import repository as people_repo
from askwell.people.models import Person
from askwell.people.policy import Actor, can_manage_team
from askwell.routing import repository, rules
from askwell.routing.errors import AskNoLongerOpen, InvalidSuggestion, NotTeamLead, RouteAlreadyAnswered
from askwell.routing.models import RoutedAsk, RouteReason, RouteRequest, RouteState, RoutingSettings
from askwell.routing.schemas import (
    RouteCant,
    RouteClaim,
    RouteRead,
    RouteSuggest,
    RoutingSettingsRead,
    RoutingSettingsUpdate,
)

log = logging.getLogger(__name__)

#: How far back a person's route requests count for load and fairness (today and yesterday, any zone).
FAIRNESS_LOOKBACK = timedelta(days=3)
#: The offer a claim makes when the claimer writes nothing.
DEFAULT_CLAIM = "I can help with this: I'll get in touch."


def team_settings(db: Session, *, org_id: int, team_id: int) -> RoutingSettingsRead:
    row = repository.settings_row(db, org_id=org_id, team_id=team_id)
    if row is None:
        return RoutingSettingsRead(
            team_id=team_id, escalate_after_hours=rules.DEFAULT_ESCALATE_HOURS, peers_per_ask=rules.MIN_PEERS
        )
    return RoutingSettingsRead(
        team_id=team_id, escalate_after_hours=row.escalate_after_hours, peers_per_ask=row.peers_per_ask
    )


def settings_for(db: Session, *, actor: Actor, team_id: int) -> RoutingSettingsRead:
    """A team's routing settings, for anyone in its organization (404 for another organization's team)."""
    team = people_repo.get_team(db, actor=actor, team_id=team_id)
    return team_settings(db, org_id=actor.org_id, team_id=team.id)


def update_settings(
    db: Session, *, actor: Actor, team_id: int, data: RoutingSettingsUpdate, now: datetime
) -> RoutingSettingsRead:
    team = people_repo.get_team(db, actor=actor, team_id=team_id)
    if not can_manage_team(actor, team_id=team.id):
        raise NotTeamLead()
    row = repository.settings_row(db, org_id=actor.org_id, team_id=team.id)
    if row is None:
        row = RoutingSettings(org_id=actor.org_id, team_id=team.id, updated_at=now)
        db.add(row)
    row.escalate_after_hours = data.escalate_after_hours
    row.peers_per_ask = rules.peers_count(data.peers_per_ask)
    row.updated_at = now
    db.flush()
    return team_settings(db, org_id=actor.org_id, team_id=team.id)


# --- routing ----------------------------------------------------------------------------------------


def _scores(
    db: Session, *, author: Person, ask: Ask, now: datetime, encode: Encode | None
) -> dict[int, float]:
    """Who-can-help scores for the ask, from matching; none (everyone 0) when matching cannot answer,
    so that a routing never fails the confirmation it follows.

    ``persist=False``: this runs inside the confirmation's write transaction, so it must not refresh
    stale profiles or store vectors there (the embedding job does that with no transaction open); the
    ask's own vector is embedded in memory when the job has not stored it yet.
    """
    if encode is None:
        return {}
    try:
        found = matching.suggest(
            db,
            actor=people_repo.actor_for(db, author),
            ask_id=ask.id,
            now=now,
            encode=encode,
            limit=20,
            persist=False,
        )
    except AskwellError as exc:
        log.warning("routing ask %s without who-can-help scores: %s", ask.id, exc.message)
        return {}
    return {s.person.id: s.score for s in found.suggestions}


def _candidates(
    db: Session, *, org_id: int, people: list[Person], scores: dict[int, float], now: datetime
) -> list[rules.Candidate]:
    recent = repository.recent_requests(
        db, org_id=org_id, person_ids=[p.id for p in people], since=now - FAIRNESS_LOOKBACK
    )
    return [
        rules.Candidate(
            person_id=p.id,
            tz=zone(p.timezone),
            hours=p.working_hours,
            score=scores.get(p.id, 0.0),
            active=p.is_active and (p.away_until is None or p.away_until < now.date()),
            recent=recent.get(p.id, ()),
        )
        for p in people
    ]


def _ask_people(
    db: Session,
    *,
    routed: RoutedAsk,
    ask: Ask,
    person_ids: list[int],
    reason: RouteReason,
    now: datetime,
    suggested_by_id: int | None = None,
) -> list[RouteRequest]:
    """Route requests for these people: they may see the ask (shared quietly) and are told once."""
    if not person_ids:
        return []
    asks_service.share_quietly(db, ask=ask, person_ids=person_ids, reason=AudienceReason.ROUTED)
    made = []
    for person_id in person_ids:
        route = RouteRequest(
            org_id=routed.org_id,
            routed_id=routed.id,
            ask_id=ask.id,
            person_id=person_id,
            reason=reason.value,
            suggested_by_id=suggested_by_id,
            asked_at=now,
        )
        db.add(route)
        made.append(route)
    db.flush()
    for route in made:
        emit(
            db,
            RouteRequested(
                org_id=routed.org_id,
                at=now,
                route_id=route.id,
                ask_id=ask.id,
                author_id=ask.author_id,
                person_id=route.person_id,
                suggested_by_id=suggested_by_id,
                lead=reason == RouteReason.LEAD,
            ),
        )
    return made


def route_help_needed(
    db: Session, *, event: HelpNeededConfirmed, encode: Encode | None
) -> list[RouteRequest]:
    """Ask two or three peers about a confirmed help need (the in-transaction subscriber's work).

    Candidates are the team's active members and the people matching ranks for the ask; the pure rule
    picks among them. Routing an ask twice does nothing the second time.
    """
    now = event.at
    ask = repository.ask_in_org(db, org_id=event.org_id, ask_id=event.ask_id)
    author = people_repo.person_in_org(db, org_id=event.org_id, person_id=event.author_id)
    if ask is None or author is None or not accepts_offers(ask.status):
        return []
    if repository.routed_ask(db, org_id=event.org_id, ask_id=ask.id) is not None:
        return []
    settings = team_settings(db, org_id=event.org_id, team_id=event.team_id)
    tz = zone(author.timezone)
    routed = RoutedAsk(
        org_id=event.org_id,
        ask_id=ask.id,
        author_id=author.id,
        team_id=event.team_id,
        checkin_id=event.checkin_id,
        routed_at=now,
        escalate_at=rules.escalate_at(
            now, hours=settings.escalate_after_hours, tz=tz, working=author.working_hours
        ),
    )
    db.add(routed)
    db.flush()
    scores = _scores(db, author=author, ask=ask, now=now, encode=encode)
    team = repository.team_people(db, org_id=event.org_id, team_id=event.team_id)
    others = repository.active_people(db, org_id=event.org_id, person_ids=set(scores) - {p.id for p in team})
    candidates = _candidates(db, org_id=event.org_id, people=team + others, scores=scores, now=now)
    chosen = rules.choose_peers(
        candidates,
        author_id=author.id,
        author_tz=tz,
        now=now,
        count=rules.peers_count(settings.peers_per_ask),
        author_hours=author.working_hours,
    )
    return _ask_people(
        db, routed=routed, ask=ask, person_ids=[c.person_id for c in chosen], reason=RouteReason.PEER, now=now
    )


# --- answers ----------------------------------------------------------------------------------------


def _open_route(db: Session, *, actor: Actor, route_id: int) -> tuple[RouteRequest, Ask, RoutedAsk]:
    line = repository.my_route(db, actor=actor, route_id=route_id)
    route = line.route
    if route.state != RouteState.ASKED.value:
        raise RouteAlreadyAnswered(route.state)
    ask = repository.ask_in_org(db, org_id=actor.org_id, ask_id=route.ask_id)
    routed = repository.routed_by_id(db, org_id=actor.org_id, routed_id=route.routed_id)
    if ask is None or routed is None or not accepts_offers(ask.status):
        raise AskNoLongerOpen()
    return route, ask, routed


def _answer(db: Session, route: RouteRequest, state: RouteState, now: datetime, **extra: int | None) -> None:
    if not repository.answer(db, route=route, state=state, now=now, suggested_id=extra.get("suggested_id")):
        db.refresh(route)
        raise RouteAlreadyAnswered(route.state)


def claim(db: Session, *, actor: Actor, route_id: int, data: RouteClaim, now: datetime) -> RouteRequest:
    """ "I'll take it": an offer on the ask through the asks flow (the author accepts it as any offer)."""
    route, ask, _routed = _open_route(db, actor=actor, route_id=route_id)
    _answer(db, route, RouteState.CLAIMED, now)
    offer = asks_service.offer_help(
        db,
        actor=actor,
        ask_id=ask.id,
        data=OfferCreate(kind=OfferKind.DO, message=data.message.strip() or DEFAULT_CLAIM),
        now=now,
    )
    repository.set_offer(db, route=route, offer_id=offer.id)
    return route


def _next_candidates(db: Session, *, routed: RoutedAsk, ask: Ask, count: int, now: datetime) -> list[int]:
    author = people_repo.person_in_org(db, org_id=routed.org_id, person_id=ask.author_id)
    if author is None:
        return []
    team = repository.team_people(db, org_id=routed.org_id, team_id=routed.team_id)
    candidates = _candidates(db, org_id=routed.org_id, people=team, scores={}, now=now)
    chosen = rules.choose_peers(
        candidates,
        author_id=author.id,
        author_tz=zone(author.timezone),
        author_hours=author.working_hours,
        now=now,
        count=count,
        exclude=frozenset(repository.asked_ids(db, org_id=routed.org_id, ask_id=ask.id)),
    )
    return [c.person_id for c in chosen]


def cant(db: Session, *, actor: Actor, route_id: int, data: RouteCant, now: datetime) -> RouteRequest:
    """ "I can't": no blame, the author is told, and (by default) one more teammate is asked instead."""
    route, ask, routed = _open_route(db, actor=actor, route_id=route_id)
    _answer(db, route, RouteState.CANT, now)
    emit(
        db,
        RouteDeclined(
            org_id=actor.org_id,
            at=now,
            route_id=route.id,
            ask_id=ask.id,
            author_id=ask.author_id,
            person_id=actor.person_id,
        ),
    )
    if data.ask_next:
        nxt = _next_candidates(db, routed=routed, ask=ask, count=1, now=now)
        _ask_people(db, routed=routed, ask=ask, person_ids=nxt, reason=RouteReason.NEXT, now=now)
    return route


def suggest(db: Session, *, actor: Actor, route_id: int, data: RouteSuggest, now: datetime) -> RouteRequest:
    """ "Ask X instead": X gets a route request of their own, naming who suggested them."""
    route, ask, routed = _open_route(db, actor=actor, route_id=route_id)
    if data.person_id in (actor.person_id, ask.author_id):
        raise InvalidSuggestion("Suggest someone other than yourself or the person asking.")
    person = people_repo.person_in_org(db, org_id=actor.org_id, person_id=data.person_id)
    if person is None:
        raise InvalidSuggestion("Nobody by that id in your organization.")
    if person.id in repository.asked_ids(db, org_id=actor.org_id, ask_id=ask.id):
        raise InvalidSuggestion(f"{person.name} has already been asked about this.")
    _answer(db, route, RouteState.SUGGESTED, now, suggested_id=person.id)
    _ask_people(
        db,
        routed=routed,
        ask=ask,
        person_ids=[person.id],
        reason=RouteReason.SUGGESTED,
        now=now,
        suggested_by_id=actor.person_id,
    )
    return route


# --- escalation -------------------------------------------------------------------------------------


def escalate_due(db: Session, *, now: datetime) -> int:
    """Asks nobody claimed within the team's working hours go to the team's leads, once. Returns asks escalated."""
    done = 0
    for routed in repository.due_escalations(db, now=now):
        if not repository.claim_escalation(db, routed=routed, now=now):
            continue
        ask = repository.ask_in_org(db, org_id=routed.org_id, ask_id=routed.ask_id)
        if ask is None or not accepts_offers(ask.status) or repository.claimed_count(db, routed=routed):
            continue
        asked = repository.asked_ids(db, org_id=routed.org_id, ask_id=ask.id)
        leads = [
            p.id
            for p in repository.team_people(db, org_id=routed.org_id, team_id=routed.team_id, leads_only=True)
            if p.id != ask.author_id and p.id not in asked
        ]
        if _ask_people(db, routed=routed, ask=ask, person_ids=leads, reason=RouteReason.LEAD, now=now):
            done += 1
    return done


# --- reading ----------------------------------------------------------------------------------------


def route_read(line: repository.RouteLine) -> RouteRead:
    r = line.route
    return RouteRead(
        id=r.id,
        ask_id=r.ask_id,
        ask_title=line.ask_title,
        author_id=line.author_id,
        author_name=line.author_name,
        reason=r.reason,
        state=r.state,
        suggested_id=r.suggested_id,
        offer_id=r.offer_id,
        asked_at=r.asked_at,
        answered_at=r.answered_at,
    )


def my_requests(db: Session, *, actor: Actor) -> list[RouteRead]:
    return [route_read(line) for line in repository.my_routes(db, actor=actor)]


def teammates(db: Session, *, actor: Actor) -> list[Person]:
    """Whom the page offers to suggest: the actor's teammates (a short list on a phone; the API takes
    anyone in the organization by id)."""
    found: dict[int, Person] = {}
    for team_id in sorted(actor.teams):
        for person in repository.team_people(db, org_id=actor.org_id, team_id=team_id):
            if person.id != actor.person_id:
                found[person.id] = person
    return sorted(found.values(), key=lambda p: (p.sort_name, p.id))


def my_request(db: Session, *, actor: Actor, route_id: int) -> RouteRead:
    return route_read(repository.my_route(db, actor=actor, route_id=route_id))
