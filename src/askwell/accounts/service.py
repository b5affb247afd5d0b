"""Sign-in, sessions, invitations, password resets and API tokens.

Emails (invitations, resets) are queued as ``email.send`` jobs in the caller's transaction, so
they leave only if the change that caused them was committed.

Password work (Argon2id, tens of milliseconds) never runs inside a transaction that writes: the use
cases that need it come in steps, and the entry point ends the read before the slow step and opens
the write after it. Sign-in is ``start_sign_in`` (reads) → ``check_password`` (no transaction) →
``finish_sign_in`` (writes); accepting an invitation and resetting a password take the hash made
beforehand (``Passwords.hash``), checking their link again in the write.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from askwell.accounts import repository
from askwell.accounts.errors import BadCredentials, SlowDown, TokenInvalid, TooManyAttempts
from askwell.accounts.models import (
    ApiToken,
    Invitation,
    InvitationTeam,
    LoginFailure,
    PasswordReset,
    WebSession,
    account_key,
    client_key,
)
from askwell.accounts.schemas import ApiTokenCreate, InvitationCreate
from askwell.accounts.secrets import ARGON2, Passwords, new_token, token_hash
from askwell.core.config import Settings
from askwell.core.db import begin_read, lock_for_transaction
from askwell.core.errors import NotFound
from askwell.core.jobs import enqueue
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.errors import EmailTaken, NotAllowed, TeamNotFound
from askwell.people.models import Person, Role, TeamMembership
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


def _client_wait(db: Session, client_key: str, *, settings: Settings, now: datetime) -> int:
    """Seconds this address must still wait: 0 until it has many failures, then doubling."""
    since = now - timedelta(minutes=settings.login_window_minutes)
    count, last = repository.failures_since(db, client_key, since=since)
    over = count - settings.login_client_free_failures
    if over < 0 or last is None:
        return 0
    wait = min(int(2 ** min(over + 1, 30)), settings.login_client_max_wait_seconds)
    remaining = wait - (now - last).total_seconds()
    return max(0, math.ceil(remaining))


def _account_failures(db: Session, account_key: str, *, settings: Settings, now: datetime) -> int:
    since = now - timedelta(minutes=settings.login_window_minutes)
    return repository.failures_since(db, account_key, since=since)[0]


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


@dataclass(frozen=True)
class SignInAttempt:
    """What the read step of a sign-in found: plain values, valid after its transaction ended."""

    account_key: str
    # The one account whose hash is checked (None: no such account; a dummy hash is checked instead).
    org_id: int | None
    person_id: int | None
    password_hash: str | None
    elsewhere: bool


@dataclass(frozen=True)
class PasswordCheck:
    ok: bool
    # A hash of the same password with today's parameters, when the stored one is outdated.
    new_hash: str | None = None


def start_sign_in(
    db: Session,
    *,
    email: str,
    client: str,
    settings: Settings,
    now: datetime,
    organization: str = "",
    preferred_org_id: int | None = None,
) -> SignInAttempt:
    """The read step: refuse at once what the limits refuse anyway, and pick the account.

    Only reads (begun deferred on SQLite): the caller ends this transaction before ``check_password``.
    * Per client address: no lock-out (a bystander behind the same address must still get in), but
      past many failures a short, growing wait (``SlowDown``).
    * Per account: an account already at ``login_max_failures`` wrong passwords in the window is
      refused without spending a hash (``TooManyAttempts``); ``finish_sign_in`` counts again, under
      the account's lock, before it says anything about the password.
    * An email in several organizations signs in to the one named in ``organization`` (slug or
      name), else the one it last signed in to (``preferred_org_id``), else the oldest.
    """
    begin_read(db)
    email = email.strip().lower()[:254]
    account = account_key(email)
    if wait := _client_wait(db, client_key(client), settings=settings, now=now):
        raise SlowDown(wait)
    if _account_failures(db, account, settings=settings, now=now) >= settings.login_max_failures:
        raise TooManyAttempts(settings.login_window_minutes)
    candidates = people_repo.sign_in_accounts(db, email) if email else []
    person, elsewhere = _choose_account(candidates, organization, preferred_org_id)
    return SignInAttempt(
        account_key=account,
        org_id=person.org_id if person else None,
        person_id=person.id if person else None,
        password_hash=person.password_hash if person else None,
        elsewhere=elsewhere,
    )


def check_password(attempt: SignInAttempt, password: str, *, passwords: Passwords = ARGON2) -> PasswordCheck:
    """The slow step, with no transaction open: exactly one hash is verified per attempt."""
    if not passwords.verify(attempt.password_hash, password) or attempt.password_hash is None:
        return PasswordCheck(ok=False)
    if passwords.needs_rehash(attempt.password_hash):
        return PasswordCheck(ok=True, new_hash=passwords.hash(password))
    return PasswordCheck(ok=True)


def finish_sign_in(
    db: Session, *, attempt: SignInAttempt, check: PasswordCheck, settings: Settings, now: datetime
) -> SignedIn:
    """The write step: count the account's failures under its lock, then record the outcome.

    The count decides before the password does: an account at its limit answers ``TooManyAttempts``
    whatever the check said, so concurrent guesses learn the answer for at most
    ``login_max_failures`` of them (``core.db.lock_for_transaction`` serialises the count and the
    write). A wrong password is recorded and raises ``BadCredentials``: the caller must commit even
    then (``record_failure`` adds the client address's record). A password changed, or an account
    deactivated, since the read step counts as wrong: the check was against the old hash.
    """
    lock_for_transaction(db, attempt.account_key)
    if _account_failures(db, attempt.account_key, settings=settings, now=now) >= settings.login_max_failures:
        raise TooManyAttempts(settings.login_window_minutes)
    person = (
        people_repo.person_in_org(db, org_id=attempt.org_id, person_id=attempt.person_id)
        if attempt.org_id is not None and attempt.person_id is not None
        else None
    )
    if not check.ok or person is None or person.password_hash != attempt.password_hash:
        db.add(LoginFailure(key=attempt.account_key, at=now))
        db.flush()
        raise BadCredentials()
    if check.new_hash:
        person.password_hash = check.new_hash
    repository.clear_failures(db, attempt.account_key)
    signed = open_session(db, person=person, settings=settings, now=now)
    return SignedIn(
        person=signed.person,
        session_token=signed.session_token,
        expires_at=signed.expires_at,
        elsewhere=attempt.elsewhere,
    )


def record_failure(db: Session, *, email: str, client: str, now: datetime) -> None:
    """The client address's record of a failed sign-in (the account's was made by ``sign_in``)."""
    db.add(LoginFailure(key=client_key(client), at=now))
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
    return repository.person_for_session(db, token_hash=token_hash(token), now=now)


def sign_out(db: Session, *, token: str) -> None:
    repository.delete_session(db, token_hash(token))


def _revoke_credentials(db: Session, person: Person, *, now: datetime, keep_reset: int | None = None) -> None:
    """End every way in that was issued before now: sessions, API tokens, outstanding reset links.

    Used when the password changes and when an account is deactivated, so that neither a stolen
    token nor an old reset link outlives the event (and reactivation revives none of them).
    """
    repository.delete_sessions_of(db, org_id=person.org_id, person_id=person.id)
    repository.revoke_api_tokens_of(db, org_id=person.org_id, person_id=person.id, now=now)
    repository.spend_resets_of(db, org_id=person.org_id, person_id=person.id, now=now, keep=keep_reset)


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
    inv = repository.invitation_by_token_hash(db, token_hash(token))
    if inv is None or inv.accepted_at is not None or inv.revoked_at is not None or inv.expires_at <= now:
        raise TokenInvalid("invitation")
    return inv


def invitation_teams(db: Session, *, invitation: Invitation) -> list[str]:
    """The names of the teams the invited person will join, for the acceptance page."""
    return repository.invitation_team_names(db, invitation=invitation)


def accept_invitation(
    db: Session,
    *,
    token: str,
    profile: ProfileUpdate,
    password_hash: str,
    settings: Settings,
    now: datetime,
) -> SignedIn:
    """Join with the invitation. ``password_hash`` is made before the write (``Passwords.hash``); the
    invitation is checked again here, so a link used meanwhile by a second tab is refused."""
    inv = pending_invitation(db, token=token, now=now)
    data = PersonCreate(**profile.model_dump(), email=inv.email, role=Role(inv.role))
    person = people_service.add_person(db, org_id=inv.org_id, data=data, now=now, password_hash=password_hash)
    team_ids = repository.invitation_team_ids(db, invitation=inv)
    db.add_all(TeamMembership(org_id=inv.org_id, team_id=t, person_id=person.id) for t in sorted(team_ids))
    inv.accepted_at = now
    db.flush()
    return open_session(db, person=person, settings=settings, now=now)


def list_invitations(db: Session, *, actor: Actor) -> list[Invitation]:
    if not can_administer(actor):
        raise NotAllowed("see invitations")
    return repository.org_invitations(db, actor=actor)


def revoke_invitation(db: Session, *, actor: Actor, invitation_id: int, now: datetime) -> None:
    if not can_administer(actor):
        raise NotAllowed("revoke invitations")
    inv = repository.org_invitation(db, actor=actor, invitation_id=invitation_id)
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


def pending_reset(db: Session, *, token: str, now: datetime) -> tuple[PasswordReset, Person]:
    """The unused, unexpired reset link and its (active) person; ``TokenInvalid`` otherwise."""
    reset = repository.reset_by_token_hash(db, token_hash(token))
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        raise TokenInvalid("password reset")
    person = people_repo.person_in_org(db, org_id=reset.org_id, person_id=reset.person_id)
    if person is None:
        raise TokenInvalid("password reset")
    return reset, person


def reset_password(db: Session, *, token: str, password_hash: str, now: datetime) -> Person:
    """Set the password whose hash was made before the write (``Passwords.hash``); the link is
    checked again here, so one used meanwhile is refused."""
    reset, person = pending_reset(db, token=token, now=now)
    person.password_hash = password_hash
    reset.used_at = now
    # Whoever knew the old password may hold a token or another reset link: none of them survive.
    _revoke_credentials(db, person, now=now, keep_reset=reset.id)
    db.flush()
    return person


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
    return repository.my_api_tokens(db, actor=actor)


def revoke_api_token(db: Session, *, actor: Actor, token_id: int, now: datetime) -> None:
    row = repository.my_api_token(db, actor=actor, token_id=token_id)
    if row is None:
        raise NotFound("No such API token.")
    row.revoked_at = row.revoked_at or now
    db.flush()


def person_for_api_token(db: Session, *, token: str, now: datetime, record_use: bool = True) -> Person | None:
    """The token's person. ``record_use`` updates ``last_used_at`` (at most once a minute); reads skip
    it so that a GET never takes a write lock."""
    row = repository.api_token_by_hash(db, token_hash(token))
    if row is None or row.revoked_at is not None:
        return None
    if record_use and (row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1)):
        row.last_used_at = now
    return people_repo.person_in_org(db, org_id=row.org_id, person_id=row.person_id)
