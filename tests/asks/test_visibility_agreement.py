"""The SQL visibility (repository.visible_asks) and the pure rule (rules.can_view) agree on every case."""

from collections.abc import Callable
from itertools import product

from sqlalchemy.orm import Session

from askwell.asks import repository, service
from askwell.asks.models import Ask, AskStatus, OfferKind, Visibility
from askwell.asks.rules import AskAccess, can_view
from askwell.asks.schemas import OfferCreate
from tests.conftest import World


def test_sql_and_rule_agree(db: Session, world: World, new_ask: Callable[..., Ask]) -> None:
    org = world.org()
    team = world.team(org, "Data")
    author = world.person(org, teams=["Data"])
    teammate = world.person(org, teams=["Data"])
    named = world.person(org)
    helper = world.person(org)
    stranger = world.person(org)
    viewers = [author, teammate, named, helper, stranger]
    asks = []
    for visibility, publish in product(list(Visibility), [True, False]):
        kw: dict[str, object] = {"visibility": visibility, "publish": publish}
        if visibility == Visibility.TEAM:
            kw["team_id"] = team.id
        if visibility == Visibility.PEOPLE:
            kw["audience"] = [named.id]
        ask = new_ask(author, **kw)
        if publish and visibility == Visibility.ORG:
            offer = OfferCreate(kind=OfferKind.ADVISE, message="happy to help")
            service.offer_help(db, actor=world.actor(helper), ask_id=ask.id, data=offer, now=world.now)
        asks.append(repository.get_ask(db, actor=world.actor(author), ask_id=ask.id))
    checked = 0
    for ask, viewer in product(asks, viewers):
        actor = world.actor(viewer)
        in_sql = db.scalar(repository.visible_asks(actor).where(Ask.id == ask.id)) is not None
        access = AskAccess(
            author_id=ask.author_id,
            status=ask.status,
            visibility=ask.visibility,
            team_id=ask.team_id,
            audience=frozenset(a.person_id for a in ask.audience),
            helpers=frozenset(o.helper_id for o in ask.offers),
        )
        assert in_sql == can_view(access, viewer_id=viewer.id, viewer_teams=actor.teams), (
            ask.visibility,
            ask.status,
            viewer.id,
        )
        checked += 1
    assert checked == len(asks) * len(viewers)
    assert any(a.status == AskStatus.DRAFT for a in asks)
