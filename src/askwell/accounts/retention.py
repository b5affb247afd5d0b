"""What the accounts domain forgets, and when: credentials that can no longer be used, after a while.

Kept for ``retention`` (support questions: "did my invitation go out?"): used or expired reset links,
accepted, revoked or expired invitations, revoked API tokens. Expired sessions are of no use to
anyone and go at once; sign-in failures go once they fall out of the rate limit's window, which is
the only thing that reads them. Each function deletes one bounded batch (see ``core.job_upkeep``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.orm import Session

from askwell.accounts.models import ApiToken, Invitation, LoginFailure, PasswordReset, WebSession
from askwell.core.job_upkeep import PURGE_BATCH, delete_batch


@dataclass(frozen=True)
class Purged:
    sessions: int = 0
    resets: int = 0
    invitations: int = 0
    tokens: int = 0
    login_failures: int = 0

    @property
    def most(self) -> int:
        """The largest count of one table: equal to the batch size, more may be left to delete."""
        return max(self.sessions, self.resets, self.invitations, self.tokens, self.login_failures)


def purge_expired(
    db: Session,
    *,
    now: datetime,
    retention: timedelta,
    login_window: timedelta,
    limit: int = PURGE_BATCH,
) -> Purged:
    """Delete one batch (at most ``limit`` rows per table) of what the accounts domain no longer needs."""
    cutoff = now - retention
    return Purged(
        sessions=delete_batch(db, WebSession.id, WebSession.expires_at < now, limit=limit),
        resets=delete_batch(
            db,
            PasswordReset.id,
            or_(PasswordReset.used_at < cutoff, PasswordReset.expires_at < cutoff),
            limit=limit,
        ),
        # Their teams (invitation_teams) go with them: the foreign key cascades.
        invitations=delete_batch(
            db,
            Invitation.id,
            or_(
                Invitation.accepted_at < cutoff,
                Invitation.revoked_at < cutoff,
                Invitation.expires_at < cutoff,
            ),
            limit=limit,
        ),
        tokens=delete_batch(db, ApiToken.id, ApiToken.revoked_at < cutoff, limit=limit),
        login_failures=delete_batch(db, LoginFailure.id, LoginFailure.at < now - login_window, limit=limit),
    )
