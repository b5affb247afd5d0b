"""How routing reads in the inbox: by kind and ids, worded at read time, leading to "Asked of me"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.http.links import path_for
from askwell.notifications import inbox
from askwell.notifications.models import Notification, NotificationKind
from askwell.people.models import Person
from askwell.routing import service
from askwell.routing.models import RouteRequest
from askwell.routing.schemas import RouteCant, RouteSuggest
from tests.conftest import World
from tests.routing.conftest import Crew, confirm, open_ask


def _items(db: Session, world: World, person: Person, kind: NotificationKind) -> list[inbox.InboxItem]:
    rows = list(
        db.scalars(
            select(Notification).where(Notification.person_id == person.id, Notification.kind == kind.value)
        )
    )
    return inbox.render(db, actor=world.actor(person), rows=rows)


def test_a_peer_reads_who_needs_what_and_is_led_to_asked_of_me(db: Session, world: World, crew: Crew) -> None:
    ask = open_ask(db, world, crew.author)
    confirm(db, world, crew, ask)
    route = db.scalars(
        select(RouteRequest).where(RouteRequest.ask_id == ask.id).order_by(RouteRequest.id)
    ).first()
    assert route is not None
    peer = db.get(Person, route.person_id)
    assert peer is not None
    (item,) = _items(db, world, peer, NotificationKind.ROUTE_REQUESTED)
    assert item.text == f"Ada Author needs help with “{ask.title}”: can you take it?"
    assert path_for(item.target) == "/routing"

    others = {r.person_id for r in db.scalars(select(RouteRequest).where(RouteRequest.ask_id == ask.id))}
    named = next(p for p in (crew.linux, crew.lead, crew.sql) if p.id not in others)
    service.suggest(
        db, actor=world.actor(peer), route_id=route.id, data=RouteSuggest(person_id=named.id), now=world.now
    )
    db.commit()
    (suggested,) = _items(db, world, named, NotificationKind.ROUTE_REQUESTED)
    assert suggested.text.startswith(f"{peer.name} thinks you could help Ada Author with")


def test_the_author_hears_a_cant_without_blame(db: Session, world: World, crew: Crew) -> None:
    ask = open_ask(db, world, crew.author)
    confirm(db, world, crew, ask)
    route = db.scalars(select(RouteRequest).where(RouteRequest.ask_id == ask.id)).first()
    assert route is not None
    peer = db.get(Person, route.person_id)
    assert peer is not None
    service.cant(
        db, actor=world.actor(peer), route_id=route.id, data=RouteCant(ask_next=False), now=world.now
    )
    db.commit()
    (item,) = _items(db, world, crew.author, NotificationKind.ROUTE_DECLINED)
    assert item.text == f"{peer.name} cannot help with “{ask.title}” this time"
    assert path_for(item.target) == f"/asks/{ask.id}"
