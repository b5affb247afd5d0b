"""Reading a person's inbox: every query takes the organization and the person it belongs to."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from askwell.notifications.models import Notification


def unread_count(db: Session, *, org_id: int, person_id: int) -> int:
    return (
        db.scalar(
            select(func.count()).where(
                Notification.org_id == org_id,
                Notification.person_id == person_id,
                Notification.read_at.is_(None),
            )
        )
        or 0
    )


def inbox(
    db: Session, *, org_id: int, person_id: int, limit: int = 50, offset: int = 0
) -> list[Notification]:
    return list(
        db.scalars(
            select(Notification)
            .where(Notification.org_id == org_id, Notification.person_id == person_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(max(1, min(limit, 100)))
            .offset(max(0, offset))
        )
    )


def is_mine(db: Session, *, org_id: int, person_id: int, notification_id: int) -> bool:
    return (
        db.scalar(
            select(Notification.id).where(
                Notification.org_id == org_id,
                Notification.person_id == person_id,
                Notification.id == notification_id,
            )
        )
        is not None
    )
