"""The accounts domain's part of a privacy request: every credential of an erased person deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from askwell.accounts.models import ApiToken, Invitation, LoginFailure, PasswordReset, WebSession
from askwell.core.jobs import RUNNING, Job
from askwell.people.models import Person


def erase_credentials(db: Session, *, person: Person, email: str) -> None:
    """Delete (not merely revoke) sessions, tokens, reset links, invitations to ``email``, sign-in
    failures keyed by it and emails to it: a revoked row would still hold a token name or the address."""
    org, pid = person.org_id, person.id
    db.execute(delete(WebSession).where(WebSession.org_id == org, WebSession.person_id == pid))
    db.execute(delete(ApiToken).where(ApiToken.org_id == org, ApiToken.person_id == pid))
    db.execute(delete(PasswordReset).where(PasswordReset.org_id == org, PasswordReset.person_id == pid))
    db.execute(
        delete(Invitation).where(Invitation.org_id == org, func.lower(Invitation.email) == email.lower())
    )
    # Sign-in failures are keyed by address across organizations: only this address's, and it is theirs.
    db.execute(delete(LoginFailure).where(LoginFailure.key == f"email:{email.lower()}"))
    _forget_recipient(db, org_id=org, address=email)
    db.flush()


def _forget_recipient(db: Session, *, org_id: int, address: str) -> None:
    """Emails to the address, queued or kept after sending, go: their payload holds the address and
    the text. A job running right now is left alone (its worker holds it); it is the one miss."""
    stmt = select(Job.id, Job.payload).where(Job.org_id == org_id, Job.status != RUNNING)
    addressed = [
        job_id
        for job_id, payload in db.execute(stmt.execution_options(yield_per=500))
        if isinstance(payload, dict) and str(payload.get("to", "")).lower() == address.lower()
    ]
    for start in range(0, len(addressed), 500):
        db.execute(delete(Job).where(Job.id.in_(addressed[start : start + 500])))


def export_credentials(db: Session, *, person: Person) -> dict[str, Any]:
    """Names and dates of the person's API tokens; never a hash."""
    tokens = db.scalars(
        select(ApiToken)
        .where(ApiToken.org_id == person.org_id, ApiToken.person_id == person.id)
        .order_by(ApiToken.id)
    ).all()
    return {
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": t.created_at.isoformat(),
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in tokens
        ]
    }
