from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.accounts import service as accounts
from askwell.accounts.models import PasswordReset
from askwell.accounts.schemas import InvitationCreate
from askwell.accounts.secrets import new_token, token_hash
from askwell.core.config import Settings
from askwell.core.jobs import Job
from askwell.people.models import Organization, Person
from tests.conftest import NOW, PASSWORD, World, system_actor
from tests.web.conftest import post


def invitation(db: Session, org: Organization, *, email: str = "new@example.com", days_ago: int = 0) -> str:
    _, token = accounts.invite(
        db,
        actor=system_actor(org),
        data=InvitationCreate(email=email, name="New Person"),
        settings=Settings(),
        now=NOW - timedelta(days=days_ago),
    )
    db.commit()
    return token


def reset_token(db: Session, person: Person, *, minutes_ago: int = 0) -> str:
    token = new_token()
    created = NOW - timedelta(minutes=minutes_ago)
    db.add(
        PasswordReset(
            org_id=person.org_id,
            person_id=person.id,
            token_hash=token_hash(token),
            created_at=created,
            expires_at=created + timedelta(minutes=60),
        )
    )
    db.commit()
    return token


class TestInvitationAcceptance:
    def test_valid_shows_the_org_then_creates_the_account_and_signs_in(
        self, client: TestClient, world: World, db: Session
    ) -> None:
        org = world.org("Acme")
        token = invitation(db, org)
        page = client.get(f"/invite/{token}")
        assert page.status_code == 200
        assert "Join Acme" in page.text and "new@example.com" in page.text
        assert 'value="New Person"' in page.text
        assert '<option value="Europe/Berlin"' in page.text
        r = post(
            client, f"/invite/{token}", {"name": "Nia New", "password": PASSWORD, "timezone": "Europe/Berlin"}
        )
        assert r.status_code == 303
        assert r.headers["location"].startswith("/?flash=")
        home = client.get("/")
        assert home.status_code == 200
        assert "Hello, Nia" in home.text

    def test_expired_invite(self, client: TestClient, world: World, db: Session) -> None:
        token = invitation(db, world.org(), days_ago=8)
        r = client.get(f"/invite/{token}")
        assert r.status_code == 404
        assert "invalid, was already used, or has expired" in r.text
        assert post(client, f"/invite/{token}", {"name": "X", "password": PASSWORD}).status_code == 404

    def test_used_and_unknown_invites(self, client: TestClient, world: World, db: Session) -> None:
        token = invitation(db, world.org())
        post(client, f"/invite/{token}", {"name": "Nia New", "password": PASSWORD, "timezone": "UTC"})
        client.cookies.clear()
        assert client.get(f"/invite/{token}").status_code == 404
        assert client.get("/invite/not-a-real-token").status_code == 404

    def test_weak_password_and_invalid_timezone_are_shown_in_place(
        self, client: TestClient, world: World, db: Session
    ) -> None:
        token = invitation(db, world.org())
        r = post(
            client, f"/invite/{token}", {"name": "Kept Name", "password": "short", "timezone": "Mars/Base"}
        )
        assert r.status_code == 422
        assert "Use at least 10 characters." in r.text
        assert "is not an IANA timezone" in r.text
        assert 'value="Kept Name"' in r.text
        assert "askwell_session" not in r.headers.get("set-cookie", "")
        assert client.get(f"/invite/{token}").status_code == 200

    def test_overlong_name(self, client: TestClient, world: World, db: Session) -> None:
        token = invitation(db, world.org())
        r = post(client, f"/invite/{token}", {"name": "n" * 121, "password": PASSWORD, "timezone": "UTC"})
        assert r.status_code == 422
        assert "at most 120 characters" in r.text


class TestPasswordResetRequest:
    def test_same_answer_whether_or_not_the_account_exists(
        self, client: TestClient, world: World, db: Session
    ) -> None:
        person = world.person(world.org())
        known = post(client, "/reset", {"email": person.email})
        unknown = post(client, "/reset", {"email": "ghost@example.com"})
        assert known.status_code == unknown.status_code == 200
        assert "If an account exists for" in known.text and "If an account exists for" in unknown.text
        sent_to = [j.payload["to"] for j in db.scalars(select(Job).where(Job.kind == "email.send"))]
        assert sent_to == [person.email]

    def test_form(self, client: TestClient) -> None:
        r = client.get("/reset")
        assert r.status_code == 200
        assert '<label for="f-email">Email</label>' in r.text


