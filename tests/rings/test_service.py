"""The rings use cases, with the refusals beside the successes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.asks import repository as asks_repo
from askwell.asks.errors import AskNotFound
from askwell.asks.models import AskAudience, AskStatus, OfferStatus
from askwell.ledger.models import EntryKind, LedgerEntry
from askwell.matching import repository as matching_repo
from askwell.notifications.models import Notification, NotificationKind
from askwell.rings import repository, service
from askwell.rings.errors import (
    AlreadyOfferedInRing,
    NotAFacilitator,
    NotAParticipant,
    NotInvited,
    OwnRequest,
    RequestAlreadyMade,
    RequestWithdrawn,
    RingChanged,
    RingClosed,
    RingFull,
    RingNotFound,
    RingNotRunning,
)
from askwell.rings.models import MemberStatus, RequestStatus, RingEvent, RingStatus
from askwell.rings.schemas import ConsoleAction, RingOfferCreate
from tests.conftest import World
from tests.rings.conftest import RingMaker, RingScene, request_data


class TestSetup:
    def test_invitees_are_told_once_and_the_creator_facilitates(
        self, db: Session, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create()
        invited = db.scalars(
            select(Notification.person_id).where(Notification.kind == NotificationKind.RING_INVITED.value)
        ).all()
        assert sorted(invited) == sorted([ring_scene.ada.id, ring_scene.grace.id, ring_scene.linus.id])
        assert repository.is_facilitator(db, ring=ring, person_id=ring_scene.facilitator.id)
        assert ring.status == RingStatus.PREPARING.value

    def test_other_organization_and_non_members_do_not_see_an_invitation_ring(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create()
        for outsider in (ring_scene.outsider_org_admin, ring_scene.stranger):
            with pytest.raises(RingNotFound):
                repository.get_ring(db, actor=world.actor(outsider), ring_id=ring.id)

    def test_open_call_is_visible_to_the_organization_only(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create(open_call=True)
        assert repository.get_ring(db, actor=world.actor(ring_scene.stranger), ring_id=ring.id).id == ring.id
        with pytest.raises(RingNotFound):
            repository.get_ring(db, actor=world.actor(ring_scene.outsider_org_admin), ring_id=ring.id)


class TestJoining:
    def test_joining_a_closed_ring_is_refused(self, rings: RingMaker, ring_scene: RingScene) -> None:
        ring = rings.create()
        rings.act(ring, "close")
        with pytest.raises(RingClosed):
            rings.join(ring, ring_scene.ada)

    def test_joining_a_full_ring_is_refused(self, rings: RingMaker, ring_scene: RingScene) -> None:
        ring = rings.create(capacity=2)  # the facilitator takes part: one seat left
        rings.join(ring, ring_scene.ada)
        with pytest.raises(RingFull):
            rings.join(ring, ring_scene.grace)

    def test_someone_not_invited_cannot_join_an_invitation_ring(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create(open_call=True)
        ring.open_call = False  # an open call closed again: the stranger still sees nothing to join
        db.commit()
        with pytest.raises(RingNotFound):
            rings.join(ring, ring_scene.stranger)
        ring.open_call = True
        db.commit()
        rings.join(ring, ring_scene.stranger)
        assert repository.member(db, ring=ring, person_id=ring_scene.stranger.id).status == "joined"  # type: ignore[union-attr]

    def test_not_invited_is_a_403_when_the_ring_is_visible(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create()
        # An admin sees every ring but is not invited to this one.
        admin = world.person(ring_scene.org, "Ann Admin", role="admin")  # type: ignore[arg-type]
        with pytest.raises(NotInvited):
            rings.join(ring, admin)


class TestRequests:
    def test_a_request_is_an_ask_shared_quietly_with_the_ring(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create()
        rings.join(ring, ring_scene.ada, ring_scene.grace)
        made = rings.request(ring, ring_scene.ada)
        rings.join(ring, ring_scene.linus)  # joins later: sees it too
        for person in (ring_scene.grace, ring_scene.linus, ring_scene.facilitator):
            assert asks_repo.get_ask(db, actor=world.actor(person), ask_id=made.ask_id).id == made.ask_id
        with pytest.raises(AskNotFound):
            asks_repo.get_ask(db, actor=world.actor(ring_scene.stranger), ask_id=made.ask_id)
        reasons = set(db.scalars(select(AskAudience.reason).where(AskAudience.ask_id == made.ask_id)))
        assert reasons == {"ring"}
        told = db.scalars(
            select(Notification).where(Notification.kind == NotificationKind.ASKED_DIRECTLY.value)
        ).all()
        assert told == []
        # Responsiveness counts direct asks only: the ring's audience is not a chance to answer.
        chances = matching_repo.asked_directly(
            db, org_id=ring.org_id, person_ids=[ring_scene.grace.id, ring_scene.linus.id]
        )
        assert all(made.ask_id not in asks for asks in chances.values())

    def test_one_request_each(self, rings: RingMaker, ring_scene: RingScene) -> None:
        ring = rings.create()
        rings.join(ring, ring_scene.ada)
        rings.request(ring, ring_scene.ada)
        with pytest.raises(RequestAlreadyMade):
            rings.request(ring, ring_scene.ada)

    def test_a_request_after_the_ring_closed_is_refused(
        self, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create()
        rings.join(ring, ring_scene.ada)
        rings.act(ring, "close")
        with pytest.raises(RingClosed):
            rings.request(ring, ring_scene.ada)

    def test_only_participants_bring_requests(self, rings: RingMaker, ring_scene: RingScene) -> None:
        ring = rings.create()
        with pytest.raises(NotAParticipant):
            rings.request(ring, ring_scene.ada)  # invited, not joined

    def test_nudge_reaches_those_not_ready_once(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create()
        rings.join(ring, ring_scene.ada, ring_scene.grace)
        rings.request(ring, ring_scene.ada)
        actor = world.actor(ring_scene.facilitator)
        sent = service.nudge(db, actor=actor, ring_id=ring.id, now=world.now)
        # Grace (joined, no request), Linus (invited) and the facilitator (joined, no request).
        assert sent == 3
        assert service.nudge(db, actor=actor, ring_id=ring.id, now=world.now) == 0
        with pytest.raises(NotAFacilitator):
            service.nudge(db, actor=world.actor(ring_scene.ada), ring_id=ring.id, now=world.now)


class TestOffers:
    def test_offer_is_the_asks_own_offer(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        made = rings.offer(ring, ring_scene.grace, reqs["ada"])
        ask = asks_repo.get_ask(db, actor=world.actor(ring_scene.ada), ask_id=reqs["ada"].ask_id)
        assert [(o.id, o.helper_id, o.status) for o in ask.offers] == [
            (made.offer_id, ring_scene.grace.id, "proposed")
        ]
        assert ask.offers[0].message.startswith("I can help")

    def test_offering_on_your_own_request_is_refused(self, rings: RingMaker, ring_scene: RingScene) -> None:
        ring, reqs = rings.running()
        with pytest.raises(OwnRequest):
            rings.offer(ring, ring_scene.ada, reqs["ada"])

    def test_a_double_offer_is_refused(self, rings: RingMaker, ring_scene: RingScene) -> None:
        ring, reqs = rings.running()
        rings.offer(ring, ring_scene.grace, reqs["ada"])
        with pytest.raises(AlreadyOfferedInRing):
            rings.offer(ring, ring_scene.grace, reqs["ada"])

    def test_an_offer_after_the_ring_closed_is_refused(self, rings: RingMaker, ring_scene: RingScene) -> None:
        ring, reqs = rings.running()
        rings.act(ring, "close")
        with pytest.raises(RingClosed):
            rings.offer(ring, ring_scene.grace, reqs["ada"])

    def test_offers_wait_for_the_ring_to_start(self, rings: RingMaker, ring_scene: RingScene) -> None:
        ring = rings.create()
        rings.join(ring, ring_scene.ada, ring_scene.grace)
        made = rings.request(ring, ring_scene.ada)
        with pytest.raises(RingNotRunning):
            rings.offer(ring, ring_scene.grace, made)

    def test_a_non_participant_cannot_offer(
        self, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        admin = world.person(ring_scene.org, "Ann Admin", role="admin")  # type: ignore[arg-type]
        with pytest.raises(NotAParticipant):
            rings.offer(ring, admin, reqs["ada"])


class TestLeaving:
    def test_a_participant_who_leaves_mid_ring(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        grace_offer = rings.offer(ring, ring_scene.grace, reqs["ada"])
        rings.offer(ring, ring_scene.ada, reqs["grace"])
        service.leave(db, actor=world.actor(ring_scene.grace), ring_id=ring.id, now=world.now)
        db.commit()
        request = repository.get_request(db, ring=ring, request_id=reqs["grace"].id)
        assert request.status == RequestStatus.WITHDRAWN.value
        ask = asks_repo.get_ask(db, actor=world.actor(ring_scene.grace), ask_id=request.ask_id)
        assert ask.status == AskStatus.WITHDRAWN.value
        ada_ask = asks_repo.get_ask(db, actor=world.actor(ring_scene.ada), ask_id=reqs["ada"].ask_id)
        assert (
            next(o for o in ada_ask.offers if o.id == grace_offer.offer_id).status
            == OfferStatus.WITHDRAWN.value
        )
        assert (
            repository.member(db, ring=ring, person_id=ring_scene.grace.id).status == MemberStatus.LEFT.value
        )  # type: ignore[union-attr]
        with pytest.raises(RequestWithdrawn):
            rings.offer(ring, ring_scene.linus, reqs["grace"])
        with pytest.raises(NotAParticipant):
            rings.offer(ring, ring_scene.grace, reqs["linus"])
        view = service.propose_assignment(
            db, actor=world.actor(ring_scene.facilitator), ring_id=ring.id, now=world.now
        )
        assert all(p.helper.id != ring_scene.grace.id for p in view.pairings)
        assert reqs["grace"].id not in view.unfilled


class TestConsole:
    def test_start_orders_requests_leader_first_and_next_advances(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring = rings.create(leader_first=True, leader_id=None)
        rings.join(ring, ring_scene.ada, ring_scene.grace)
        ada = rings.request(ring, ring_scene.ada)
        lead = rings.request(ring, ring_scene.facilitator)
        started = rings.act(ring, "start")
        assert started.status == RingStatus.LIVE.value
        assert repository.request_at(db, ring=started, position=1).id == lead.id  # type: ignore[union-attr]
        moved = rings.act(ring, "next")
        assert repository.request_at(db, ring=moved, position=moved.current_position).id == ada.id  # type: ignore[union-attr]

    def test_two_facilitators_pressing_next_with_one_version_advance_once(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        db.refresh(ring)
        seen = ring.version
        before = ring.current_position
        first = service.console(
            db,
            actor=world.actor(ring_scene.facilitator),
            ring_id=ring.id,
            data=ConsoleAction(action="next", version=seen),
            now=world.now,
        )
        db.commit()
        with pytest.raises(RingChanged):
            service.console(
                db,
                actor=world.actor(ring_scene.facilitator),
                ring_id=ring.id,
                data=ConsoleAction(action="next", version=seen),
                now=world.now,
            )
        db.rollback()
        db.refresh(ring)
        assert ring.current_position == first.current_position == (before or 0) + 1

    def test_pause_stops_the_timer_and_resume_keeps_the_time_left(
        self, db: Session, world: World, rings: RingMaker
    ) -> None:
        from datetime import timedelta

        ring, _ = rings.running()
        db.refresh(ring)
        ring_now = world.now + timedelta(seconds=50)
        assert service.remaining_seconds(ring, now=ring_now) == ring.request_seconds - 50
        rings.world.now = ring_now
        rings.act(ring, "pause")
        later = ring_now + timedelta(minutes=10)
        assert service.remaining_seconds(ring, now=later) == ring.request_seconds - 50
        rings.world.now = later
        rings.act(ring, "resume")
        assert service.remaining_seconds(ring, now=later + timedelta(seconds=5)) == ring.request_seconds - 55

    def test_members_cannot_run_the_console(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        with pytest.raises(NotAFacilitator):
            rings.act(ring, "next", by=ring_scene.ada)

    def test_every_change_is_in_the_event_log_in_order(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        rings.offer(ring, ring_scene.grace, reqs["ada"])
        found = service.events(db, actor=world.actor(ring_scene.ada), ring_id=ring.id)
        seqs = [e.seq for e in found]
        assert seqs == list(range(1, len(seqs) + 1))
        kinds = [e.kind for e in found]
        assert kinds[0] == "ring.created" and kinds[-2:] == ["ring.started", "ring.offer_made"]
        assert [
            e.kind
            for e in service.events(db, actor=world.actor(ring_scene.ada), ring_id=ring.id, after=seqs[-2])
        ] == ["ring.offer_made"]

    def test_a_rolled_back_change_leaves_no_event(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        before = db.scalars(select(RingEvent.seq).where(RingEvent.ring_id == ring.id)).all()
        rings.offer(ring, ring_scene.grace, reqs["ada"])
        with pytest.raises(AlreadyOfferedInRing):
            rings.offer(ring, ring_scene.grace, reqs["ada"])
        db.rollback()
        after = db.scalars(select(RingEvent.seq).where(RingEvent.ring_id == ring.id)).all()
        assert len(after) == len(before) + 1


class TestAssignment:
    def test_offers_become_accepted_offers_and_ring_matches(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, reqs = rings.running()
        made = rings.offer(ring, ring_scene.grace, reqs["ada"])
        rings.offer(ring, ring_scene.ada, reqs["linus"])
        facilitator = world.actor(ring_scene.facilitator)
        view = service.propose_assignment(db, actor=facilitator, ring_id=ring.id, now=world.now)
        db.commit()
        assert {(p.request_id, p.helper.id) for p in view.pairings} == {
            (reqs["ada"].id, ring_scene.grace.id),
            (reqs["linus"].id, ring_scene.ada.id),
        }
        assert all(p.explanation for p in view.pairings)
        assert reqs["grace"].id in view.unfilled
        confirmed = service.confirm_assignment(db, actor=facilitator, ring_id=ring.id, now=world.now)
        db.commit()
        assert len(confirmed) == 2
        ask = asks_repo.get_ask(db, actor=world.actor(ring_scene.ada), ask_id=reqs["ada"].ask_id)
        offer = next(o for o in ask.offers if o.id == made.offer_id)
        assert offer.status == OfferStatus.ACCEPTED.value
        assert ask.status == AskStatus.IN_PROGRESS.value
        matches = db.scalars(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.RING_MATCH.value)).all()
        assert {(m.actor_id, m.subject_id) for m in matches} == {
            (ring_scene.grace.id, ring_scene.ada.id),
            (ring_scene.ada.id, ring_scene.linus.id),
        }

    def test_removed_pairings_are_not_proposed_again_and_added_ones_become_offers(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        from askwell.rings.schemas import PairingCreate

        ring, reqs = rings.running()
        rings.offer(ring, ring_scene.grace, reqs["ada"])
        facilitator = world.actor(ring_scene.facilitator)
        view = service.propose_assignment(db, actor=facilitator, ring_id=ring.id, now=world.now)
        service.remove_pairing(
            db, actor=facilitator, ring_id=ring.id, pairing_id=view.pairings[0].id, now=world.now
        )
        again = service.propose_assignment(db, actor=facilitator, ring_id=ring.id, now=world.now)
        assert again.pairings == []
        service.add_pairing(
            db,
            actor=facilitator,
            ring_id=ring.id,
            data=PairingCreate(request_id=reqs["grace"].id, helper_id=ring_scene.linus.id),
            now=world.now,
        )
        service.confirm_assignment(db, actor=facilitator, ring_id=ring.id, now=world.now)
        db.commit()
        ask = asks_repo.get_ask(db, actor=world.actor(ring_scene.grace), ask_id=reqs["grace"].ask_id)
        assert [(o.helper_id, o.status) for o in ask.offers] == [(ring_scene.linus.id, "accepted")]

    def test_no_feasible_pairing_is_a_message_not_an_error(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        view = service.propose_assignment(
            db, actor=world.actor(ring_scene.facilitator), ring_id=ring.id, now=world.now
        )
        assert view.pairings == []
        assert view.message is not None and "No feasible pairing" in view.message
        assert len(view.unfilled) == 3

    def test_pairing_someone_with_their_own_request_is_refused(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        from askwell.core.errors import InvalidInput
        from askwell.rings.schemas import PairingCreate

        ring, reqs = rings.running()
        with pytest.raises(InvalidInput):
            service.add_pairing(
                db,
                actor=world.actor(ring_scene.facilitator),
                ring_id=ring.id,
                data=PairingCreate(request_id=reqs["ada"].id, helper_id=ring_scene.ada.id),
                now=world.now,
            )

    def test_members_cannot_propose(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        ring, _ = rings.running()
        with pytest.raises(NotAFacilitator):
            service.propose_assignment(db, actor=world.actor(ring_scene.ada), ring_id=ring.id, now=world.now)

    def test_suggestions_fill_requests_nobody_offered_on(
        self, db: Session, world: World, rings: RingMaker, ring_scene: RingScene
    ) -> None:
        from tests.matching.conftest import FakeEncoder

        ring, _reqs = rings.running()
        view = service.propose_assignment(
            db,
            actor=world.actor(ring_scene.facilitator),
            ring_id=ring.id,
            now=world.now,
            encode=FakeEncoder(),
        )
        suggested = [p for p in view.pairings if p.source == "suggestion"]
        assert suggested, "Kafka requests should find the participants who list Kafka"
        people = {ring_scene.ada.id, ring_scene.grace.id, ring_scene.linus.id, ring_scene.facilitator.id}
        for p in suggested:
            assert p.helper.id in people and p.helper.id != p.requester.id


def test_offer_kind_words(rings: RingMaker, ring_scene: RingScene, db: Session, world: World) -> None:
    from askwell.rings.models import RingOfferKind

    ring, reqs = rings.running()
    rings.offer(ring, ring_scene.linus, reqs["ada"], kind=RingOfferKind.KNOW_SOMEONE)
    ask = asks_repo.get_ask(db, actor=world.actor(ring_scene.ada), ask_id=reqs["ada"].ask_id)
    assert ask.offers[0].message.startswith("I know someone")


def test_request_data_helper_is_valid() -> None:
    assert request_data().title
    assert RingOfferCreate().kind.value == "help"


def test_asking_a_ring_member_directly_tells_them_once(
    db: Session, world: World, rings: RingMaker, ring_scene: RingScene
) -> None:
    from askwell.asks import service as asks_service

    ring = rings.create()
    rings.join(ring, ring_scene.ada, ring_scene.grace)
    made = rings.request(ring, ring_scene.ada)
    asks_service.ask_directly(
        db,
        actor=world.actor(ring_scene.ada),
        ask_id=made.ask_id,
        person_id=ring_scene.grace.id,
        now=world.now,
    )
    told = db.scalars(
        select(Notification.person_id).where(Notification.kind == NotificationKind.ASKED_DIRECTLY.value)
    ).all()
    assert told == [ring_scene.grace.id]
