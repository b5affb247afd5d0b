"""Sign-in, invitations, resets and tokens on a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from askwell.accounts import service
from askwell.accounts.errors import BadCredentials, TokenInvalid, TooManyAttempts, WeakPassword
from askwell.accounts.schemas import ApiTokenCreate, InvitationCreate
from askwell.core.config import Settings
from askwell.core.errors import NotFound
from askwell.core.jobs import Job
from askwell.people.errors import EmailTaken, NotAllowed, TeamNotFound
from askwell.people.models import Role, Team, TeamMembership
from askwell.people.schemas import ProfileUpdate
from tests.conftest import NOW, PASSWORD, World

SETTINGS = Settings(login_max_failures=3)


def _emails(db: Session) -> list[dict]:
    return [j.payload for j in db.scalars(select(Job).where(Job.kind == "email.send").order_by(Job.id))]


class TestSignIn:
    def test_right_password_opens_a_session_that_resolves_to_the_person(
        self, db: Session, world: World
    ) -> None:
        person = world.person(world.org(), password=PASSWORD)
        signed = service.sign_in(
            db, email=person.email, password=PASSWORD, client="1.2.3.4", settings=SETTINGS, now=world.now
        )
        assert service.person_for_session(db, token=signed.session_token, now=world.now).id == person.id

    def test_sessions_expire(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        signed = service.sign_in(
            db, email=person.email, password=PASSWORD, client="c", settings=SETTINGS, now=world.now
        )
        later = world.now + timedelta(days=SETTINGS.session_days, seconds=1)
        assert service.person_for_session(db, token=signed.session_token, now=later) is None

    def test_sign_out_ends_the_session(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        signed = service.sign_in(
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
            service.sign_in(
                db, email=person.email, password=PASSWORD, client="c", settings=SETTINGS, now=world.now
            )

    def test_too_many_failures_lock_the_email_for_the_window(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        for _ in range(3):
            service.record_failure(db, email=person.email, client=f"ip-{_}", now=world.now)
        with pytest.raises(TooManyAttempts):
            service.sign_in(
                db, email=person.email, password=PASSWORD, client="fresh", settings=SETTINGS, now=world.now
            )
        later = world.now + timedelta(minutes=SETTINGS.login_window_minutes + 1)
        assert service.sign_in(
            db, email=person.email, password=PASSWORD, client="fresh", settings=SETTINGS, now=later
        )


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
            password=PASSWORD,
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
                password=PASSWORD,
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
            service.accept_invitation(
                db,
                token=token,
                profile=ProfileUpdate(name="Z"),
                password="short",
                settings=SETTINGS,
                now=world.now,
            )
        assert service.pending_invitation(db, token=token, now=world.now)


class TestPasswordReset:
    def test_reset_changes_the_password_once_and_ends_every_session(self, db: Session, world: World) -> None:
        person = world.person(world.org(), password=PASSWORD)
        old = service.open_session(db, person=person, settings=SETTINGS, now=world.now)
        service.request_reset(db, email=person.email.upper(), settings=SETTINGS, now=world.now)
        [email] = _emails(db)
        token = email["body"].split("/reset/")[1].split()[0]
        service.reset_password(db, token=token, password="a brand new secret", now=world.now)
        assert service.person_for_session(db, token=old.session_token, now=world.now) is None
        assert service.sign_in(
            db,
            email=person.email,
            password="a brand new secret",
            client="c",
            settings=SETTINGS,
            now=world.now,
        )
        with pytest.raises(TokenInvalid):
            service.reset_password(db, token=token, password="another new secret", now=world.now)

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
            db, token=token, profile=ProfileUpdate(name="Neo"), password=PASSWORD, settings=SETTINGS, now=now
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
