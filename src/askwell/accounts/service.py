"""Sign-in, sessions, invitations, password resets and API tokens.

Emails (invitations, resets) are queued as ``email.send`` jobs in the caller's transaction, so
they leave only if the change that caused them was committed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from askwell.accounts.errors import BadCredentials, SlowDown, TokenInvalid, TooManyAttempts
from askwell.accounts.models import (
    ApiToken,
    Invitation,
    InvitationTeam,
    LoginFailure,
    PasswordReset,
    WebSession,
)
from askwell.accounts.schemas import ApiTokenCreate, InvitationCreate
from askwell.accounts.secrets import hash_password, needs_rehash, new_token, token_hash, verify_password
from askwell.core.config import Settings
from askwell.core.db import lock_for_transaction
from askwell.core.errors import NotFound
from askwell.core.jobs import enqueue
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.errors import EmailTaken, NotAllowed, TeamNotFound
from askwell.people.models import Person, Team, TeamMembership
from askwell.people.policy import Actor, can_administer, can_invite
from askwell.people.repository import SignInAccount
from askwell.people.schemas import PersonCreate, ProfileUpdate

API_TOKEN_PREFIX = "aw_"


@dataclass(frozen=True)
class SignedIn:
    person: Person
    session_token: str
    expires_at: datetime
    # The same email has an account in another organization too (reachable by naming it).
    elsewhere: bool = False


def _failures(db: Session, key: str, *, since: datetime) -> tuple[int, datetime | None]:
    count, last = db.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.key == key, LoginFailure.at >= since
        )
    ).one()
    return int(count or 0), last


def _client_wait(db: Session, client_key: str, *, settings: Settings, now: datetime) -> int:
    """Seconds this address must still wait: 0 until it has many failures, then doubling."""
    since = now - timedelta(minutes=settings.login_window_minutes)
    count, last = _failures(db, client_key, since=since)
    over = count - settings.login_client_free_failures
    if over < 0 or last is None:
        return 0
    wait = min(2 ** min(over + 1, 30), settings.login_client_max_wait_seconds)
    remaining = wait - (now - last).total_seconds()
    return max(0, math.ceil(remaining))


def _choose_account(
    candidates: Sequence[SignInAccount], organization: str, preferred_org_id: int | None
) -> tuple[Person | None, bool]:
    """The one account this attempt is about, and whether the email has others.

    Exactly one password hash is checked per attempt, whatever the number of accounts, so the time a
    sign-in takes never tells how many organizations an email belongs to.
    """
    wanted = organization.strip().casefold()
    if wanted:
        chosen = next(
            (a for a in candidates if wanted in (a.org_slug.casefold(), a.org_name.casefold())), None
        )
    else:
        chosen = next((a for a in candidates if a.person.org_id == preferred_org_id), None) or next(
            iter(candidates), None
        )
    if chosen is None:
        return None, False
    return chosen.person, len(candidates) > 1


def sign_in(
    db: Session,
    *,
    email: str,
    password: str,
    client: str,
    settings: Settings,
    now: datetime,
    organization: str = "",
    preferred_org_id: int | None = None,
) -> SignedIn:
    """Check credentials and open a session.

    * Per account: at most ``login_max_failures`` wrong passwords in the window. The attempt is
      recorded *before* the password is checked, under a lock on the account's key, so concurrent
      guesses cannot all pass the check before any of them is counted.
    * Per client address: no lock-out (a bystander behind the same address must still get in), but
      past many failures a short, growing wait (``SlowDown``).
    * An email in several organizations signs in to the one named in ``organization`` (slug or
      name), else the one it last signed in to (``preferred_org_id``), else the oldest.

    A failed attempt stays recorded only if the caller commits: the caller must commit even on
    failure (``record_failure`` adds the client address's record).
    """
    email = email.strip().lower()[:254]
    account_key, client_key = f"email:{email}", f"client:{client}"[:300]
    if wait := _client_wait(db, client_key, settings=settings, now=now):
        raise SlowDown(wait)
    lock_for_transaction(db, account_key)
    since = now - timedelta(minutes=settings.login_window_minutes)
    failures, _ = _failures(db, account_key, since=since)
    if failures >= settings.login_max_failures:
        raise TooManyAttempts(settings.login_window_minutes)
    db.add(LoginFailure(key=account_key, at=now))
    db.flush()
    candidates = people_repo.sign_in_accounts(db, email) if email else []
    person, elsewhere = _choose_account(candidates, organization, preferred_org_id)
    if not verify_password(person.password_hash if person else None, password) or person is None:
        raise BadCredentials()
    if person.password_hash and needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    db.execute(delete(LoginFailure).where(LoginFailure.key == account_key))
    signed = open_session(db, person=person, settings=settings, now=now)
    return SignedIn(
        person=signed.person,
        session_token=signed.session_token,
        expires_at=signed.expires_at,
        elsewhere=elsewhere,
    )


def record_failure(db: Session, *, email: str, client: str, now: datetime) -> None:
    """The client address's record of a failed sign-in (the account's was made by ``sign_in``)."""
    db.add(LoginFailure(key=f"client:{client}"[:300], at=now))
    db.flush()


def open_session(db: Session, *, person: Person, settings: Settings, now: datetime) -> SignedIn:
    token = new_token()
    expires = now + timedelta(days=settings.session_days)
    db.add(
        WebSession(
            org_id=person.org_id,
            person_id=person.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=expires,
        )
    )
    db.flush()
    return SignedIn(person=person, session_token=token, expires_at=expires)


def person_for_session(db: Session, *, token: str, now: datetime) -> Person | None:
    # One query, not two (the session, then its person): it runs on every signed-in request.
    return db.scalar(
        select(Person)
        .join(WebSession, (WebSession.org_id == Person.org_id) & (WebSession.person_id == Person.id))
        .where(WebSession.token_hash == token_hash(token), WebSession.expires_at > now)
        .where(Person.is_active.is_(True))
    )


def sign_out(db: Session, *, token: str) -> None:
    db.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def _end_all_sessions(db: Session, person: Person) -> None:
    db.execute(
        delete(WebSession).where(WebSession.org_id == person.org_id, WebSession.person_id == person.id)
    )


def _revoke_credentials(db: Session, person: Person, *, now: datetime, keep_reset: int | None = None) -> None:
    """End every way in that was issued before now: sessions, API tokens, outstanding reset links.

    Used when the password changes and when an account is deactivated, so that neither a stolen
    token nor an old reset link outlives the event (and reactivation revives none of them).
    """
    _end_all_sessions(db, person)
    db.execute(
        update(ApiToken)
        .where(
            ApiToken.org_id == person.org_id,
            ApiToken.person_id == person.id,
            ApiToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    outstanding = update(PasswordReset).where(
        PasswordReset.org_id == person.org_id,
        PasswordReset.person_id == person.id,
        PasswordReset.used_at.is_(None),
    )
    if keep_reset is not None:
        outstanding = outstanding.where(PasswordReset.id != keep_reset)
    db.execute(outstanding.values(used_at=now))


def set_active(db: Session, *, actor: Actor, person_id: int, active: bool, now: datetime) -> Person:
    """Deactivate or reactivate an account. Deactivating revokes every credential, so reactivating
    starts from a clean slate: the person signs in again (or resets their password)."""
    person = people_service.set_active(db, actor=actor, person_id=person_id, active=active, now=now)
    if not active:
        _revoke_credentials(db, person, now=now)
    db.flush()
    return person


# --- invitations -----------------------------------------------------------------------------


def _invitation_email(*, name: str, org_name: str, teams: list[str], link: str, days: int) -> str:
    greeting = f"Hello {name}," if name else "Hello,"
    joining = f" You will join {_and_list(teams)}." if teams else ""
    return (
        f"{greeting}\n\nYou have been invited to join {org_name} on Askwell, where people ask for and "
        f"give help.{joining}\n\nAccept the invitation (valid {days} days, one use):\n{link}\n"
    )


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def invite(
    db: Session,
    *,
    actor: Actor,
    data: InvitationCreate,
    settings: Settings,
    now: datetime,
    served_url: str | None = None,
) -> tuple[Invitation, str]:
    """Invite someone by email, into the given teams; the email leaves only once this is committed.

    ``served_url`` is the address the request came in on: the link uses it when no
    ``ASKWELL_BASE_URL`` is configured, so it points at the server that sent it.
    """
    team_ids = frozenset(data.teams)
    if not can_invite(actor, role=data.role.value, team_ids=team_ids):
        raise NotAllowed("invite people" if not actor.lead_of else "invite people outside the teams you lead")
    teams = people_repo.teams_by_ids(db, actor=actor, team_ids=team_ids)
    if len(teams) != len(team_ids):
        raise TeamNotFound()
    if data.email in people_repo.emails_in_org(db, org_id=actor.org_id):
        raise EmailTaken(data.email)
    token = new_token()
    invitation = Invitation(
        org_id=actor.org_id,
        email=data.email,
        name=data.name,
        role=data.role.value,
        token_hash=token_hash(token),
        invited_by_id=actor.person_id or None,
        created_at=now,
        expires_at=now + timedelta(days=settings.invite_days),
    )
    db.add(invitation)
    db.flush()
    db.add_all(InvitationTeam(org_id=actor.org_id, invitation_id=invitation.id, team_id=t.id) for t in teams)
    org = people_repo.get_organization(db, actor.org_id)
    enqueue(
        db,
        "email.send",
        {
            "to": data.email,
            "subject": f"You're invited to {org.name} on Askwell",
            "body": _invitation_email(
                name=data.name,
                org_name=org.name,
                teams=[t.name for t in teams],
                link=f"{settings.public_url(served_url)}/invite/{token}",
                days=settings.invite_days,
            ),
        },
        now=now,
        org_id=actor.org_id,
    )
    db.flush()
    return invitation, token


def pending_invitation(db: Session, *, token: str, now: datetime) -> Invitation:
    inv = db.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if inv is None or inv.accepted_at is not None or inv.revoked_at is not None or inv.expires_at <= now:
        raise TokenInvalid("invitation")
    return inv


def invitation_teams(db: Session, *, invitation: Invitation) -> list[str]:
    """The names of the teams the invited person will join, for the acceptance page."""
    return list(
        db.scalars(
            select(Team.name)
            .join(
                InvitationTeam, (InvitationTeam.org_id == Team.org_id) & (InvitationTeam.team_id == Team.id)
            )
            .where(InvitationTeam.org_id == invitation.org_id, InvitationTeam.invitation_id == invitation.id)
            .order_by(Team.name)
        )
    )


def accept_invitation(
    db: Session, *, token: str, profile: ProfileUpdate, password: str, settings: Settings, now: datetime
) -> SignedIn:
    inv = pending_invitation(db, token=token, now=now)
    data = PersonCreate(**profile.model_dump(), email=inv.email, role=inv.role)
    person = people_service.add_person(
        db, org_id=inv.org_id, data=data, now=now, password_hash=hash_password(password)
    )
    # Teams deleted since the invitation are gone from this list (the rows cascade with the team).
    team_ids = db.scalars(
        select(InvitationTeam.team_id).where(
            InvitationTeam.org_id == inv.org_id, InvitationTeam.invitation_id == inv.id
        )
    ).all()
    db.add_all(TeamMembership(org_id=inv.org_id, team_id=t, person_id=person.id) for t in set(team_ids))
    inv.accepted_at = now
    db.flush()
    return open_session(db, person=person, settings=settings, now=now)


def list_invitations(db: Session, *, actor: Actor) -> list[Invitation]:
    if not can_administer(actor):
        raise NotAllowed("see invitations")
    return list(
        db.scalars(
            select(Invitation).where(Invitation.org_id == actor.org_id).order_by(Invitation.created_at.desc())
        )
    )


def revoke_invitation(db: Session, *, actor: Actor, invitation_id: int, now: datetime) -> None:
    if not can_administer(actor):
        raise NotAllowed("revoke invitations")
    inv = db.scalar(
        select(Invitation).where(Invitation.org_id == actor.org_id, Invitation.id == invitation_id)
    )
    if inv is None:
        raise NotFound("No such invitation.")
    if inv.accepted_at is None:
        inv.revoked_at = now
    db.flush()


# --- password reset ----------------------------------------------------------------------------


def request_reset(
    db: Session, *, email: str, settings: Settings, now: datetime, served_url: str | None = None
) -> None:
    """Queue a reset email for every account with that email; silent when there is none.

    ``served_url``: as for ``invite``, where the link points when no base URL is configured."""
    for person in people_repo.accounts_for_sign_in(db, email):
        token = new_token()
        db.add(
            PasswordReset(
                org_id=person.org_id,
                person_id=person.id,
                token_hash=token_hash(token),
                created_at=now,
                expires_at=now + timedelta(minutes=settings.reset_minutes),
            )
        )
        org = people_repo.get_organization(db, person.org_id)
        enqueue(
            db,
            "email.send",
            {
                "to": person.email,
                "subject": f"Reset your Askwell password ({org.name})",
                "body": (
                    f"Hello {person.name},\n\nSomeone asked to reset your Askwell password for {org.name}. "
                    f"If it was you, choose a new one within {settings.reset_minutes} minutes:\n"
                    f"{settings.public_url(served_url)}/reset/{token}\n\nIf it was not you, ignore this email.\n"
                ),
            },
            now=now,
            org_id=person.org_id,
        )
    db.flush()


def reset_password(db: Session, *, token: str, password: str, now: datetime) -> Person:
    reset = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        raise TokenInvalid("password reset")
    person = people_repo.person_in_org(db, org_id=reset.org_id, person_id=reset.person_id)
    if person is None:
        raise TokenInvalid("password reset")
    person.password_hash = hash_password(password)
    reset.used_at = now
    # Whoever knew the old password may hold a token or another reset link: none of them survive.
    _revoke_credentials(db, person, now=now, keep_reset=reset.id)
    db.flush()
    return person


def set_password(db: Session, *, person: Person, password: str) -> None:
    person.password_hash = hash_password(password)
    db.flush()


# --- API tokens --------------------------------------------------------------------------------


def create_api_token(
    db: Session, *, actor: Actor, data: ApiTokenCreate, now: datetime, via_token: bool = False
) -> tuple[ApiToken, str]:
    """A new personal token. Only a signed-in person (session) may mint one: a token that could mint
    tokens would let a leaked token outlive its own revocation."""
    if via_token:
        raise NotAllowed("create API tokens with an API token; sign in and use Settings → API tokens")
    token = new_token(API_TOKEN_PREFIX)
    row = ApiToken(
        org_id=actor.org_id,
        person_id=actor.person_id,
        name=data.name,
        prefix=token[:10],
        token_hash=token_hash(token),
        created_at=now,
    )
    db.add(row)
    db.flush()
    return row, token


def list_api_tokens(db: Session, *, actor: Actor) -> list[ApiToken]:
    return list(
        db.scalars(
            select(ApiToken)
            .where(ApiToken.org_id == actor.org_id, ApiToken.person_id == actor.person_id)
            .order_by(ApiToken.created_at.desc())
        )
    )


def revoke_api_token(db: Session, *, actor: Actor, token_id: int, now: datetime) -> None:
    row = db.scalar(
        select(ApiToken).where(
            ApiToken.org_id == actor.org_id, ApiToken.person_id == actor.person_id, ApiToken.id == token_id
        )
    )
    if row is None:
        raise NotFound("No such API token.")
    row.revoked_at = row.revoked_at or now
    db.flush()


def person_for_api_token(db: Session, *, token: str, now: datetime, record_use: bool = True) -> Person | None:
    """The token's person. ``record_use`` updates ``last_used_at`` (at most once a minute); reads skip
    it so that a GET never takes a write lock."""
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    if record_use and (row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1)):
        row.last_used_at = now
    return people_repo.person_in_org(db, org_id=row.org_id, person_id=row.person_id)
