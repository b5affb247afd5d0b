"""matching.embed: stale profiles and asks get vectors on a schedule, unchanged ones are left alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.schemas import AskWrite
from askwell.core.clock import FrozenClock
from askwell.core.jobs import JobContext, JobRegistry
from askwell.matching import jobs
from askwell.matching.models import Embedding
from askwell.matching.service import ENCODE_SERVICE
from tests.conftest import World
from tests.matching.conftest import FakeEncoder, Helped, NewAsk


def stored(db: Session, kind: str) -> int:
    return db.scalar(select(func.count(Embedding.id)).where(Embedding.owner_kind == kind)) or 0


class TestEmbedJob:
    def test_is_registered_on_a_schedule(self) -> None:
        registry = JobRegistry()
        jobs.register(registry)
        assert registry.get(jobs.EMBED) is not None
        assert [s.kind for s in registry.schedules] == [jobs.EMBED]

    def test_embeds_new_profiles_and_asks_once_through_the_handler(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder, clock: FrozenClock
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker", skills=["Go"])
        world.person(org, "Kim", skills=["Kubernetes"])
        new_ask(asker, "Review my Go service before Friday")
        registry = JobRegistry()
        jobs.register(registry)
        handler = registry.get(jobs.EMBED)
        assert handler is not None
        context = JobContext(clock=clock, services={ENCODE_SERVICE: fake_encode})

        handler(db, {"org_id": org.id}, context)
        assert (stored(db, "person"), stored(db, "ask")) == (2, 1)
        calls = len(fake_encode.calls)
        handler(db, {"org_id": org.id}, context)
        assert len(fake_encode.calls) == calls  # nothing changed, nothing embedded

    def test_an_edited_ask_and_new_help_are_embedded_again(
        self, db: Session, world: World, new_ask: NewAsk, helped: Helped, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker, kim = world.person(org, "Asker"), world.person(org, "Kim")
        ask = new_ask(asker, "Review my Go service before Friday")
        jobs.embed_stale(db, now=world.now, encode=fake_encode, org_ids=[org.id])
        later = world.now + timedelta(hours=1)

        asks_service.update_ask(
            db,
            actor=world.actor(asker),
            ask_id=ask.id,
            data=AskWrite(title="Review my Rust service"),
            now=later,
        )
        helped(kim, asker, "Terraform state is locked", days_ago=-0.1)
        fake_encode.calls.clear()
        jobs.embed_stale(db, now=later + timedelta(hours=2), encode=fake_encode, org_ids=[org.id])

        embedded = fake_encode.embedded
        assert any("Rust" in text for text in embedded)
        assert any("Helped with: Terraform state is locked" in text for text in embedded)

    def test_another_organization_is_untouched_when_one_is_named(
        self, db: Session, world: World, fake_encode: FakeEncoder
    ) -> None:
        mine, other = world.org(), world.org("Other")
        world.person(mine, "Kim")
        world.person(other, "Lee")

        jobs.embed_stale(db, now=world.now, encode=fake_encode, org_ids=[mine.id])

        assert db.scalars(select(Embedding.org_id)).all() == [mine.id]
