from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from askwell.notifications.models import Notification, NotificationKind
from askwell.notifications.service import Notice
from askwell.people.models import Person
from tests.conftest import World, csrf
from tests.notifications.support import tell_notice

Bearer = Callable[[Person], dict[str, str]]
URL = "/api/v1/me/notification-settings"


def channels(body: dict[str, object]) -> dict[str, str]:
    return {e["event"]: e["channel"] for e in body["events"]}  # type: ignore[attr-defined, index]


class TestGetSettings:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get(URL).status_code == 401

    def test_defaults_email_everything_one_by_one(
        self, client: TestClient, world: World, bearer: Bearer
    ) -> None:
        r = client.get(URL, headers=bearer(world.person(world.org())))
        assert r.status_code == 200
        body = r.json()
        assert body["digest"] is False
        assert body["digest_hour"] == 8
        assert body["email_available"] is False  # the test app has no SMTP server
        assert set(channels(body).values()) == {"email"}
        assert {
            "offers",
            "offer_answers",
            "help_done",
            "thanks",
            "introductions",
            "reminders",
            "direct_asks",
        } <= set(channels(body))
        assert all(e["label"] and e["description"] for e in body["events"])


class TestPatchSettings:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.patch(URL, json={"digest": True}, headers=csrf(client)).status_code == 401

    def test_changes_only_what_is_sent(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        client.patch(URL, json={"events": {"thanks": "inbox"}}, headers=headers)
        r = client.patch(URL, json={"digest": True, "events": {"reminders": "inbox"}}, headers=headers)
        assert r.status_code == 200
        assert r.json()["digest"] is True
        got = channels(r.json())
        assert (got["thanks"], got["reminders"], got["offers"]) == ("inbox", "inbox", "email")
        assert channels(client.get(URL, headers=headers).json()) == got

    def test_settings_are_the_callers_own(self, client: TestClient, world: World, bearer: Bearer) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        client.patch(URL, json={"digest": True}, headers=bearer(ada))
        assert client.get(URL, headers=bearer(grace)).json()["digest"] is False

    def test_unknown_event_or_channel_is_422(self, client: TestClient, world: World, bearer: Bearer) -> None:
        headers = bearer(world.person(world.org()))
        for body in ({"events": {"gossip": "email"}}, {"events": {"thanks": "pigeon"}}, {"colour": "blue"}):
            r = client.patch(URL, json=body, headers=headers)
            assert r.status_code == 422, body

    def test_a_browser_session_needs_the_csrf_token(
        self, client: TestClient, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        signed_in(world.person(world.org()))
        assert client.patch(URL, json={"digest": True}).status_code == 403


class TestMarkUnread:
    def test_a_read_notification_becomes_unread(
        self, client: TestClient, db: Session, world: World, bearer: Bearer
    ) -> None:
        ada = world.person(world.org(), "Ada")
        note = tell_notice(db, ada, Notice(kind=NotificationKind.THANKS, text="Thanks"), at=world.now)
        db.commit()
        headers = bearer(ada)
        assert client.post(f"/api/v1/notifications/{note.id}/read", headers=headers).json() == {"marked": 1}
        assert client.post(f"/api/v1/notifications/{note.id}/unread", headers=headers).json() == {"marked": 1}
        assert client.post(f"/api/v1/notifications/{note.id}/unread", headers=headers).json() == {"marked": 0}
        assert client.get("/api/v1/notifications", headers=headers).json()["unread"] == 1
        db.expire_all()
        assert db.get(Notification, note.id).read_at is None  # type: ignore[union-attr]

    def test_someone_elses_is_404(
        self, client: TestClient, db: Session, world: World, bearer: Bearer
    ) -> None:
        org = world.org()
        ada, grace = world.person(org, "Ada"), world.person(org, "Grace")
        note = tell_notice(db, ada, Notice(kind=NotificationKind.THANKS, text="Thanks"), at=world.now)
        db.commit()
        assert (
            client.post(f"/api/v1/notifications/{note.id}/unread", headers=bearer(grace)).status_code == 404
        )
