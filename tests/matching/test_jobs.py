"""matching.embed: stale profiles and asks get vectors on a schedule, unchanged ones are left alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.asks import service as asks_service
from askwell.asks.schemas import AskWrite
from askwell.core.clock import FrozenClock
from askwell.core.edges import Edges
from askwell.core.jobs import JobContext, JobRegistry
from askwell.matching import jobs, ranker, repository, service
from askwell.matching.models import Embedding
from tests.conftest import World
from tests.matching.conftest import FakeEncoder, Helped, NewAsk

TOPICS = ("Kubernetes ingress", "Postgres vacuum", "Figma prototype", "Payroll taxes")


def stored(db: Session, kind: str) -> int:
    return db.scalar(select(func.count(Embedding.id)).where(Embedding.owner_kind == kind)) or 0


class TestEmbedJob:
    def test_is_registered_on_a_schedule(self) -> None:
        registry = JobRegistry()
        jobs.register(registry)
        assert registry.get(jobs.EMBED) is not None
        assert [s.kind for s in registry.schedules] == [jobs.EMBED, jobs.TRAIN]

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
        context = JobContext(edges=Edges(clock=clock, encode=fake_encode))

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


class TestEmbedInSteps:
    """The job's way: read, encode with no transaction open, store each chunk in a short transaction."""

    def test_no_transaction_is_open_while_encoding_and_every_chunk_is_stored(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        people = [world.person(org, f"Person {i}", skills=["Go"]) for i in range(5)]
        new_ask(people[0], "Review my Go service before Friday")
        open_while_encoding: list[bool] = []

        def encode(texts: Sequence[str]) -> np.ndarray:
            # A transaction open here would be one holding SQLite's write lock, or about to fail
            # on its first write because a sign-in committed meanwhile.
            open_while_encoding.append(db.in_transaction())
            return fake_encode(texts)

        written = jobs.embed_in_steps(db, now=world.now, encode=encode, org_ids=[org.id], chunk=2)

        assert open_while_encoding == [False, False, False, False]
        assert [len(call) for call in fake_encode.calls] == [2, 2, 1, 1]
        assert written == 6
        assert (stored(db, "person"), stored(db, "ask")) == (5, 1)

    def test_an_ask_edited_while_its_old_text_is_encoded_gets_the_vector_of_its_new_text(
        self, db: Session, world: World, new_ask: NewAsk, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        asker = world.person(org, "Asker")
        ask = new_ask(asker, "Review my Go service before Friday")
        jobs.embed_in_steps(db, now=world.now, encode=fake_encode, org_ids=[org.id])
        later = world.now + timedelta(hours=1)
        asks_service.update_ask(
            db, actor=world.actor(asker), ask_id=ask.id, data=AskWrite(title="Review my Go API"), now=later
        )
        db.commit()

        def encode_while_the_author_edits(texts: Sequence[str]) -> np.ndarray:
            if len(fake_encode.calls) == 0:
                # Another writer commits while the job encodes the text it read.
                asks_service.update_ask(
                    db,
                    actor=world.actor(asker),
                    ask_id=ask.id,
                    data=AskWrite(title="Review my Rust service"),
                    now=later,
                )
                db.commit()
            return fake_encode(texts)

        fake_encode.calls.clear()
        jobs.embed_in_steps(
            db, now=later + timedelta(minutes=1), encode=encode_while_the_author_edits, org_ids=[org.id]
        )

        [first, second] = fake_encode.calls
        assert "Go API" in first[0] and "Rust" in second[0]
        row = db.scalars(select(Embedding).where(Embedding.owner_kind == "ask")).one()
        assert np.allclose(np.frombuffer(row.vector, dtype=np.float32), fake_encode(second)[0])

    def test_the_job_handler_embeds_in_steps_and_is_done_after_a_second_run_with_nothing_left(
        self, db: Session, world: World, fake_encode: FakeEncoder, clock: FrozenClock
    ) -> None:
        org = world.org()
        world.person(org, "Kim", skills=["Kubernetes"])
        registry = JobRegistry()
        jobs.register(registry)
        assert registry.is_deferred(jobs.EMBED)
        handler = registry.get(jobs.EMBED)
        assert handler is not None
        context = JobContext(edges=Edges(clock=clock, encode=fake_encode))

        handler(db, {}, context)
        handler(db, {}, context)

        assert stored(db, "person") == 1
        assert len(fake_encode.calls) == 1


class TestTrainRankerJob:
    """matching.train_ranker: an organization with enough history gets its own ranker; one without keeps
    the packaged prior, and a stored model of a shorter history is dropped."""

    def _history(self, world: World, helped: Helped, org: object, asks: int) -> None:
        people = [world.person(org, f"Helper {i}", skills=[topic]) for i, topic in enumerate(TOPICS)]  # type: ignore[arg-type]
        asker = world.person(org, "Asker")  # type: ignore[arg-type]
        for n in range(asks):
            # Each topic's helper answers its asks, so who helped is predictable from the words.
            position = n % len(TOPICS)
            helped(people[position], asker, f"{TOPICS[position]} question number {n}", days_ago=60 - n)

    def test_enough_history_trains_and_stores_a_model_that_suggestions_use(
        self, db: Session, world: World, helped: Helped, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        self._history(world, helped, org, asks=24)
        jobs.embed_stale(db, now=world.now, encode=fake_encode, org_ids=[org.id])
        db.commit()

        assert jobs.train_rankers(db, now=world.now, org_ids=[org.id]) == 1

        row = repository.ranker_record(db, org_id=org.id)
        assert row is not None and row.examples >= service.MIN_EXAMPLES
        assert row.prior_version == ranker.load_prior().version
        model = service.ranker_model(db, org_id=org.id)
        assert model.version == row.version != ranker.load_prior().version

    def test_too_little_history_keeps_the_prior_and_drops_an_old_model(
        self, db: Session, world: World, helped: Helped, fake_encode: FakeEncoder
    ) -> None:
        org = world.org()
        self._history(world, helped, org, asks=5)
        jobs.embed_stale(db, now=world.now, encode=fake_encode, org_ids=[org.id])
        prior = ranker.load_prior()
        repository.save_ranker_record(
            db,
            org_id=org.id,
            version="old",
            prior_version=prior.version,
            examples=99,
            body="{}",
            now=world.now,
        )
        db.commit()

        assert jobs.train_rankers(db, now=world.now, org_ids=[org.id]) == 0

        assert repository.ranker_record(db, org_id=org.id) is None
        assert service.ranker_model(db, org_id=org.id) == prior
