"""Every query of the accounts domain: sessions, API tokens, invitations, reset links, sign-in failures.

Credentials are looked up by the SHA-256 hash of their token before anyone is known (that lookup is
the sign-in), so those reads are unscoped by design: a token hash is unique in the whole database.
Everything else is scoped to one organization and, for a person's own credentials, to that person.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from askwell.accounts.models import (
    ApiToken,
    Invitation,
    InvitationTeam,
    LoginFailure,
    PasswordReset,
    WebSession,
    account_key,
)
from askwell.core.jobs import RUNNING, Job
from askwell.people.models import Person, Team
from askwell.people.policy import Actor

# --- sign-in failures (keyed by ``models.account_key`` or ``models.client_key``, across organizations) --


def failures_since(db: Session, key: str, *, since: datetime) -> tuple[int, datetime | None]:
    """How many failures the key has had since ``since``, and when the last one was."""
    count, last = db.execute(
        select(func.count(), func.max(LoginFailure.at)).where(
            LoginFailure.key == key, LoginFailure.at >= since
        )
    ).one()
    return int(count or 0), last


def clear_failures(db: Session, key: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.key == key))


# --- sessions and credentials of one person ---------------------------------------------------------


def session_by_token_hash(db: Session, digest: str) -> WebSession | None:
    return db.scalar(select(WebSession).where(WebSession.token_hash == digest))


def delete_session(db: Session, digest: str) -> None:
    db.execute(delete(WebSession).where(WebSession.token_hash == digest))


def delete_sessions_of(db: Session, *, org_id: int, person_id: int) -> None:
    db.execute(delete(WebSession).where(WebSession.org_id == org_id, WebSession.person_id == person_id))


def revoke_api_tokens_of(db: Session, *, org_id: int, person_id: int, now: datetime) -> None:
    db.execute(
        update(ApiToken)
        .where(ApiToken.org_id == org_id, ApiToken.person_id == person_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def spend_resets_of(
    db: Session, *, org_id: int, person_id: int, now: datetime, keep: int | None = None
) -> None:
    """Mark every outstanding reset link of the person used, except ``keep`` (the one being used)."""
    outstanding = update(PasswordReset).where(
        PasswordReset.org_id == org_id,
        PasswordReset.person_id == person_id,
        PasswordReset.used_at.is_(None),
    )
    if keep is not None:
        outstanding = outstanding.where(PasswordReset.id != keep)
    db.execute(outstanding.values(used_at=now))


def reset_by_token_hash(db: Session, digest: str) -> PasswordReset | None:
    return db.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest))


# --- API tokens ---------------------------------------------------------------------------------------


def api_token_by_hash(db: Session, digest: str) -> ApiToken | None:
    return db.scalar(select(ApiToken).where(ApiToken.token_hash == digest))


def my_api_tokens(db: Session, *, actor: Actor) -> list[ApiToken]:
    """The acting person's tokens, newest first (nobody lists another person's)."""
    return list(
        db.scalars(
            select(ApiToken)
            .where(ApiToken.org_id == actor.org_id, ApiToken.person_id == actor.person_id)
            .order_by(ApiToken.created_at.desc())
        )
    )


def my_api_token(db: Session, *, actor: Actor, token_id: int) -> ApiToken | None:
    return db.scalar(
        select(ApiToken).where(
            ApiToken.org_id == actor.org_id, ApiToken.person_id == actor.person_id, ApiToken.id == token_id
        )
    )


def api_tokens_of(db: Session, *, org_id: int, person_id: int) -> list[ApiToken]:
    """A person's tokens, oldest first: their data download."""
    return list(
        db.scalars(
            select(ApiToken)
            .where(ApiToken.org_id == org_id, ApiToken.person_id == person_id)
            .order_by(ApiToken.id)
        )
    )


# --- invitations ------------------------------------------------------------------------------------


def invitation_by_token_hash(db: Session, digest: str) -> Invitation | None:
    return db.scalar(select(Invitation).where(Invitation.token_hash == digest))


