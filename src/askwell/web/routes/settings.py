"""Account settings: personal API tokens (shown once at creation), what to be notified of and how,
and a download of one's own data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from askwell.accounts import service as accounts
from askwell.accounts.schemas import ApiTokenCreate
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.http.downloads import personal_data_response
from askwell.http.params import TokenId
from askwell.notifications import repository as notifications_repo
from askwell.notifications import service as notifications
from askwell.notifications.preferences import Channel, DigestFrequency, Event
from askwell.notifications.schemas import NotificationSettingsUpdate
from askwell.people.policy import Actor
from askwell.privacy import service as privacy
from askwell.web.forms import field_errors
from askwell.web.templating import redirect, render

router = APIRouter()


def _tokens_page(request: Request, db: Db, actor: Actor, status: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "tokens": accounts.list_api_tokens(db, actor=actor),
        "new_token": None,
        "errors": {},
        "values": {},
        **extra,
    }
    return render(request, "accounts/tokens.html", context, status_code=status)


@router.get("/settings/tokens")
def tokens(request: Request, db: Db, actor: PageActor) -> Response:
    return _tokens_page(request, db, actor)


@router.post("/settings/tokens")
def create_token(
    request: Request, db: Db, actor: PageActor, now: Now, name: Annotated[str, Form()] = ""
) -> Response:
    try:
        data = ApiTokenCreate(name=name)
    except ValidationError as exc:
        return _tokens_page(request, db, actor, status=422, errors=field_errors(exc), values={"name": name})
    row, token = accounts.create_api_token(db, actor=actor, data=data, now=now)
    db.commit()
    # Rendered, not redirected: the secret must never travel in a URL or be shown a second time.
    return _tokens_page(request, db, actor, status=201, new_token=token, new_token_name=row.name)


@router.post("/settings/tokens/{token_id}/revoke")
def revoke_token(db: Db, actor: PageActor, now: Now, token_id: TokenId) -> Response:
    accounts.revoke_api_token(db, actor=actor, token_id=token_id, now=now)
    db.commit()
    return RedirectResponse("/settings/tokens?flash=Token+revoked.", status_code=303)


# --- notification settings -------------------------------------------------------------------------

_CHANNEL_ERROR = "Choose “Inbox only” or “Inbox and email”."
_DELIVERY_ERROR = "Choose one email per notification, one a day, or one a week."
_DELIVERIES = {
    "each": DigestFrequency.OFF,
    "daily": DigestFrequency.DAILY,
    "weekly": DigestFrequency.WEEKLY,
}


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Posted = Annotated[dict[str, str], Depends(_form)]


def _notifications_page(
    request: Request,
    db: Db,
    ctx: Ctx,
    actor: Actor,
    *,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    prefs = notifications_repo.preferences(db, org_id=actor.org_id, person_id=actor.person_id)
    current = notifications.settings_read(prefs, email_available=bool(ctx.settings.smtp_host))
    chosen = {f"event_{e.event.value}": e.channel.value for e in current.events}
    chosen["delivery"] = {v: k for k, v in _DELIVERIES.items()}[current.digest_frequency]
    return render(
        request,
        "settings/notifications.html",
        {"current": current, "values": {**chosen, **(values or {})}, "errors": errors or {}},
        status_code=status,
    )


@router.get("/settings/notifications")
def notification_settings(request: Request, db: Db, ctx: Ctx, actor: PageActor) -> Response:
    return _notifications_page(request, db, ctx, actor)


@router.post("/settings/notifications")
def save_notification_settings(
    request: Request, db: Db, ctx: Ctx, actor: PageActor, now: Now, posted: Posted
) -> Response:
    events: dict[Event, Channel] = {}
    errors: dict[str, str] = {}
    for event in Event:
        name = f"event_{event.value}"
        if name not in posted:
            continue  # a form from before this event existed: keep what is set
        try:
            events[event] = Channel(posted[name])
        except ValueError:
            errors[name] = _CHANNEL_ERROR
    delivery = posted.get("delivery")
    if delivery is not None and delivery not in _DELIVERIES:
        errors["delivery"] = _DELIVERY_ERROR
    if errors:
        return _notifications_page(request, db, ctx, actor, status=422, values=posted, errors=errors)
    data = NotificationSettingsUpdate(
        events=events, digest_frequency=_DELIVERIES[delivery] if delivery is not None else None
    )
    notifications.update_settings(db, actor=actor, data=data, now=now)
    db.commit()
    return redirect("/settings/notifications", "Your notification settings are saved.")


# --- your data (the right of access) -----------------------------------------------------------


@router.get("/settings/data")
def data_page(request: Request, actor: PageActor) -> Response:
    return render(request, "settings/data.html", {})


@router.get("/settings/data/download")
def data_download(db: Db, actor: PageActor, now: Now) -> Response:
    return personal_data_response(privacy.export_person(db, actor=actor, now=now), now=now)
