"""Every query of the Slack domain, scoped to one organization (or, for what Slack sends us, to the
workspace's one installation: a team id names one organization)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from askwell.core.db import rows_affected
from askwell.slack.models import SlackInstallation, SlackInstallState, SlackLink, SlackSubmission

#: People one matching run looks up (each is one users.lookupByEmail job).
MATCH_BATCH = 500


def installation(db: Session, *, org_id: int) -> SlackInstallation | None:
    return db.scalar(select(SlackInstallation).where(SlackInstallation.org_id == org_id))


def installation_of_team(db: Session, *, team_id: str) -> SlackInstallation | None:
    return db.scalar(select(SlackInstallation).where(SlackInstallation.team_id == team_id))


def delete_installation(db: Session, *, org_id: int) -> int:
    db.execute(delete(SlackLink).where(SlackLink.org_id == org_id))
    db.execute(delete(SlackSubmission).where(SlackSubmission.org_id == org_id))
    return rows_affected(db.execute(delete(SlackInstallation).where(SlackInstallation.org_id == org_id)))


def deactivate(db: Session, *, org_id: int, reason: str, now: datetime) -> bool:
    """Switch the installation off once (True for the call that did it)."""
    result = db.execute(
        update(SlackInstallation)
        .where(SlackInstallation.org_id == org_id, SlackInstallation.active.is_(True))
        .values(active=False, inactive_reason=reason[:300], updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


def state(db: Session, *, state_hash: str) -> SlackInstallState | None:
    return db.scalar(select(SlackInstallState).where(SlackInstallState.state_hash == state_hash))


def use_state(db: Session, *, state_id: int, now: datetime) -> bool:
    """Mark an install state used; False when it already was (a replayed callback)."""
    result = db.execute(
        update(SlackInstallState)
        .where(SlackInstallState.id == state_id, SlackInstallState.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return rows_affected(result) == 1


def purge_states(db: Session, *, before: datetime) -> int:
    return rows_affected(db.execute(delete(SlackInstallState).where(SlackInstallState.expires_at < before)))


def links(db: Session, *, org_id: int) -> list[SlackLink]:
    return list(db.scalars(select(SlackLink).where(SlackLink.org_id == org_id).order_by(SlackLink.person_id)))


def link_of_person(db: Session, *, org_id: int, person_id: int) -> SlackLink | None:
    return db.scalar(select(SlackLink).where(SlackLink.org_id == org_id, SlackLink.person_id == person_id))


def link_of_user(db: Session, *, org_id: int, slack_user_id: str) -> SlackLink | None:
    return db.scalar(
        select(SlackLink).where(SlackLink.org_id == org_id, SlackLink.slack_user_id == slack_user_id)
    )


def unlink(db: Session, *, org_id: int, person_id: int) -> int:
    return rows_affected(
        db.execute(delete(SlackLink).where(SlackLink.org_id == org_id, SlackLink.person_id == person_id))
    )


def submission(db: Session, *, org_id: int, view_id: str) -> SlackSubmission | None:
    return db.scalar(
        select(SlackSubmission).where(SlackSubmission.org_id == org_id, SlackSubmission.view_id == view_id)
    )


def reseal_tokens(db: Session, *, reseal: Callable[[str], str]) -> int:
    """Write every installation's bot token again under the first key (all organizations: an
    operator's key rotation, ``askwell db rotate-key``); the token stays encrypted throughout."""
    rows = list(db.scalars(select(SlackInstallation).order_by(SlackInstallation.id)))
    for row in rows:
        row.bot_token = reseal(row.bot_token)
    db.flush()
    return len(rows)