def org_invitations(db: Session, *, actor: Actor) -> list[Invitation]:
    """The actor's organization's invitations, newest first (callers check the actor may see them)."""
    return list(
        db.scalars(
            select(Invitation).where(Invitation.org_id == actor.org_id).order_by(Invitation.created_at.desc())
        )
    )


def org_invitation(db: Session, *, actor: Actor, invitation_id: int) -> Invitation | None:
    return db.scalar(
        select(Invitation).where(Invitation.org_id == actor.org_id, Invitation.id == invitation_id)
    )


def invitation_team_ids(db: Session, *, invitation: Invitation) -> set[int]:
    """Teams the invited person joins; teams deleted since are gone (the rows cascade with the team)."""
    return set(
        db.scalars(
            select(InvitationTeam.team_id).where(
                InvitationTeam.org_id == invitation.org_id, InvitationTeam.invitation_id == invitation.id
            )
        )
    )


def invitation_team_names(db: Session, *, invitation: Invitation) -> list[str]:
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


def pending_invitations(db: Session, *, org_id: int) -> list[Invitation]:
    """Invitations still waiting for an answer (not accepted, not revoked), oldest first: exports."""
    return list(
        db.scalars(
            select(Invitation)
            .where(
                Invitation.org_id == org_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


def invitation_team_pairs(db: Session, *, org_id: int) -> list[tuple[int, int]]:
    """(invitation id, team id) for every invitation of the organization."""
    rows = db.execute(
        select(InvitationTeam.invitation_id, InvitationTeam.team_id).where(InvitationTeam.org_id == org_id)
    )
    return [(invitation_id, team_id) for invitation_id, team_id in rows]


def taken_token_hashes(db: Session, digests: Iterable[str]) -> set[str]:
    """Which of these invitation token hashes exist anywhere: a token hash is unique in the database,
    so this one is deliberately not scoped to an organization."""
    wanted = sorted(set(digests))
    if not wanted:
        return set()
    return set(db.scalars(select(Invitation.token_hash).where(Invitation.token_hash.in_(wanted))))


# --- erasure ------------------------------------------------------------------------------------------


def delete_credentials_of(db: Session, *, org_id: int, person_id: int, email: str) -> None:
    """Delete (not revoke) a person's sessions, tokens and reset links, invitations to their address
    and the sign-in failures keyed by it (keyed across organizations: only this address's)."""
    db.execute(delete(WebSession).where(WebSession.org_id == org_id, WebSession.person_id == person_id))
    db.execute(delete(ApiToken).where(ApiToken.org_id == org_id, ApiToken.person_id == person_id))
    db.execute(
        delete(PasswordReset).where(PasswordReset.org_id == org_id, PasswordReset.person_id == person_id)
    )
    db.execute(
        delete(Invitation).where(Invitation.org_id == org_id, func.lower(Invitation.email) == email.lower())
    )
    db.execute(delete(LoginFailure).where(LoginFailure.key == account_key(email)))


def delete_emails_to(db: Session, *, org_id: int, address: str) -> None:
    """Queued or kept emails to the address: their payload holds the address and the text. A job
    running right now is left alone (its worker holds it); it is the one miss."""
    stmt = select(Job.id, Job.payload).where(Job.org_id == org_id, Job.status != RUNNING)
    addressed = [
        job_id
        for job_id, payload in db.execute(stmt.execution_options(yield_per=500))
        if isinstance(payload, dict) and str(payload.get("to", "")).lower() == address.lower()
    ]
    for start in range(0, len(addressed), 500):
        db.execute(delete(Job).where(Job.id.in_(addressed[start : start + 500])))


def person_for_session(db: Session, *, token_hash: str, now: datetime) -> Person | None:
    """The active person behind an unexpired session, in one query (it runs on every signed-in request)."""
    return db.scalar(
        select(Person)
        .join(WebSession, (WebSession.org_id == Person.org_id) & (WebSession.person_id == Person.id))
        .where(WebSession.token_hash == token_hash, WebSession.expires_at > now)
        .where(Person.is_active.is_(True))
    )
