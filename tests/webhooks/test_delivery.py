"""Outgoing webhooks end to end: events become signed posts to a real receiver on 127.0.0.1, retried
with back-off, logged, and an endpoint that keeps failing is switched off with a notice to admins."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks.webhooks import Webhook

from askwell.asks import service as asks
from askwell.asks.models import AskStatus
from askwell.asks.schemas import AskClose, AskCreate
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.jobs import Job, JobContext, JobRegistry, run_pending
from askwell.notifications.models import Notification, NotificationKind
from askwell.people.models import Organization, Person, Role
from askwell.webhooks import jobs as webhook_jobs
from askwell.webhooks import rules, service
from askwell.webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from askwell.webhooks.schemas import EndpointCreate
from tests.conftest import World
from tests.webhooks.receiver import Receiver

TITLE = "Review the retry logic in PR 4412 before Thursday"


def run_jobs(factory: sessionmaker[Session], edges: Edges, settings: Settings) -> int:
    registry = JobRegistry()
    webhook_jobs.register(registry)
    return run_pending(factory, registry, JobContext(edges=edges, settings=settings))


def add_endpoint(
    db: Session, world: World, admin: Person, url: str, settings: Settings, events: list[str] | None = None
) -> tuple[WebhookEndpoint, str]:
    endpoint, secret = service.create_endpoint(
        db,
        actor=world.actor(admin),
        data=EndpointCreate(url=url, events=events or list(rules.EVENT_TYPES)),
        settings=settings,
        now=world.now,
    )
    db.commit()
    return endpoint, secret


def open_ask(db: Session, world: World, person: Person) -> int:
    ask = asks.create_ask(
        db,
        actor=world.actor(person),
        data=AskCreate(
            title=TITLE, body="It blocks the payments release.", due=world.now + timedelta(days=3)
        ),
        now=world.now,
    )
    db.commit()
    return ask.id


def deliveries(db: Session, endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    db.expire_all()
    return list(
        db.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.id)
        )
    )


def attempts(db: Session, delivery: WebhookDelivery) -> list[WebhookAttempt]:
    return list(
        db.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery.id)
            .order_by(WebhookAttempt.attempt)
        )
    )


@pytest.fixture
def org(world: World) -> Organization:
    return world.org("Acme")


@pytest.fixture
def admin(world: World, org: Organization) -> Person:
    return world.person(org, "Ada Admin", role=Role.ADMIN)


@pytest.fixture
def member(world: World, org: Organization) -> Person:
    return world.person(org, "Max Member")


class TestDelivery:
    def test_an_event_is_posted_signed_and_verifies(
        self,
        db: Session,
        world: World,
        admin: Person,
        member: Person,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        endpoint, secret = add_endpoint(db, world, admin, hook.url, settings)
        ask_id = open_ask(db, world, member)
        assert hook.requests == [], "nothing leaves before the job runs (after the commit)"

        run_jobs(session_factory, edges, settings)

        assert len(hook.requests) == 1
        received = hook.requests[0]
        assert received.path == "/hooks/askwell"
        payload = Webhook(secret).verify(received.body, received.headers)
        assert payload["type"] == "ask.opened"
        assert payload["data"] == {"organization_id": member.org_id, "ask_id": ask_id, "author_id": member.id}
        assert TITLE not in received.body.decode(), "payloads carry ids, not what people wrote"
        assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= set(received.headers)
        [delivery] = deliveries(db, endpoint)
        assert delivery.status == DeliveryStatus.DELIVERED.value
        assert received.headers["webhook-id"] == delivery.msg_id
        [attempt] = attempts(db, delivery)
        assert (attempt.ok, attempt.status_code, attempt.attempt) == (True, 200, 1)
        assert attempt.duration_ms >= 0

    def test_a_wrong_secret_does_not_verify(
        self,
        db: Session,
        world: World,
        admin: Person,
        member: Person,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        add_endpoint(db, world, admin, hook.url, settings)
        open_ask(db, world, member)
        run_jobs(session_factory, edges, settings)
        received = hook.requests[0]
        from standardwebhooks.webhooks import WebhookVerificationError

        with pytest.raises(WebhookVerificationError):
            Webhook("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY").verify(received.body, received.headers)
        tampered = received.body.replace(b"ask.opened", b"ask.closed")
        endpoint_secret = db.scalars(select(WebhookEndpoint.secret)).first()
        assert endpoint_secret is not None
        with pytest.raises(WebhookVerificationError):
            Webhook(endpoint_secret).verify(tampered, received.headers)

    def test_only_chosen_events_are_sent_and_each_type_maps(
        self,
        db: Session,
        world: World,
        admin: Person,
        member: Person,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        _endpoint, secret = add_endpoint(db, world, admin, hook.url, settings, events=["ask.closed"])
        ask_id = open_ask(db, world, member)
        asks.close_ask(
            db,
            actor=world.actor(member),
            ask_id=ask_id,
            data=AskClose(outcome=AskStatus.UNFULFILLED),
            now=world.now,
        )
        db.commit()
        run_jobs(session_factory, edges, settings)
        [received] = hook.requests
        payload = Webhook(secret).verify(received.body, received.headers)
        assert payload["type"] == "ask.closed"
        assert payload["data"]["outcome"] == "unfulfilled"

    def test_a_rolled_back_change_sends_nothing(
        self, db: Session, world: World, admin: Person, member: Person, hook: Receiver, settings: Settings
    ) -> None:
        endpoint, _ = add_endpoint(db, world, admin, hook.url, settings)
        with pytest.raises(RuntimeError), db.begin_nested():
            asks.create_ask(
                db,
                actor=world.actor(member),
                data=AskCreate(title=TITLE, body="x" * 20, due=world.now + timedelta(days=3)),
                now=world.now,
            )
            raise RuntimeError("the request failed after the ask was written")
        assert deliveries(db, endpoint) == []
        assert db.scalars(select(Job).where(Job.kind == service.DELIVER)).all() == []


class TestRetries:
    def test_a_500_is_retried_after_the_back_off_then_succeeds(
        self,
        db: Session,
        world: World,
        admin: Person,
        member: Person,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
        clock: FrozenClock,
    ) -> None:
        endpoint, secret = add_endpoint(db, world, admin, hook.url, settings)
        hook.statuses = [500]
        open_ask(db, world, member)

        run_jobs(session_factory, edges, settings)
        [delivery] = deliveries(db, endpoint)
        assert delivery.status == DeliveryStatus.PENDING.value
        assert delivery.next_attempt_at == clock.now() + rules.retry_wait(1)
        run_jobs(session_factory, edges, settings)
        assert len(hook.requests) == 1, "not retried before its back-off"

        clock.advance(rules.retry_wait(1))
        run_jobs(session_factory, edges, settings)

        [delivery] = deliveries(db, endpoint)
        assert delivery.status == DeliveryStatus.DELIVERED.value
        assert [(a.attempt, a.status_code, a.ok) for a in attempts(db, delivery)] == [
            (1, 500, False),
            (2, 200, True),
        ]
        first, second = hook.requests
        assert first.headers["webhook-id"] == second.headers["webhook-id"], "one message id across attempts"
        Webhook(secret).verify(second.body, second.headers)

    def test_a_receiver_that_does_not_answer_times_out(
        self,
        db: Session,
        world: World,
        admin: Person,
        member: Person,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        database: object,
    ) -> None:
        settings = Settings(
            database_url="sqlite://", webhooks_allow_private_targets=True, webhook_timeout_seconds=0.3
        )
        endpoint, _ = add_endpoint(db, world, admin, hook.url, settings)
        hook.hold = True
        open_ask(db, world, member)
        run_jobs(session_factory, edges, settings)
        [delivery] = deliveries(db, endpoint)
        [attempt] = attempts(db, delivery)
        assert attempt.ok is False and attempt.status_code is None
        assert attempt.error is not None and "no answer" in attempt.error
        assert delivery.status == DeliveryStatus.PENDING.value, "a timeout is retried like any failure"

    def test_failing_until_the_cap_switches_the_endpoint_off_and_tells_admins(
        self,
        db: Session,
        world: World,
        org: Organization,
        admin: Person,
        member: Person,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
        clock: FrozenClock,
    ) -> None:
        endpoint, _ = add_endpoint(db, world, admin, hook.url, settings)
        other_admin = world.person(org, "Olga Admin", role=Role.ADMIN)
        hook.statuses = [500] * 10
        open_ask(db, world, member)

        for attempt in range(1, settings.webhook_max_attempts + 1):
            run_jobs(session_factory, edges, settings)
            clock.advance(rules.retry_wait(attempt))

        assert len(hook.requests) == settings.webhook_max_attempts
        db.expire_all()
        switched_off = db.get(WebhookEndpoint, endpoint.id)
        assert switched_off is not None and switched_off.enabled is False
        assert switched_off.disabled_reason and "3 times" in switched_off.disabled_reason
        [delivery] = deliveries(db, endpoint)
        assert delivery.status == DeliveryStatus.FAILED.value
        told = db.scalars(
            select(Notification.person_id).where(Notification.kind == NotificationKind.WEBHOOK_DISABLED.value)
        ).all()
        assert sorted(told) == sorted([admin.id, other_admin.id])
        assert member.id not in told

        run_jobs(session_factory, edges, settings)
        open_ask(db, world, member)
        run_jobs(session_factory, edges, settings)
        assert len(hook.requests) == settings.webhook_max_attempts, "a switched-off endpoint gets nothing"


class TestSendTest:
    def test_send_test_posts_a_test_message_once(
        self,
        client: TestClient,
        db: Session,
        world: World,
        admin: Person,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
    ) -> None:
        token = world.api_token(admin)
        auth = {"Authorization": f"Bearer {token}"}
        created = client.post(
            "/api/v1/webhooks", json={"url": hook.url, "events": ["offer.made"]}, headers=auth
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        endpoint_id = created.json()["id"]
        hook.statuses = [503]

        queued = client.post(f"/api/v1/webhooks/{endpoint_id}/test", headers=auth)
        assert queued.status_code == 202
        run_jobs(session_factory, edges, settings)

        [received] = hook.requests
        payload = Webhook(secret).verify(received.body, received.headers)
        assert payload["type"] == "webhook.test"
        assert payload["data"]["endpoint_id"] == endpoint_id
        log = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=auth).json()
        assert log[0]["status"] == "failed", "a test message is tried once"
        assert log[0]["log"][0]["status_code"] == 503
        still_on = client.get(f"/api/v1/webhooks/{endpoint_id}", headers=auth).json()
        assert still_on["enabled"] is True, "a failed test does not switch the endpoint off"
        assert "secret" not in still_on
        assert secret not in json.dumps(log) and secret not in json.dumps(still_on)


class TestRetention:
    def test_finished_deliveries_are_forgotten_after_the_retention(
        self,
        db: Session,
        world: World,
        admin: Person,
        member: Person,
        hook: Receiver,
        session_factory: sessionmaker[Session],
        edges: Edges,
        settings: Settings,
        clock: FrozenClock,
    ) -> None:
        endpoint, _ = add_endpoint(db, world, admin, hook.url, settings)
        open_ask(db, world, member)
        run_jobs(session_factory, edges, settings)
        [delivery] = deliveries(db, endpoint)
        delivery_id = delivery.id
        registry = JobRegistry()
        webhook_jobs.register(registry)
        ctx = JobContext(edges=edges, settings=settings)

        registry.get(webhook_jobs.PURGE)(db, {}, ctx)  # type: ignore[misc]
        db.commit()
        assert deliveries(db, endpoint) != [], "kept within the retention"

        clock.advance(timedelta(days=settings.retention_days, minutes=1))
        registry.get(webhook_jobs.PURGE)(db, {}, ctx)  # type: ignore[misc]
        db.commit()
        assert deliveries(db, endpoint) == []
        left = db.scalars(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id)).all()
        assert left == [], "attempts go with their delivery"
