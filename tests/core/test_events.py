"""Domain events: in-transaction subscribers commit or roll back with the change; after-commit ones
hear only of what was committed (savepoints included); a session without a bus refuses to emit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from askwell.asks import service as asks
from askwell.asks.models import Ask, OfferKind
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.core import events
from askwell.core.events import Event, EventBus, InboxChanged, NoEventBus, emit
from askwell.core.jobs import Job
from askwell.notifications.models import Notification
from askwell.notifications.subscribers import CHANGED, live_channel
from askwell.people.models import Organization
from tests.conftest import NOW, RecordingBroadcaster, World


@dataclass
class Heard:
    during: list[Event] = field(default_factory=list)
    after: list[Event] = field(default_factory=list)


@pytest.fixture
def heard(connection: Connection) -> tuple[sessionmaker[Session], Heard]:
    """A factory on the test's connection whose bus records what each kind of subscriber was told."""
    heard = Heard()
    bus = EventBus()
    bus.on(Event, lambda db, e: heard.during.append(e))
    bus.after_commit(Event, heard.after.append)
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return events.attach(factory, bus), heard


def changed(person_id: int) -> InboxChanged:
    return InboxChanged(org_id=1, at=NOW, person_id=person_id)


class TestDispatch:
    def test_in_transaction_subscribers_run_at_once_and_the_others_after_the_commit(
        self, heard: tuple[sessionmaker[Session], Heard]
    ) -> None:
        factory, told = heard
        with factory() as db:
            emit(db, changed(1))
            assert (told.during, told.after) == ([changed(1)], [])
            db.commit()
        assert told.after == [changed(1)]

    def test_a_rolled_back_transaction_announces_nothing(
        self, heard: tuple[sessionmaker[Session], Heard]
    ) -> None:
        factory, told = heard
        with factory() as db:
            emit(db, changed(1))
            db.rollback()
            db.commit()  # a later, empty commit must not send what was rolled back
        assert told.after == []

    def test_a_rolled_back_savepoint_drops_only_its_own_events(
        self, heard: tuple[sessionmaker[Session], Heard]
    ) -> None:
        factory, told = heard
        with factory() as db:
            emit(db, changed(1))
            with pytest.raises(RuntimeError), db.begin_nested():
                emit(db, changed(2))
                raise RuntimeError("this part fails")
            with db.begin_nested():  # released, not rolled back: its event stands
                emit(db, changed(3))
            assert told.after == []  # releasing a savepoint is not the commit
            db.commit()
        assert told.after == [changed(1), changed(3)]

    def test_each_commit_sends_what_was_emitted_since_the_last(
        self, heard: tuple[sessionmaker[Session], Heard]
    ) -> None:
        factory, told = heard
        with factory() as db:
            emit(db, changed(1))
            db.commit()
            emit(db, changed(2))
            db.commit()
        assert told.after == [changed(1), changed(2)]

    def test_a_failing_after_commit_subscriber_is_logged_not_raised(
        self, connection: Connection, caplog: pytest.LogCaptureFixture
    ) -> None:
        bus = EventBus()

        def broken(_: Event) -> None:
            raise RuntimeError("the broadcaster is down")

        bus.after_commit(InboxChanged, broken)
        factory = events.attach(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), bus)
        with factory() as db:
            emit(db, changed(1))
            db.commit()  # the change is committed: the failure must not undo the request
        assert "after-commit subscriber failed for InboxChanged" in caplog.text

    def test_a_session_without_a_bus_refuses_to_emit(self, connection: Connection) -> None:
        with sessionmaker(bind=connection)() as db, pytest.raises(NoEventBus):
            emit(db, changed(1))


class TestTheInboxSubscribers:
    """The production wiring (tests/conftest.py attaches it): rows, email jobs and the badge signal."""

    def _offer(self, db: Session, world: World) -> tuple[int, Ask]:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        ask = asks.create_ask(
            db,
            actor=world.actor(ada),
            data=AskCreate(title="Review the retry logic", due=world.now + timedelta(days=3)),
            now=world.now,
        )
        db.commit()
        asks.offer_help(
            db,
            actor=world.actor(grace),
            ask_id=ask.id,
            data=OfferCreate(kind=OfferKind.ADVISE, message="Happy to look at it today."),
            now=world.now,
        )
        return ada.id, ask

    def test_a_committed_offer_writes_the_inbox_and_its_email_and_signals_the_badge(
        self, db: Session, world: World, broadcaster: RecordingBroadcaster
    ) -> None:
        ada_id, ask = self._offer(db, world)
        assert broadcaster.published == []  # nothing before the commit
        db.commit()
        [note] = db.scalars(select(Notification).where(Notification.person_id == ada_id)).all()
        assert (note.kind, note.ask_id, note.text) == ("new_offer", ask.id, None)
        assert db.scalar(select(func.count()).where(Job.kind == "notifications.email")) == 1
        assert broadcaster.published == [(live_channel(ask.org_id, ada_id), CHANGED)]

    def test_a_rolled_back_offer_writes_and_sends_nothing(
        self, db: Session, world: World, broadcaster: RecordingBroadcaster
    ) -> None:
        ada_id, _ask = self._offer(db, world)
        db.rollback()
        assert db.scalars(select(Notification).where(Notification.person_id == ada_id)).all() == []
        assert db.scalar(select(func.count()).where(Job.kind == "notifications.email")) == 0
        db.add(Organization(slug="later", name="Later", created_at=NOW))
        db.commit()  # a later commit in the same session does not resurrect the offer's signal
        assert broadcaster.published == []
