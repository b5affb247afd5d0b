"""Dormant ties, reconnecting, my network and organization health."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.core.errors import NotFound, PermissionDenied
from askwell.network import dormant, overview, repository, service
from askwell.network.schemas import ReconnectRequest
from askwell.people.models import Role
from tests.conftest import World
from tests.network.conftest import Tied


class TestDormantTies:
    def test_ranked_by_relevance_and_novelty_not_only_past_closeness(
        self, db: Session, world: World, tie: Tied, ask_for: Callable[..., Ask]
    ) -> None:
        org = world.org()
        me = world.person(org, "Mia Me")
        friend = world.person(org, "Old Friend", skills=["Cooking"])
        expert = world.person(org, "Kim Kubernetes", skills=["Kubernetes"])
        current = world.person(org, "Cora Current", skills=["Terraform"])
        tie(me, friend, days_ago=500, times=10)
        tie(me, expert, days_ago=420, times=2)
        tie(me, current, days_ago=2, times=3)
        ask_for(me, "Help me size our Kubernetes cluster", tags=["kubernetes"])
        found = dormant.dormant_ties(db, actor=world.actor(me), now=world.now)
        assert [d.person.id for d in found] == [expert.id, friend.id]
        assert found[0].novelty == 1.0 and found[0].ask_title == "Help me size our Kubernetes cluster"
        assert "remembered you know Kubernetes" in found[0].suggested_message
        assert found[1].score == 0.0 and found[1].ask_id is None

    def test_without_open_asks_novelty_ranks(self, db: Session, world: World, tie: Tied) -> None:
        org = world.org()
        me = world.person(org)
        current = world.person(org, skills=["Kafka"])
        same = world.person(org, "Same Skills", skills=["Kafka"])
        different = world.person(org, "Different Skills", skills=["Design"])
        tie(me, current, days_ago=1)
        tie(me, same, days_ago=400, times=8)
        tie(me, different, days_ago=400, times=2)
        found = dormant.dormant_ties(db, actor=world.actor(me), now=world.now)
        assert [d.person.id for d in found] == [different.id, same.id]

    def test_novel_knowledge_ranks_first(
        self, db: Session, world: World, tie: Tied, ask_for: Callable[..., Ask]
    ) -> None:
        org = world.org()
        me = world.person(org)
        circle_friend = world.person(org, skills=["Kafka"])
        known = world.person(org, "Known Kafka", skills=["Kafka"])
        novel = world.person(org, "Novel Flink", skills=["Flink"])
        tie(me, circle_friend, days_ago=1)
        tie(me, known, days_ago=400)
        tie(me, novel, days_ago=400)
        ask_for(me, "Streaming pipeline advice", tags=["Kafka", "Flink"])
        found = dormant.dormant_ties(db, actor=world.actor(me), now=world.now)
        assert [d.person.id for d in found] == [novel.id, known.id]
        assert found[0].novel_topics == ["Flink"]  # their skill as they wrote it, never a stem

    def test_the_message_names_only_their_own_terms_found_in_the_ask(
        self, db: Session, world: World, tie: Tied, ask_for: Callable[..., Ask]
    ) -> None:
        """Once read "…remembered you know happy…": a word shared by the ask and their free text."""
        org = world.org()
        me = world.person(org, "Mia Me")
        old = world.person(org, "Olga Old", skills=["Budgeting"])
        old.can_help_with = "Happy to review your plans any time."
        db.commit()
        tie(me, old, days_ago=420, times=3)
        ask_for(me, "Happy to get a second review of the budgeting plan", tags=["Finance"])
        [found] = dormant.dormant_ties(db, actor=world.actor(me), now=world.now)
        assert found.ask_id is not None
        assert "and remembered you know Budgeting. Would" in found.suggested_message

    def test_without_a_shared_term_the_message_names_no_topic(self) -> None:
        message = dormant.suggested_message(
            me="Mia Me", them="Olga Old", ask_title="Size our cluster", topics_=(), since=datetime(2024, 5, 1)
        )
        assert "I'm working on “Size our cluster” and thought of you." in message
        assert "you know" not in message

    def test_threshold_is_configurable_and_weak_faded_ties_are_not_dormant(
        self, db: Session, world: World, tie: Tied
    ) -> None:
        org = world.org()
        me, six_months, faint = world.person(org), world.person(org), world.person(org)
        tie(me, six_months, days_ago=200)
        tie(me, faint, days_ago=400, times=1, origin="same_team")
        assert dormant.dormant_ties(db, actor=world.actor(me), now=world.now) == []
        found = dormant.dormant_ties(db, actor=world.actor(me), now=world.now, dormant_days=180)
        assert [d.person.id for d in found] == [six_months.id]

    def test_private_to_the_person(self, db: Session, world: World, tie: Tied) -> None:
        org = world.org()
        me, old = world.person(org), world.person(org)
        admin = world.person(org, role=Role.ADMIN)
        tie(me, old, days_ago=400)
        assert dormant.dormant_ties(db, actor=world.actor(admin), now=world.now) == []


class TestReconnect:
    def test_message_wakes_the_tie_and_reaches_them(self, db: Session, world: World, tie: Tied) -> None:
        org = world.org()
        me, old = world.person(org, "Mia Me"), world.person(org, "Omar Old")
        tie(me, old, days_ago=400)
        dormant.reconnect(db, actor=world.actor(me), person_id=old.id, data=ReconnectRequest(), now=world.now)
        db.commit()
        assert dormant.dormant_ties(db, actor=world.actor(me), now=world.now) == []
        assert service.my_ties(db, actor=world.actor(me), now=world.now)[0].origins[-1] == "message"

    def test_without_a_tie(self, db: Session, world: World) -> None:
        org = world.org()
        me, stranger = world.person(org), world.person(org)
        with pytest.raises(NotFound):
            dormant.reconnect(
                db, actor=world.actor(me), person_id=stranger.id, data=ReconnectRequest(), now=world.now
            )


class TestNetworkView:
    def test_inner_circle_two_steps_and_dormant(self, db: Session, world: World, tie: Tied) -> None:
        org = world.org()
        me, friend, friend_of_friend, old = (world.person(org) for _ in range(4))
        tie(me, friend)
        tie(friend, friend_of_friend)
        tie(me, old, days_ago=400)
        view = overview.my_network(db, actor=world.actor(me), now=world.now)
        assert [t.person.id for t in view.inner] == [friend.id]
        assert [t.person.id for t in view.dormant] == [old.id]
        assert [(via.id, count) for via, count in view.reach] == [(friend.id, 1)]
        assert view.two_step_total == 1
        assert [n.person_id for n in view.picture.nodes if n.ring == "two_step"] == [friend_of_friend.id]
        assert {n.ring for n in view.picture.nodes} == {"inner", "two_step", "dormant"}


class TestHealth:
    def _org(self, world: World, tie: Tied, *, analytics: bool = True, size: int = 6) -> tuple:
        org = world.org()
        org.individual_analytics = analytics
        world.team(org, "Red")
        world.team(org, "Blue")
        reds = [world.person(org, f"Red {i}", teams=["Red"]) for i in range(size // 2)]
        blues = [world.person(org, f"Blue {i}", teams=["Blue"]) for i in range(size - size // 2)]
        tie(reds[0], reds[1])
        tie(blues[0], blues[1])
        tie(reds[0], blues[0])
        tie(reds[0], blues[1])
        return org, reds, blues

    def test_admin_sees_cross_team_share_isolated_and_bridges(
        self, db: Session, world: World, tie: Tied
    ) -> None:
        org, _, _ = self._org(world, tie)
        admin = world.person(org, role=Role.ADMIN)
        health = overview.network_health(db, actor=world.actor(admin), now=world.now)
        assert health.ties == 4
        assert health.cross_team_share == 0.5
        assert health.isolated == 3  # reds[2], blues[2] and the admin
        assert [b.person.id for b in health.bridges] == []  # reaching one other team is not bridging
        assert health.people == 7

    def test_names_hidden_when_individual_analytics_are_off(
        self, db: Session, world: World, tie: Tied
    ) -> None:
        org, reds, _ = self._org(world, tie, analytics=False)
        world.team(org, "Green")
        green = world.person(org, "Green 0", teams=["Green"])
        tie(reds[0], green)
        admin = world.person(org, role=Role.ADMIN)
        health = overview.network_health(db, actor=world.actor(admin), now=world.now)
        assert health.bridges_count == 1 and health.bridges == []

    def test_members_and_small_groups_are_refused(self, db: Session, world: World, tie: Tied) -> None:
        org, reds, _ = self._org(world, tie)
        with pytest.raises(PermissionDenied):
            overview.network_health(db, actor=world.actor(reds[0]), now=world.now)
        lead = world.person(org, "Lead", lead_of=["Red"], teams=["Red"])
        with pytest.raises(PermissionDenied):
            overview.network_health(db, actor=world.actor(lead), now=world.now)  # Red has 4 people
        world.person(org, "Red 9", teams=["Red"])
        assert overview.network_health(db, actor=world.actor(lead), now=world.now).people == 5


def test_graph_cache_sees_new_ties(db: Session, world: World, tie: Tied) -> None:
    org = world.org()
    a, b, c = world.person(org), world.person(org), world.person(org)
    tie(a, b)
    from askwell.network import index

    assert index.org_graph(db, org_id=org.id).past.n_ties == 1
    tie(b, c)
    assert index.org_graph(db, org_id=org.id).past.n_ties == 2
    assert repository.tie_between(db, org_id=org.id, a=c.id, b=b.id) is not None
