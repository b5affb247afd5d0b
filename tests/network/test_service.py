"""Ties and two-step introductions, as people use them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks.models import Ask
from askwell.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from askwell.ledger.models import LedgerEntry
from askwell.network import intros, repository, service
from askwell.network.errors import InvalidIntroParty
from askwell.network.models import Introduction, IntroStatus
from askwell.network.schemas import (
    ConnectorAnswer,
    IntroRequest,
    IntroRole,
    TargetAnswer,
    TieCreate,
)
from askwell.notifications.models import Notification
from askwell.people.models import Person
from tests.conftest import World
from tests.network.conftest import Circle, Tied


def _notes(db: Session, person: Person) -> list[str]:
    return list(db.scalars(select(Notification.kind).where(Notification.person_id == person.id)))


class TestAddTie:
    def test_valid_with_strength_and_date(self, db: Session, world: World) -> None:
        org = world.org()
        me, other = world.person(org), world.person(org)
        data = TieCreate(person_id=other.id, strength=0.6, last_interaction=date(2025, 12, 1))
        service.add_tie(db, actor=world.actor(me), data=data, now=world.now)
        [read] = service.my_ties(db, actor=world.actor(me), now=world.now)
        assert read.person.id == other.id
        assert read.past_strength == pytest.approx(0.6, abs=1e-3)
        assert read.strength < 0.6  # three months of silence since December
        assert read.origins == ["imported"]

    def test_to_oneself(self, db: Session, world: World) -> None:
        org = world.org()
        me = world.person(org)
        with pytest.raises(InvalidInput):
            service.add_tie(db, actor=world.actor(me), data=TieCreate(person_id=me.id), now=world.now)

    def test_other_organization_is_not_found(self, db: Session, world: World) -> None:
        me = world.person(world.org())
        stranger = world.person(world.org("Globex"))
        with pytest.raises(NotFound):
            service.add_tie(db, actor=world.actor(me), data=TieCreate(person_id=stranger.id), now=world.now)

    def test_duplicate(self, db: Session, world: World) -> None:
        org = world.org()
        me, other = world.person(org), world.person(org)
        service.add_tie(db, actor=world.actor(other), data=TieCreate(person_id=me.id), now=world.now)
        with pytest.raises(Conflict):
            service.add_tie(db, actor=world.actor(me), data=TieCreate(person_id=other.id), now=world.now)

    def test_future_date(self, db: Session, world: World) -> None:
        org = world.org()
        me, other = world.person(org), world.person(org)
        data = TieCreate(person_id=other.id, last_interaction=world.now.date() + timedelta(days=2))
        with pytest.raises(InvalidInput):
            service.add_tie(db, actor=world.actor(me), data=data, now=world.now)


class TestInteractions:
    def test_help_strengthens_more_than_sharing_a_team(self, db: Session, world: World, tie: Tied) -> None:
        org = world.org()
        me, helper, teammate = world.person(org), world.person(org), world.person(org)
        tie(me, helper, times=1, origin="help_given")
        tie(me, teammate, times=1, origin="same_team")
        strengths = {
            t.person.id: t.strength for t in service.my_ties(db, actor=world.actor(me), now=world.now)
        }
        assert strengths[helper.id] > strengths[teammate.id] > 0

    def test_order_of_arrival_does_not_matter(self, db: Session, world: World) -> None:
        org = world.org()
        a, b, c, d = (world.person(org) for _ in range(4))
        old, new = world.now - timedelta(days=100), world.now
        events = [service.Interaction(a.id, b.id, t, "thanks") for t in (old, new)]
        service.record_interactions(db, org_id=org.id, events=events, now=world.now)
        events = [service.Interaction(c.id, d.id, t, "thanks") for t in (new, old)]
        service.record_interactions(db, org_id=org.id, events=events, now=world.now)
        first = repository.tie_between(db, org_id=org.id, a=a.id, b=b.id)
        second = repository.tie_between(db, org_id=org.id, a=c.id, b=d.id)
        assert first is not None and second is not None
        assert first.mass == pytest.approx(second.mass)
        assert first.last_at == second.last_at == new
        assert first.interactions == second.interactions == 2

    def test_team_ties_are_given_once(self, db: Session, world: World) -> None:
        org = world.org()
        world.team(org, "Platform")
        a = world.person(org, teams=["Platform"])
        b = world.person(org, teams=["Platform"])
        assert service.sync_team_ties(db, org_id=org.id, now=world.now) == 1
        assert service.sync_team_ties(db, org_id=org.id, now=world.now) == 0
        tie = repository.tie_between(db, org_id=org.id, a=a.id, b=b.id)
        assert tie is not None and tie.origins == ["same_team"] and tie.interactions == 1


class TestConnectors:
    def test_finds_the_connector_to_the_person_who_fits(
        self, db: Session, world: World, circle: Circle
    ) -> None:
        routes = intros.find_connectors(
            db, actor=world.actor(circle.ana), now=circle.now, query="someone who knows SOC 2 audits"
        )
        assert [(r.connector.id, r.target.id) for r in routes] == [(circle.carl.id, circle.tess.id)]
        # The target's own skill as written, never a stem ("audit") of it.
        assert routes[0].matched == ("SOC 2 audits",)

    def test_fit_from_matching_replaces_the_default(self, db: Session, world: World, circle: Circle) -> None:
        routes = intros.find_connectors(
            db,
            actor=world.actor(circle.ana),
            now=circle.now,
            query="SOC 2",
            targets={circle.dan.id: 0.9, circle.tess.id: 0.1},
        )
        assert routes[0].target.id == circle.dan.id

    def test_people_who_opted_out_are_not_suggested(self, db: Session, world: World, circle: Circle) -> None:
        circle.tess.suggestible = False
        db.commit()
        routes = intros.find_connectors(
            db, actor=world.actor(circle.ana), now=circle.now, query="SOC 2 audits"
        )
        assert routes == []

    def test_only_the_author_looks_for_introductions_for_an_ask(
        self, db: Session, world: World, circle: Circle, ask_for: Callable[..., Ask]
    ) -> None:
        ask = ask_for(circle.ana, "Prepare our SOC 2 audit evidence", tags=["SOC 2"])
        routes = intros.find_connectors(db, actor=world.actor(circle.ana), now=circle.now, ask_id=ask.id)
        assert routes[0].target.id == circle.tess.id
        with pytest.raises(PermissionDenied):
            intros.find_connectors(db, actor=world.actor(circle.dan), now=circle.now, ask_id=ask.id)

    def test_empty_query(self, db: Session, world: World, circle: Circle) -> None:
        with pytest.raises(InvalidInput):
            intros.find_connectors(db, actor=world.actor(circle.ana), now=circle.now, query="  ")


def _request(db: Session, world: World, circle: Circle, **fields: object) -> Introduction:
    data = IntroRequest(**{"connector_id": circle.carl.id, "query": "SOC 2 audits", **fields})  # type: ignore[arg-type]
    intro = intros.request_intro(db, actor=world.actor(circle.ana), data=data, now=circle.now)
    db.commit()
    return intro


class TestRequestIntro:
    def test_exactly_the_chosen_person_through_the_chosen_connector(
        self, db: Session, world: World, circle: Circle
    ) -> None:
        # Tess fits "SOC 2 audits" best, but Ana chose Dan: the request is for Dan, never Carl's best match.
        intro = _request(db, world, circle, target_id=circle.dan.id)
        assert (intro.connector_id, intro.target_id) == (circle.carl.id, circle.dan.id)

    def test_a_target_who_cannot_see_the_ask_is_refused(
        self, db: Session, world: World, circle: Circle, ask_for: Callable[..., Ask]
    ) -> None:
        ask = ask_for(circle.ana, "Prepare our SOC 2 audit evidence", tags=["SOC 2"])
        ask.visibility, ask.team_id = "team", world.team(circle.org, "Audit").id
        db.commit()
        data = IntroRequest(connector_id=circle.carl.id, target_id=circle.tess.id, ask_id=ask.id)
        with pytest.raises(InvalidIntroParty):
            intros.request_intro(db, actor=world.actor(circle.ana), data=data, now=circle.now)

    def test_picks_the_connectors_best_match_and_tells_the_connector(
        self, db: Session, world: World, circle: Circle
    ) -> None:
        intro = _request(db, world, circle, message="Could you connect us?")
        assert intro.target_id == circle.tess.id
        assert intro.status == IntroStatus.REQUESTED
        assert _notes(db, circle.carl) == ["intro_requested"]

    def test_the_asker_sees_whom_they_asked_to_meet_and_the_target_sees_nothing_yet(
        self, db: Session, world: World, circle: Circle
    ) -> None:
        intro = _request(db, world, circle, target_id=circle.tess.id)
        [mine] = intros.my_intros(db, actor=world.actor(circle.ana))
        assert mine.role == IntroRole.ASKER and mine.target is not None and mine.target.id == circle.tess.id
        [theirs] = intros.my_intros(db, actor=world.actor(circle.carl))
        assert theirs.target is not None and theirs.target.id == circle.tess.id
        assert intros.my_intros(db, actor=world.actor(circle.tess)) == []
        with pytest.raises(NotFound):
            intros.intro(db, actor=world.actor(circle.tess), intro_id=intro.id)

    def test_second_identical_request_while_pending(self, db: Session, world: World, circle: Circle) -> None:
        _request(db, world, circle)
        with pytest.raises(Conflict):
            _request(db, world, circle)

    def test_connector_without_a_tie_to_the_target(self, db: Session, world: World, circle: Circle) -> None:
        outsider = world.person(circle.org, "Olga Outside", skills=["SOC 2 audits"])
        with pytest.raises(InvalidInput) as raised:
            _request(db, world, circle, target_id=outsider.id)
        assert "target_id" in raised.value.fields

    def test_target_who_opted_out(self, db: Session, world: World, circle: Circle) -> None:
        circle.tess.suggestible = False
        db.commit()
        with pytest.raises(InvalidInput):
            _request(db, world, circle, target_id=circle.tess.id)

    def test_connector_the_asker_does_not_know(self, db: Session, world: World, circle: Circle) -> None:
        with pytest.raises(InvalidInput):
            _request(db, world, circle, connector_id=circle.dan.id)

    def test_connector_of_another_organization(self, db: Session, world: World, circle: Circle) -> None:
        stranger = world.person(world.org("Globex"))
        with pytest.raises(NotFound):
            _request(db, world, circle, connector_id=stranger.id)

    def test_nothing_is_written_when_a_check_fails(self, db: Session, world: World, circle: Circle) -> None:
        with pytest.raises(InvalidInput):
            _request(db, world, circle, connector_id=circle.dan.id)
        db.rollback()
        assert db.scalar(select(func.count()).select_from(Introduction)) == 0
        assert _notes(db, circle.dan) == []


class TestIntroFlow:
    def test_both_accept_ties_asker_and_target_and_records_the_introduction(
        self, db: Session, world: World, circle: Circle
    ) -> None:
        intro = _request(db, world, circle)
        intros.answer_as_connector(
            db,
            actor=world.actor(circle.carl),
            intro_id=intro.id,
            data=ConnectorAnswer(decision="accept", note="Tess is great"),
            now=circle.now,  # type: ignore[arg-type]
        )
        db.commit()
        [view] = intros.my_intros(db, actor=world.actor(circle.ana))
        assert view.target is not None and view.target.id == circle.tess.id
        assert "intro_connector_accepted" in _notes(db, circle.tess)
        intros.answer_as_target(
            db,
            actor=world.actor(circle.tess),
            intro_id=intro.id,
            data=TargetAnswer(decision="accept"),
            now=circle.now,  # type: ignore[arg-type]
        )
        db.commit()
        tie = repository.tie_between(db, org_id=circle.org.id, a=circle.ana.id, b=circle.tess.id)
        assert tie is not None and "intro" in tie.origins
        entry = db.scalar(select(LedgerEntry).where(LedgerEntry.kind == "introduction"))
        assert entry is not None and (entry.actor_id, entry.subject_id) == (circle.carl.id, circle.ana.id)
        assert "intro_target_accepted" in _notes(db, circle.ana)
        assert "intro_target_accepted" in _notes(db, circle.carl)

    def test_only_the_connector_answers_first(self, db: Session, world: World, circle: Circle) -> None:
        intro = _request(db, world, circle)
        with pytest.raises(PermissionDenied):
            intros.answer_as_connector(
                db,
                actor=world.actor(circle.ana),
                intro_id=intro.id,
                data=ConnectorAnswer(decision="accept"),
                now=circle.now,  # type: ignore[arg-type]
            )

    def test_answering_twice(self, db: Session, world: World, circle: Circle) -> None:
        intro = _request(db, world, circle)
        answer = ConnectorAnswer(decision="decline")  # type: ignore[arg-type]
        intros.answer_as_connector(
            db, actor=world.actor(circle.carl), intro_id=intro.id, data=answer, now=circle.now
        )
        db.commit()
        with pytest.raises(Conflict):
            intros.answer_as_connector(
                db, actor=world.actor(circle.carl), intro_id=intro.id, data=answer, now=circle.now
            )
        assert "intro_declined" in _notes(db, circle.ana)

    def test_connector_suggests_someone_else(self, db: Session, world: World, circle: Circle) -> None:
        intro = _request(db, world, circle)
        answer = ConnectorAnswer(decision="redirect", suggested_person_id=circle.dan.id)  # type: ignore[arg-type]
        intros.answer_as_connector(
            db, actor=world.actor(circle.carl), intro_id=intro.id, data=answer, now=circle.now
        )
        db.commit()
        [view] = intros.my_intros(db, actor=world.actor(circle.ana))
        assert view.status == IntroStatus.REDIRECTED
        assert view.suggested is not None and view.suggested.id == circle.dan.id
        assert view.target is not None and view.target.id == circle.tess.id

    def test_target_declines(self, db: Session, world: World, circle: Circle) -> None:
        intro = _request(db, world, circle)
        intros.answer_as_connector(
            db,
            actor=world.actor(circle.carl),
            intro_id=intro.id,
            data=ConnectorAnswer(decision="accept"),
            now=circle.now,  # type: ignore[arg-type]
        )
        intros.answer_as_target(
            db,
            actor=world.actor(circle.tess),
            intro_id=intro.id,
            data=TargetAnswer(decision="decline"),
            now=circle.now,  # type: ignore[arg-type]
        )
        db.commit()
        assert repository.tie_between(db, org_id=circle.org.id, a=circle.ana.id, b=circle.tess.id) is None
        assert "intro_target_declined" in _notes(db, circle.ana)

    def test_withdraw_then_a_new_request_is_allowed(self, db: Session, world: World, circle: Circle) -> None:
        intro = _request(db, world, circle)
        intros.withdraw_intro(db, actor=world.actor(circle.ana), intro_id=intro.id, now=circle.now)
        db.commit()
        assert _request(db, world, circle).id != intro.id


def test_listing_introductions_takes_a_fixed_number_of_queries(
    db: Session, world: World, circle: Circle, count_queries: Callable[[], object]
) -> None:
    others = [world.person(circle.org, f"Extra {i}", skills=["SOC 2"]) for i in range(5)]
    for other in others:
        db.add(
            Introduction(
                org_id=circle.org.id,
                asker_id=circle.ana.id,
                connector_id=circle.carl.id,
                target_id=other.id,
                query="SOC 2",
                created_at=circle.now,
            )
        )
    db.commit()
    counter = count_queries()
    views = intros.my_intros(db, actor=world.actor(circle.ana))
    assert len(views) == 5
    assert counter.count <= 5  # type: ignore[attr-defined]


def test_network_never_imports_matching() -> None:
    """Matching sits above network and passes fit scores in; the reverse import would be a cycle."""
    import ast
    from pathlib import Path

    import askwell.network

    package = Path(askwell.network.__file__).parent
    offenders = []
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{module.name}: {n}" for n in names if n.startswith("askwell.matching")]
    assert offenders == []
