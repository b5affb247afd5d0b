"""Administration → Webhooks: endpoints, the secret shown once, the delivery log and "send test"."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from pydantic import ValidationError
from starlette.responses import Response

from askwell.core.db import MAX_ID
from askwell.core.errors import InvalidInput
from askwell.http.deps import Ctx, Db, Now, PageActor
from askwell.people.policy import Actor
from askwell.web.forms import field_errors
from askwell.web.routes.admin import _admin
from askwell.web.templating import redirect, render
from askwell.webhooks import rules, service
from askwell.webhooks.schemas import EndpointCreate, EndpointUpdate

router = APIRouter()

EndpointId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _list_page(
    request: Request, db: Db, actor: Actor, *, status: int = 200, created: Any = None, **form: Any
) -> Response:
    context: dict[str, Any] = {
        "endpoints": service.list_endpoints(db, actor=actor),
        "event_types": rules.EVENT_TYPES,
        "form": {"values": {"events": list(rules.EVENT_TYPES)}, "errors": {}},
        "created": created,
        **form,
    }
    return render(request, "admin/webhooks.html", context, status_code=status)


@router.get("/admin/webhooks")
def webhooks_page(request: Request, db: Db, actor: PageActor) -> Response:
    return _list_page(request, db, _admin(actor))


@router.post("/admin/webhooks")
def create_webhook(
    request: Request,
    db: Db,
    ctx: Ctx,
    actor: PageActor,
    now: Now,
    url: Annotated[str, Form(max_length=2100)] = "",
    description: Annotated[str, Form(max_length=300)] = "",
    events: Annotated[list[str] | None, Form()] = None,
) -> Response:
    _admin(actor)
    values = {"url": url, "description": description, "events": events or []}
    try:
        data = EndpointCreate(url=url, description=description, events=events or [])
        endpoint, secret = service.create_endpoint(db, actor=actor, data=data, settings=ctx.settings, now=now)
    except ValidationError as exc:
        db.rollback()
        return _list_page(
            request, db, actor, status=422, form={"values": values, "errors": field_errors(exc)}
        )
    except InvalidInput as exc:
        db.rollback()
        errors = exc.fields or {"url": exc.message}
        return _list_page(request, db, actor, status=422, form={"values": values, "errors": errors})
    db.commit()
    # The secret is on this page only: it is not in a redirect's URL, and no later page shows it.
    return _list_page(request, db, actor, created={"endpoint": endpoint, "secret": secret})


def _detail(request: Request, db: Db, actor: Actor, endpoint_id: int, now: datetime) -> Response:
    endpoint = service.get_endpoint(db, actor=actor, endpoint_id=endpoint_id)
    return render(
        request,
        "admin/webhook.html",
        {
            "endpoint": endpoint,
            "deliveries": service.delivery_log(db, actor=actor, endpoint_id=endpoint_id, limit=50),
            "event_types": rules.EVENT_TYPES,
            "now": now,
        },
    )


@router.get("/admin/webhooks/{endpoint_id}")
def webhook_page(request: Request, db: Db, actor: PageActor, now: Now, endpoint_id: EndpointId) -> Response:
    return _detail(request, db, _admin(actor), endpoint_id, now)


@router.post("/admin/webhooks/{endpoint_id}/test")
def test_webhook(db: Db, actor: PageActor, now: Now, endpoint_id: EndpointId) -> Response:
    service.send_test(db, actor=_admin(actor), endpoint_id=endpoint_id, now=now)
    db.commit()
    return redirect(f"/admin/webhooks/{endpoint_id}", "Test message queued: it appears in the log below.")


@router.post("/admin/webhooks/{endpoint_id}/events")
def set_events(
    db: Db,
    actor: PageActor,
    now: Now,
    endpoint_id: EndpointId,
    events: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        data = EndpointUpdate(events=events or [])
    except ValidationError:
        raise InvalidInput(
            "Choose at least one event.", fields={"events": "Choose at least one event."}
        ) from None
    service.update_endpoint(db, actor=_admin(actor), endpoint_id=endpoint_id, data=data, now=now)
    db.commit()
    return redirect(f"/admin/webhooks/{endpoint_id}", "Events saved.")


@router.post("/admin/webhooks/{endpoint_id}/enabled")
def set_enabled(
    db: Db,
    actor: PageActor,
    now: Now,
    endpoint_id: EndpointId,
    enabled: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    on = enabled == "1"
    service.update_endpoint(
        db, actor=_admin(actor), endpoint_id=endpoint_id, data=EndpointUpdate(enabled=on), now=now
    )
    db.commit()
    return redirect(
        f"/admin/webhooks/{endpoint_id}", "Endpoint switched on." if on else "Endpoint switched off."
    )


@router.post("/admin/webhooks/{endpoint_id}/delete")
def delete_webhook(db: Db, actor: PageActor, endpoint_id: EndpointId) -> Response:
    service.delete_endpoint(db, actor=_admin(actor), endpoint_id=endpoint_id)
    db.commit()
    return redirect("/admin/webhooks", "Endpoint removed.")