class TestPasswordReset:
    def test_valid_changes_the_password_and_sends_to_sign_in(
        self, client: TestClient, world: World, db: Session
    ) -> None:
        person = world.person(world.org(), password=PASSWORD)
        token = reset_token(db, person)
        assert client.get(f"/reset/{token}").status_code == 200
        r = post(
            client, f"/reset/{token}", {"password": "a brand new secret", "confirm": "a brand new secret"}
        )
        assert r.status_code == 303
        assert r.headers["location"].startswith("/signin?flash=")
        assert "Your password has been changed" in client.get(r.headers["location"]).text
        signed = post(client, "/signin", {"email": person.email, "password": "a brand new secret"})
        assert signed.status_code == 303

    def test_reused_reset_token(self, client: TestClient, world: World, db: Session) -> None:
        person = world.person(world.org(), password=PASSWORD)
        token = reset_token(db, person)
        post(client, f"/reset/{token}", {"password": "a brand new secret", "confirm": "a brand new secret"})
        again = post(
            client, f"/reset/{token}", {"password": "another new secret", "confirm": "another new secret"}
        )
        assert again.status_code == 404
        assert "invalid, was already used, or has expired" in again.text

    def test_expired_reset_token(self, client: TestClient, world: World, db: Session) -> None:
        person = world.person(world.org())
        token = reset_token(db, person, minutes_ago=61)
        r = post(
            client, f"/reset/{token}", {"password": "a brand new secret", "confirm": "a brand new secret"}
        )
        assert r.status_code == 404

    def test_mismatch_and_weak_passwords_are_shown_in_place(
        self, client: TestClient, world: World, db: Session
    ) -> None:
        person = world.person(world.org(), password=PASSWORD)
        token = reset_token(db, person)
        mismatch = post(client, f"/reset/{token}", {"password": "a brand new secret", "confirm": "different"})
        weak = post(client, f"/reset/{token}", {"password": "aaaaaaaaaaaa", "confirm": "aaaaaaaaaaaa"})
        assert mismatch.status_code == weak.status_code == 422
        assert "The two passwords differ." in mismatch.text
        assert "less repetitive" in weak.text
        assert post(client, "/signin", {"email": person.email, "password": PASSWORD}).status_code == 303


class TestApiTokens:
    def test_anonymous(self, client: TestClient) -> None:
        assert client.get("/settings/tokens").status_code == 303

    def test_valid_shows_the_token_once_and_it_works(
        self, world: World, signed_in: Callable[[Person], TestClient]
    ) -> None:
        me = world.person(world.org(), "Ada Lovelace")
        client = signed_in(me)
        created = post(client, "/settings/tokens", {"name": "Laptop script"})
        assert created.status_code == 201
        token = created.text.split('id="token-value" class="mono" type="text" readonly value="')[1].split(
            '"'
        )[0]
        assert token.startswith("aw_")
        listing = client.get("/settings/tokens")
        assert "Laptop script" in listing.text and token not in listing.text
        client.cookies.clear()
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["name"]
            == "Ada Lovelace"
        )

    def test_revoke(self, world: World, signed_in: Callable[[Person], TestClient], db: Session) -> None:
        me = world.person(world.org())
        client = signed_in(me)
        token = world.api_token(me)
        row = accounts.list_api_tokens(db, actor=world.actor(me))[0]
        assert post(client, f"/settings/tokens/{row.id}/revoke").status_code == 303
        assert "revoked" in client.get("/settings/tokens").text
        client.cookies.clear()
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    def test_other_persons_token(
        self, world: World, signed_in: Callable[[Person], TestClient], db: Session
    ) -> None:
        org = world.org()
        me = world.person(org)
        other = world.person(org)
        world.api_token(other)
        row = accounts.list_api_tokens(db, actor=world.actor(other))[0]
        assert post(signed_in(me), f"/settings/tokens/{row.id}/revoke").status_code == 404

    def test_empty_name(self, world: World, signed_in: Callable[[Person], TestClient]) -> None:
        r = post(signed_in(world.person(world.org())), "/settings/tokens", {"name": "  "})
        assert r.status_code == 422
        assert 'id="f-name-error"' in r.text
