"""Sign-in, sessions, invitations, password resets and API tokens.

Emails (invitations, resets) are queued as ``email.send`` jobs in the caller's transaction, so
they leave only if the change that caused them was committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from askwell.accounts.errors import BadCredentials, TokenInvalid, TooManyAttempts
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
from askwell.core.errors import NotFound
from askwell.core.jobs import enqueue
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.errors import EmailTaken, NotAllowed, TeamNotFound
from askwell.people.models import Person, Team, TeamMembership
from askwell.people.policy import Actor, can_administer, can_invite
from askwell.people.schemas import PersonCreate, ProfileUpdate

API_TOKEN_PREFIX = "aw_"


@dataclass(frozen=True)
class SignedIn:
    person: Person
    session_token: str
    expires_at: datetime


def _check_rate(db: Session, keys: list[str], *, settings: Settings, now: datetime) -> None:
    since = now - timedelta(minutes=settings.login_window_minutes)
    for key in keys:
        count = db.scalar(select(func.count()).where(LoginFailure.key == key, LoginFailure.at >= since)) or 0
        if count >= settings.login_max_failures:
            raise TooManyAttempts(settings.login_window_minutes)


def sign_in(
    db: Session, *, email: str, password: str, client: str, settings: Settings, now: datetime
) -> SignedIn:
    """Check credentials (rate-limited per email and per client) and open a session.

    The same email may exist in several organizations; the first one whose password matches wins.
    Failures are recorded by the caller's transaction, so the caller must commit even on failure:
    ``record_failure`` is separate for that reason.
    """
    email = email.strip().lower()
    keys = [f"email:{email}", f"client:{client}"]
    _check_rate(db, keys, settings=settings, now=now)
    candidates = people_repo.accounts_for_sign_in(db, email) if len(email) <= 254 else []
    person = next((p for p in candidates if verify_password(p.password_hash, password)), None)
    if person is None:
        if not candidates:
            verify_password(None, password)
        raise BadCredentials()
    if person.password_hash and needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    db.execute(delete(LoginFailure).where(LoginFailure.key == keys[0]))
    return open_session(db, person=person, settings=settings, now=now)


def record_failure(db: Session, *, email: str, client: str, now: datetime) -> None:
    email = email.strip().lower()[:254]
    db.add_all(
        [LoginFailure(key=f"email:{email}", at=now), LoginFailure(key=f"client:{client}"[:300], at=now)]
    )
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
    session = db.scalar(select(WebSession).where(WebSession.token_hash == token_hash(token)))
    if session is None or session.expires_at <= now:
        return None
    return people_repo.person_in_org(db, org_id=session.org_id, person_id=session.person_id)


def sign_out(db: Session, *, token: str) -> None:
    db.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def _end_all_sessions(db: Session, person: Person) -> None:
    db.execute(
        delete(WebSession).where(WebSession.org_id == person.org_id, WebSession.person_id == person.id)
    )


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
    _end_all_sessions(db, person)
    db.flush()
    return person


def set_password(db: Session, *, person: Person, password: str) -> None:
    person.password_hash = hash_password(password)
    db.flush()


# --- API tokens --------------------------------------------------------------------------------


def create_api_token(
    db: Session, *, actor: Actor, data: ApiTokenCreate, now: datetime
) -> tuple[ApiToken, str]:
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
