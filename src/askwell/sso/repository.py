"""Every query of the single sign-on domain, scoped to one organization (or, for a callback, to the
sign-in its state names)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from askwell.core.db import rows_affected
from askwell.sso.models import SsoConfig, SsoLogin


def config(db: Session, *, org_id: int) -> SsoConfig | None:
    return db.scalar(select(SsoConfig).where(SsoConfig.org_id == org_id))


def sso_only(db: Session, *, org_id: int) -> bool:
    """Whether password sign-in is off for this organization's people."""
    found = db.scalar(
        select(SsoConfig.id).where(
            SsoConfig.org_id == org_id, SsoConfig.enabled.is_(True), SsoConfig.sso_only.is_(True)
        )
    )
    return found is not None


def login(db: Session, *, org_id: int, state_hash: str) -> SsoLogin | None:
    return db.scalar(select(SsoLogin).where(SsoLogin.org_id == org_id, SsoLogin.state_hash == state_hash))


def claim_login(db: Session, *, login_id: int, now: datetime) -> bool:
    """Mark a sign-in used, once: of two callbacks with the same state, one wins."""
    result = db.execute(
        update(SsoLogin)
        .where(SsoLogin.id == login_id, SsoLogin.used_at.is_(None), SsoLogin.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


def purge_logins(db: Session, *, before: datetime) -> int:
    result = db.execute(delete(SsoLogin).where(SsoLogin.expires_at < before))
    return rows_affected(result)


def reseal_secrets(db: Session) -> int:
    """Write every provider's client secret again (all organizations: an operator's key rotation)."""
    rows = list(db.scalars(select(SsoConfig).order_by(SsoConfig.id)))
    for row in rows:
        flag_modified(row, "client_secret")
    db.flush()
    return len(rows)
