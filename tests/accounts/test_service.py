"""Sign-in, invitations, resets and tokens on a real database."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell import wiring
from askwell.accounts import service
from askwell.accounts.errors import BadCredentials, SlowDown, TokenInvalid, TooManyAttempts, WeakPassword
from askwell.accounts.schemas import ApiTokenCreate, InvitationCreate
from askwell.accounts.secrets import ARGON2, hash_password
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.errors import NotFound
from askwell.core.jobs import Job
from askwell.core.uow import unit_of_work
from askwell.people import service as people_service
from askwell.people.errors import EmailTaken, NotAllowed, TeamNotFound
from askwell.people.models import Role, Team, TeamMembership
from askwell.people.schemas import OrganizationCreate, PersonCreate, ProfileUpdate
from tests.conftest import NOW, PASSWORD, World

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

SETTINGS = Settings(login_max_failures=3)
NEW_SECRET = "a brand new secret"


def sign_in(
    db: Session, *, email: str, password: str, client: str, settings: Settings, now: Any, **kw: Any
) -> service.SignedIn:
    """The steps as the sign-in page runs them: read, end the read, check the hash, write."""
    attempt = service.start_sign_in(db, email=email, client=client, settings=settings, now=now, **kw)
    db.commit()
    check = service.check_password(attempt, password)
    return service.finish_sign_in(db, attempt=attempt, check=check, settings=settings, now=now)


def _emails(db: Session) -> list[dict]:
    return [j.payload for j in db.scalars(select(Job).where(Job.kind == "email.send").order_by(Job.id))]


class TestSignIn:
    def test_right_password_opens_a_session_that_resolves_to_the_person(
        self, db: Session, world: World
    ) -> None:
        person = world.person(world.org(), password=PASSWORD)
        signed = sign_in(
            db, email=person.email, password=PASSWORD, client="1.2.3.4", settings=SETTINGS, now=world.now
        )
        assert service.person_for_session(db, token=signed.session_token, now=world.now).id == person.id

    def test_sessions_expire(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        signed = sign_in(
            db, email=person.email, password=PASSWORD, client="c", settings=SETTINGS, now=world.now
        )
        later = world.now + timedelta(days=SETTINGS.session_days, seconds=1)
        assert service.person_for_session(db, token=signed.session_token, now=later) is None

    def test_sign_out_ends_the_session(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        signed = sign_in(
            db, email=person.email, password=PASSWORD, client="c", settings=SETTINGS, now=world.now
        )
        service.sign_out(db, token=signed.session_token)
        assert service.person_for_session(db, token=signed.session_token, now=world.now) is None

    def test_passwords_are_stored_as_argon2_hashes(self, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        assert person.password_hash.startswith("$argon2id$")
        assert PASSWORD not in person.password_hash

    def test_deactivated_people_cannot_sign_in(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        person.is_active = False
        db.flush()
        with pytest.raises(BadCredentials):
            sign_in(db, email=person.email, password=PASSWORD, client="c", settings=SETTINGS, now=world.now)

    def test_too_many_failures_lock_the_email_for_the_window(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        for n in range(3):
            with pytest.raises(BadCredentials):
                sign_in(
                    db,
                    email=person.email,
                    password="wrong",
                    client=f"ip-{n}",
                    settings=SETTINGS,
                    now=world.now,
                )
        with pytest.raises(TooManyAttempts):
            sign_in(
                db, email=person.email, password=PASSWORD, client="fresh", settings=SETTINGS, now=world.now
            )
        later = world.now + timedelta(minutes=SETTINGS.login_window_minutes + 1)
        assert sign_in(
            db, email=person.email, password=PASSWORD, client="fresh", settings=SETTINGS, now=later
        )

    def test_failures_from_one_address_slow_it_down_but_never_lock_out_a_colleague(
        self, db: Session, world: World
    ) -> None:
        settings = Settings(login_max_failures=3, login_client_free_failures=4)
        org = world.org()
        colleague = world.person(org, password=PASSWORD)
        for n in range(settings.login_client_free_failures):
            with pytest.raises(BadCredentials):
                sign_in(
                    db,
                    email=f"guess{n}@example.com",
                    password="x",
                    client="office",
                    settings=settings,
                    now=world.now,
                )
            service.record_failure(db, email=f"guess{n}@example.com", client="office", now=world.now)
        # Past the free failures the address waits 2 s, then may try again: no lock-out.
        with pytest.raises(SlowDown) as slowed:
            sign_in(
                db,
                email=colleague.email,
                password=PASSWORD,
                client="office",
                settings=settings,
                now=world.now,
            )
        assert slowed.value.retry_after == 2
        later = world.now + timedelta(seconds=2)
        assert sign_in(
            db, email=colleague.email, password=PASSWORD, client="office", settings=settings, now=later
        )

    def test_an_email_in_two_organizations_signs_in_to_the_one_named(self, db: Session, world: World) -> None:
        acme, globex = world.org("Acme"), world.org("Globex")
        older = world.person(acme, "Ada A", email="ada@example.com", password=PASSWORD)
        newer = world.person(globex, "Ada G", email="ada@example.com", password="globex password")

        def sign(password: str, **kw: Any) -> service.SignedIn:
            return sign_in(
                db,
                email="ada@example.com",
                password=password,
                client="c",
                settings=SETTINGS,
                now=world.now,
                **kw,
            )

        default = sign(PASSWORD)
        assert (default.person.id, default.elsewhere) == (older.id, True)
        assert sign("globex password", organization=globex.slug).person.id == newer.id
        assert sign("globex password", organization="GLOBEX").person.id == newer.id
        assert sign("globex password", preferred_org_id=globex.id).person.id == newer.id
        # The other organization's password does not open the default account.
        with pytest.raises(BadCredentials):
            sign("globex password")
        with pytest.raises(BadCredentials):
            sign(PASSWORD, organization="initech")


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("ASKWELL_TEST_DATABASE_URL"),
    reason="concurrent transactions that each check the limit are the PostgreSQL deployment",
)
def test_concurrent_wrong_guesses_never_exceed_the_limit(database: TestDatabase) -> None:
    committed = database.fresh()
    try:
        factory = wiring.session_factory(committed.engine, Edges())
        with unit_of_work(factory) as db:
            org = people_service.create_organization(
                db, data=OrganizationCreate(name="Acme", slug="acme"), now=NOW
            )
            people_service.add_person(
                db,
                org_id=org.id,
                data=PersonCreate(name="Ada", email="ada@example.com"),
                now=NOW,
                password_hash=hash_password(PASSWORD),
            )
        settings = Settings(login_max_failures=10, login_client_free_failures=1000)
        attempts = 30
        start = threading.Barrier(attempts)
        outcomes: list[str] = []
        lock = threading.Lock()

        def guess(n: int) -> None:
            start.wait(timeout=60)
            with factory() as db:
                try:
                    sign_in(
                        db,
                        email="ada@example.com",
                        password=f"guess {n}",
                        client=f"c{n}",
                        settings=settings,
                        now=NOW,
                    )
                    outcome = "signed in"
                except BadCredentials:
                    outcome = "checked"
                except TooManyAttempts:
                    outcome = "refused"
                db.commit()
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(attempts)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert len(outcomes) == attempts
        assert outcomes.count("checked") == settings.login_max_failures
        assert outcomes.count("refused") == attempts - settings.login_max_failures
    finally:
        committed.drop()


class TestInvitations:
    def test_an_invitation_queues_an_email_with_a_single_use_link(self, db: Session, world: World) -> None:
        org = world.org()
        admin = world.person(org, role=Role.ADMIN)
        _, token = service.invite(
            db,
            actor=world.actor(admin),
            data=InvitationCreate(email="new@example.com", name="Neo"),
            settings=SETTINGS,
            now=world.now,
        )
        [email] = _emails(db)
        assert email["to"] == "new@example.com"
        assert f"/invite/{token}" in email["body"]
        signed = service.accept_invitation(
            db,
            token=token,
            profile=ProfileUpdate(name="Neo", timezone="Africa/Lagos"),
            password_hash=hash_password(PASSWORD),
            settings=SETTINGS,
            now=world.now,
        )
        assert (signed.person.email, signed.person.org_id, signed.person.timezone) == (
            "new@example.com",
            org.id,
            "Africa/Lagos",
        )
        with pytest.raises(TokenInvalid):
            service.accept_invitation(
                db,
                token=token,
                profile=ProfileUpdate(name="Again"),
                password_hash=hash_password(PASSWORD),
                settings=SETTINGS,
                now=world.now,
            )

    def test_an_expired_invitation_is_refused(self, db: Session, world: World) -> None:
        admin = world.person(world.org(), role=Role.ADMIN)
        _, token = service.invite(
            db,
            actor=world.actor(admin),
            data=InvitationCreate(email="x@example.com"),
            settings=SETTINGS,
            now=world.now,
        )
        with pytest.raises(TokenInvalid):
            service.pending_invitation(
                db, token=token, now=world.now + timedelta(days=SETTINGS.invite_days + 1)
            )

    def test_members_cannot_invite_and_existing_people_are_not_invited_twice(
        self, db: Session, world: World
    ) -> None:
        org = world.org()
        member = world.person(org)
        admin = world.person(org, role=Role.ADMIN)
        with pytest.raises(NotAllowed):
            service.invite(
                db,
                actor=world.actor(member),
                data=InvitationCreate(email="y@example.com"),
                settings=SETTINGS,
                now=world.now,
            )
        with pytest.raises(EmailTaken):
            service.invite(
                db,
                actor=world.actor(admin),
                data=InvitationCreate(email=member.email),
                settings=SETTINGS,
                now=world.now,
            )

    def test_a_weak_password_keeps_the_invitation_open(self, db: Session, world: World) -> None:
        admin = world.person(world.org(), role=Role.ADMIN)
        _, token = service.invite(
            db,
            actor=world.actor(admin),
            data=InvitationCreate(email="z@example.com"),
            settings=SETTINGS,
            now=world.now,
        )
        with pytest.raises(WeakPassword):
            ARGON2.hash("short")
        assert service.pending_invitation(db, token=token, now=world.now)


class TestPasswordReset:
    def test_reset_changes_the_password_once_and_ends_every_session(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        old = service.open_session(db, person=person, settings=SETTINGS, now=world.now)
        service.request_reset(db, email=person.email.upper(), settings=SETTINGS, now=world.now)
        [email] = _emails(db)
        token = email["body"].split("/reset/")[1].split()[0]
        service.reset_password(
            db, token=token, password_hash=hash_password("a brand new secret"), now=world.now
        )
        assert service.person_for_session(db, token=old.session_token, now=world.now) is None
        assert sign_in(
            db,
            email=person.email,
            password="a brand new secret",
            client="c",
            settings=SETTINGS,
            now=world.now,
        )
        with pytest.raises(TokenInvalid):
            service.reset_password(
                db, token=token, password_hash=hash_password("another new secret"), now=world.now
            )

    def test_a_reset_revokes_api_tokens_and_every_other_reset_link(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        _, api_token = service.create_api_token(
            db, actor=world.actor(person), data=ApiTokenCreate(name="ci"), now=world.now
        )
        service.request_reset(db, email=person.email, settings=SETTINGS, now=world.now)
        service.request_reset(db, email=person.email, settings=SETTINGS, now=world.now)
        first, second = (e["body"].split("/reset/")[1].split()[0] for e in _emails(db))
        service.reset_password(
            db, token=second, password_hash=hash_password("a brand new secret"), now=world.now
        )
        assert service.person_for_api_token(db, token=api_token, now=world.now) is None
        with pytest.raises(TokenInvalid):
            service.reset_password(
                db, token=first, password_hash=hash_password("an older link's secret"), now=world.now
            )

    def test_unknown_emails_queue_nothing_and_say_nothing(self, db: Session) -> None:
        service.request_reset(db, email="nobody@example.com", settings=SETTINGS, now=NOW)
        assert _emails(db) == []


class TestApiTokens:
    def test_a_revoked_token_stops_working_at_once(self, db: Session, world: World) -> None:
        person = world.person(world.org())
        row, token = service.create_api_token(
            db, actor=world.actor(person), data=ApiTokenCreate(name="ci"), now=world.now
        )
        assert token.startswith("aw_")
        assert token not in row.token_hash
        assert service.person_for_api_token(db, token=token, now=world.now).id == person.id
        service.revoke_api_token(db, actor=world.actor(person), token_id=row.id, now=world.now)
        assert service.person_for_api_token(db, token=token, now=world.now) is None

    def test_a_token_cannot_mint_tokens(self, db: Session, world: World) -> None:
        person = world.person(world.org())
        with pytest.raises(NotAllowed):
            service.create_api_token(
                db, actor=world.actor(person), data=ApiTokenCreate(name="x"), now=world.now, via_token=True
            )

    def test_reactivation_revives_no_old_session_token_or_reset_link(self, db: Session, world: World) -> None:
        org = world.org()
        admin = world.person(org, role="admin")
        person = world.person(org, password=PASSWORD)
        session = service.open_session(db, person=person, settings=SETTINGS, now=world.now)
        _, api_token = service.create_api_token(
            db, actor=world.actor(person), data=ApiTokenCreate(name="ci"), now=world.now
        )
        service.request_reset(db, email=person.email, settings=SETTINGS, now=world.now)
        [email] = _emails(db)
        reset = email["body"].split("/reset/")[1].split()[0]
        for active in (False, True):
            service.set_active(
                db, actor=world.actor(admin), person_id=person.id, active=active, now=world.now
            )
        assert service.person_for_session(db, token=session.session_token, now=world.now) is None
        assert service.person_for_api_token(db, token=api_token, now=world.now) is None
        with pytest.raises(TokenInvalid):
            service.reset_password(
                db, token=reset, password_hash=hash_password("a brand new secret"), now=world.now
            )
        assert sign_in(
            db, email=person.email, password=PASSWORD, client="c", settings=SETTINGS, now=world.now
        )

    def test_nobody_else_can_revoke_my_token(self, db: Session, world: World) -> None:
        org = world.org()
        me, other = world.person(org), world.person(org)
        row, _ = service.create_api_token(
            db, actor=world.actor(me), data=ApiTokenCreate(name="ci"), now=world.now
        )
        with pytest.raises(NotFound):
            service.revoke_api_token(db, actor=world.actor(other), token_id=row.id, now=world.now)


def _member_teams(db: Session, person_id: int) -> list[tuple[str, bool]]:
    rows = db.execute(
        select(Team.name, TeamMembership.is_lead)
        .join(Team, Team.id == TeamMembership.team_id)
        .where(TeamMembership.person_id == person_id)
        .order_by(Team.name)
    )
    return [(name, bool(lead)) for name, lead in rows]


class TestInvitationTeams:
    def _accept(self, db: Session, token: str, now: object) -> int:
        signed = service.accept_invitation(
            db,
            token=token,
            profile=ProfileUpdate(name="Neo"),
            password_hash=hash_password(PASSWORD),
            settings=SETTINGS,
            now=now,
        )
        return signed.person.id

    def test_the_person_joins_the_chosen_teams_on_accepting(self, db: Session, world: World) -> None:
        org = world.org()
        admin = world.person(org, role=Role.ADMIN)
        platform, design = world.team(org, "Platform"), world.team(org, "Design")
        world.team(org, "Sales")
        _, token = service.invite(
            db,
            actor=world.actor(admin),
            data=InvitationCreate(email="neo@example.com", teams=[platform.id, design.id]),
            settings=SETTINGS,
            now=world.now,
        )
        [email] = _emails(db)
        assert "You will join Design and Platform." in email["body"]
        person_id = self._accept(db, token, world.now)
        assert _member_teams(db, person_id) == [("Design", False), ("Platform", False)]

    def test_a_lead_invites_members_into_the_teams_they_lead_only(self, db: Session, world: World) -> None:
        org = world.org()
        platform, design = world.team(org, "Platform"), world.team(org, "Design")
        lead = world.actor(world.person(org, role=Role.LEAD, lead_of=["Platform"]))

        def invite(email: str, **fields: object) -> str:
            _, token = service.invite(
                db, actor=lead, data=InvitationCreate(email=email, **fields), settings=SETTINGS, now=world.now
            )
            return token

        token = invite("mine@example.com", teams=[platform.id])
        for refused in (
            {"teams": [design.id]},
            {"teams": [platform.id, design.id]},
            {"teams": []},
            {"teams": [platform.id], "role": Role.ADMIN},
        ):
            with pytest.raises(NotAllowed):
                invite("other@example.com", **refused)
        assert _member_teams(db, self._accept(db, token, world.now)) == [("Platform", False)]

    def test_teams_of_another_organization_are_unknown(self, db: Session, world: World) -> None:
        org = world.org()
        admin = world.person(org, role=Role.ADMIN)
        foreign = world.team(world.org("Globex"), "Platform")
        with pytest.raises(TeamNotFound):
            service.invite(
                db,
                actor=world.actor(admin),
                data=InvitationCreate(email="neo@example.com", teams=[foreign.id]),
                settings=SETTINGS,
                now=world.now,
            )
        assert _emails(db) == []


class TestInvitationEmailText:
    def test_no_name_means_a_plain_greeting(self, db: Session, world: World) -> None:
        admin = world.person(world.org(), role=Role.ADMIN)
        service.invite(
            db,
            actor=world.actor(admin),
            data=InvitationCreate(email="neo@example.com"),
            settings=SETTINGS,
            now=world.now,
        )
        [email] = _emails(db)
        assert email["body"].startswith("Hello,\n")

    def test_the_configured_base_url_wins_over_the_served_address(self, db: Session, world: World) -> None:
        admin = world.person(world.org(), role=Role.ADMIN)
        _, token = service.invite(
            db,
            actor=world.actor(admin),
            data=InvitationCreate(email="neo@example.com"),
            settings=Settings(base_url="https://askwell.acme.example/"),
            now=world.now,
            served_url="http://10.1.2.3:8000/",
        )
        [email] = _emails(db)
        assert f"https://askwell.acme.example/invite/{token}\n" in email["body"]
