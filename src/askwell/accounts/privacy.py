"""The accounts domain's part of a privacy request: every credential of an erased person deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from askwell.accounts import repository
from askwell.people.models import Person


def erase_credentials(db: Session, *, person: Person, email: str) -> None:
    """Delete (not merely revoke) sessions, tokens, reset links, invitations to ``email``, sign-in
    failures keyed by it and emails to it: a revoked row would still hold a token name or the address."""
    repository.delete_credentials_of(db, org_id=person.org_id, person_id=person.id, email=email)
    repository.delete_emails_to(db, org_id=person.org_id, address=email)
    db.flush()


def export_credentials(db: Session, *, person: Person) -> dict[str, Any]:
    """Names and dates of the person's API tokens; never a hash."""
    tokens = repository.api_tokens_of(db, org_id=person.org_id, person_id=person.id)
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
