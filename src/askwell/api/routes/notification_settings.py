"""The signed-in person's notification settings: which events also come by email, and the digest."""

from __future__ import annotations

from fastapi import APIRouter

from askwell.http.deps import ApiActor, Ctx, Db, Now
from askwell.notifications import repository, service
from askwell.notifications.schemas import NotificationSettingsRead, NotificationSettingsUpdate

router = APIRouter(tags=["me"])


@router.get(
    "/me/notification-settings",
    response_model=NotificationSettingsRead,
    summary="Your notification settings",
    description="Every event with its channel (`inbox` only, or `email` too), and how emails come "
    "(`digest_frequency`: `off` for one each, `daily` or `weekly` for one digest). Events you never "
    "changed show their default.",
)
def get_settings(db: Db, ctx: Ctx, actor: ApiActor) -> NotificationSettingsRead:
    prefs = repository.preferences(db, org_id=actor.org_id, person_id=actor.person_id)
    return service.settings_read(prefs, email_available=bool(ctx.settings.smtp_host))


@router.patch(
    "/me/notification-settings",
    response_model=NotificationSettingsRead,
    summary="Change your notification settings",
    description='Send only what changes, e.g. `{"events": {"thanks": "inbox"}, "digest_frequency": "weekly"}`.',
)
def patch_settings(
    body: NotificationSettingsUpdate, db: Db, ctx: Ctx, actor: ApiActor, now: Now
) -> NotificationSettingsRead:
    prefs = service.update_settings(db, actor=actor, data=body, now=now)
    db.commit()
    return service.settings_read(prefs, email_available=bool(ctx.settings.smtp_host))
