"""Routing a confirmed stand-up need: who is asked, claim / can't / suggest, escalation to the lead."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.models import AskStatus, Offer, OfferStatus
from askwell.asks.schemas import AskFinish
from askwell.core.clock import FrozenClock
from askwell.core.errors import Conflict, NotFound
from askwell.core.jobs import Job
from askwell.ledger.models import EntryKind, LedgerEntry
from askwell.notifications.models import Notification, NotificationKind
from askwell.routing import service
from askwell.routing.errors import InvalidSuggestion, RouteNotFound
from askwell.routing.models import RouteReason, RouteRequest, RouteState
from askwell.routing.schemas import RouteCant, RouteClaim, RouteSuggest
from tests.conftest import World
from tests.routing.conftest import Crew, confirm, open_ask


def _routes(db: Session, ask_id: int) -> list[RouteRequest]:
    db.expire_all()
    return list(
        db.scalars(select(RouteRequest).where(RouteRequest.ask_id == ask_id).order_by(RouteRequest.id))
    )


def _notes(db: Session, person_id: int, kind: NotificationKind) -> list[Notification]:
    return list(
        db.scalars(
            select(Notification).where(Notification.person_id == person_id, Notification.kind == kind.value)
        )
    )


class TestRouting:
    def test_two_peers_are_asked_the_best_fit_first_never_the_author(
        self, db: Session, world: World, crew: Crew
    ) -> None:
        ask = open_ask(db, world, crew.author)
        confirm(db, world, crew, ask)
        routes = _routes(db, ask.id)
        asked = [r.person_id for r in routes]
        assert len(asked) == 2
        assert crew.author.id not in asked
        assert asked[0] == crew.kafka.id  # who-can-help puts the Kafka person first
        assert {r.reason for r in routes} == {RouteReason.PEER.value}
        # Each is told in the inbox (and an email job is queued, as for any notification).
        assert len(_notes(db, crew.kafka.id, NotificationKind.ROUTE_REQUESTED)) == 1
        assert db.scalars(select(Job).where(Job.kind == "notifications.email")).first() is not None

    def test_routing_twice_asks_nobody_new(self, db: Session, world: World, crew: Crew) -> None:
        ask = open_ask(db, world, crew.author)
        confirm(db, world, crew, ask)
        confirm(db, world, crew, ask)
        assert len(_routes(db, ask.id)) == 2

    def test_nobody_is_asked_twice_the_same_day(self, db: Session, world: World, crew: Crew) -> None:
        first = open_ask(db, world, crew.author)
        confirm(db, world, crew, first)
        second = open_ask(db, world, crew.author, title="Kafka retries again, other topic")
        confirm(db, world, crew, second, checkin_id=2)
        one = {r.person_id for r in _routes(db, first.id)}
        two = {r.person_id for r in _routes(db, second.id)}
        assert one.isdisjoint(two)

    def test_routed_peers_can_see_a_private_team_ask(self, db: Session, world: World, crew: Crew) -> None:
        ask = open_ask(db, world, crew.author)
        confirm(db, world, crew, ask)
        route = _routes(db, ask.id)[0]
        person = db.get(type(crew.kafka), route.person_id)
        assert person is not None
        assert [r.ask_title for r in service.my_requests(db, actor=world.actor(person))] == [ask.title]


class TestAnswers:
    def _routed(self, db: Session, world: World, crew: Crew) -> tuple[int, RouteRequest]:
        ask = open_ask(db, world, crew.author)
        confirm(db, world, crew, ask)
        return ask.id, _routes(db, ask.id)[0]

    def test_claim_makes_an_offer_that_flows_to_thanks_and_the_ledger(
        self, db: Session, world: World, crew: Crew
    ) -> None:
        ask_id, route = self._routed(db, world, crew)
        helper = crew.kafka if route.person_id == crew.kafka.id else crew.sql
        service.claim(
            db, actor=world.actor(helper), route_id=route.id, data=RouteClaim(message="On it."), now=world.now
        )
        db.commit()
        offer = db.scalars(select(Offer).where(Offer.ask_id == ask_id)).one()
        assert (offer.helper_id, offer.message, offer.status) == (
            helper.id,
            "On it.",
            OfferStatus.PROPOSED.value,
        )
        author = world.actor(crew.author)
        asks_service.accept_offer(db, actor=author, offer_id=offer.id, now=world.now)
        done = asks_service.finish_ask(
            db, actor=author, ask_id=ask_id, data=AskFinish(note="Thanks!"), now=world.now
        )
        db.commit()
        assert done.status == AskStatus.FULFILLED.value
        kinds = set(db.scalars(select(LedgerEntry.kind).where(LedgerEntry.ask_id == ask_id)))
        assert {EntryKind.OFFER_MADE.value, EntryKind.HELP_GIVEN.value, EntryKind.THANKS.value} <= kinds

    def test_a_second_claim_is_a_conflict(self, db: Session, world: World, crew: Crew) -> None:
        _, route = self._routed(db, world, crew)
        helper = world.actor(db.get(type(crew.kafka), route.person_id))  # type: ignore[arg-type]
        service.claim(db, actor=helper, route_id=route.id, data=RouteClaim(), now=world.now)
        db.commit()
        with pytest.raises(Conflict):
            service.claim(db, actor=helper, route_id=route.id, data=RouteClaim(), now=world.now)

    def test_someone_else_cannot_act_on_my_request(self, db: Session, world: World, crew: Crew) -> None:
        _, route = self._routed(db, world, crew)
        for stranger in (crew.author, crew.lead, crew.outsider):
            with pytest.raises(RouteNotFound):
                service.claim(
                    db, actor=world.actor(stranger), route_id=route.id, data=RouteClaim(), now=world.now
                )

    def test_cant_tells_the_author_and_asks_the_next_teammate(
        self, db: Session, world: World, crew: Crew
    ) -> None:
        ask_id, route = self._routed(db, world, crew)
        before = {r.person_id for r in _routes(db, ask_id)}
        person = db.get(type(crew.kafka), route.person_id)
        assert person is not None
        service.cant(db, actor=world.actor(person), route_id=route.id, data=RouteCant(), now=world.now)
        db.commit()
        routes = _routes(db, ask_id)
        assert routes[0].state == RouteState.CANT.value
        new = [r for r in routes if r.person_id not in before]
        assert len(new) == 1 and new[0].reason == RouteReason.NEXT.value
        assert new[0].person_id != crew.author.id
        assert len(_notes(db, crew.author.id, NotificationKind.ROUTE_DECLINED)) == 1

    def test_suggest_asks_the_named_person_with_who_named_them(
        self, db: Session, world: World, crew: Crew
    ) -> None:
        ask_id, route = self._routed(db, world, crew)
        asked = {r.person_id for r in _routes(db, ask_id)}
        target = next(p for p in (crew.linux, crew.lead, crew.sql) if p.id not in asked)
        person = db.get(type(crew.kafka), route.person_id)
        assert person is not None
        service.suggest(
            db,
            actor=world.actor(person),
            route_id=route.id,
            data=RouteSuggest(person_id=target.id),
            now=world.now,
        )
        db.commit()
        routes = {r.person_id: r for r in _routes(db, ask_id)}
        assert routes[person.id].state == RouteState.SUGGESTED.value
        assert routes[person.id].suggested_id == target.id
        assert routes[target.id].reason == RouteReason.SUGGESTED.value
        assert routes[target.id].suggested_by_id == person.id
        note = _notes(db, target.id, NotificationKind.ROUTE_REQUESTED)[0]
        assert note.actor_id == person.id

    def test_suggesting_the_author_or_an_outsider_is_refused(
        self, db: Session, world: World, crew: Crew
    ) -> None:
        _, route = self._routed(db, world, crew)
        person = world.actor(db.get(type(crew.kafka), route.person_id))  # type: ignore[arg-type]
        for bad in (crew.author.id, crew.outsider.id, route.person_id):
            with pytest.raises(InvalidSuggestion):
                service.suggest(
                    db, actor=person, route_id=route.id, data=RouteSuggest(person_id=bad), now=world.now
                )

    def test_answering_about_a_closed_ask_is_a_conflict(self, db: Session, world: World, crew: Crew) -> None:
        ask_id, route = self._routed(db, world, crew)
        asks_service.withdraw_ask(db, actor=world.actor(crew.author), ask_id=ask_id, now=world.now)
        db.commit()
        person = world.actor(db.get(type(crew.kafka), route.person_id))  # type: ignore[arg-type]
        with pytest.raises(Conflict):
            service.claim(db, actor=person, route_id=route.id, data=RouteClaim(), now=world.now)


class TestEscalation:
    def test_unclaimed_after_four_working_hours_the_lead_is_asked_once(
        self, db: Session, world: World, crew: Crew, clock: FrozenClock
    ) -> None:
        ask = open_ask(db, world, crew.author)
        confirm(db, world, crew, ask)
        # NOW is Monday 09:30 UTC (the author is on UTC): the lead is asked at 13:30, not before.
        assert service.escalate_due(db, now=world.now + timedelta(hours=3, minutes=59)) == 0
        assert service.escalate_due(db, now=world.now + timedelta(hours=4)) == 1
        assert service.escalate_due(db, now=world.now + timedelta(hours=5)) == 0
        db.commit()
        leads = [r for r in _routes(db, ask.id) if r.reason == RouteReason.LEAD.value]
        assert [r.person_id for r in leads] == [crew.lead.id]  # the lead has no Kafka: not a peer

    def test_a_claimed_ask_is_not_escalated(self, db: Session, world: World, crew: Crew) -> None:
        ask = open_ask(db, world, crew.author)
        confirm(db, world, crew, ask)
        route = _routes(db, ask.id)[0]
        person = world.actor(db.get(type(crew.kafka), route.person_id))  # type: ignore[arg-type]
        service.claim(db, actor=person, route_id=route.id, data=RouteClaim(), now=world.now)
        db.commit()
        assert service.escalate_due(db, now=world.now + timedelta(days=2)) == 0
        assert not [r for r in _routes(db, ask.id) if r.reason == RouteReason.LEAD.value]


class TestIsolation:
    def test_another_organization_sees_nothing(self, db: Session, world: World, crew: Crew) -> None:
        ask = open_ask(db, world, crew.author)
        confirm(db, world, crew, ask)
        outsider = world.actor(crew.outsider)
        assert service.my_requests(db, actor=outsider) == []
        route = _routes(db, ask.id)[0]
        with pytest.raises(NotFound):
            service.my_request(db, actor=outsider, route_id=route.id)
