"""Outgoing webhooks (admins only): endpoints, their delivery log and a test message.

The signing secret is in the answer to the creation, and nowhere after."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from starlette.responses import Response

from askwell.core.db import MAX_ID
from askwell.http.deps import ApiActor, Ctx, Db, Now
from askwell.webhooks import service
from askwell.webhooks.schemas import (
    DeliveryRead,
    EndpointCreate,
    EndpointCreated,
    EndpointRead,
    EndpointUpdate,
)

router = APIRouter(tags=["webhooks"])

EndpointId = Annotated[int, Path(ge=1, le=MAX_ID, description="A webhook endpoint's id")]


@router.get("/webhooks", response_model=list[EndpointRead], summary="Your organization's webhook endpoints")
def list_endpoints(db: Db, actor: ApiActor) -> list[EndpointRead]:
    return [EndpointRead.model_validate(e) for e in service.list_endpoints(db, actor=actor)]


@router.post(
    "/webhooks",
    response_model=EndpointCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Add an endpoint; copy `secret` now, it is never shown again",
)
def create_endpoint(body: EndpointCreate, db: Db, ctx: Ctx, actor: ApiActor, now: Now) -> EndpointCreated:
    endpoint, secret = service.create_endpoint(db, actor=actor, data=body, settings=ctx.settings, now=now)
    db.commit()
    return EndpointCreated(**EndpointRead.model_validate(endpoint).model_dump(), secret=secret)


@router.get("/webhooks/{endpoint_id}", response_model=EndpointRead, summary="One endpoint")
def get_endpoint(endpoint_id: EndpointId, db: Db, actor: ApiActor) -> EndpointRead:
    return EndpointRead.model_validate(service.get_endpoint(db, actor=actor, endpoint_id=endpoint_id))


@router.patch(
    "/webhooks/{endpoint_id}",
    response_model=EndpointRead,
    summary="Change events, description, or switch on/off",
)
def update_endpoint(
    endpoint_id: EndpointId, body: EndpointUpdate, db: Db, actor: ApiActor, now: Now
) -> EndpointRead:
    endpoint = service.update_endpoint(db, actor=actor, endpoint_id=endpoint_id, data=body, now=now)
    db.commit()
    return EndpointRead.model_validate(endpoint)


@router.delete(
    "/webhooks/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Remove an endpoint and its delivery log",
)
def delete_endpoint(endpoint_id: EndpointId, db: Db, actor: ApiActor) -> Response:
    service.delete_endpoint(db, actor=actor, endpoint_id=endpoint_id)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response_model=list[DeliveryRead],
    summary="The delivery log: recent messages and every attempt (status code, duration)",
)
def deliveries(
    endpoint_id: EndpointId,
    db: Db,
    actor: ApiActor,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[DeliveryRead]:
    return service.delivery_log(db, actor=actor, endpoint_id=endpoint_id, limit=limit)


@router.post(
    "/webhooks/{endpoint_id}/test",
    response_model=DeliveryRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Queue a `webhook.test` message to the endpoint (tried once)",
)
def send_test(endpoint_id: EndpointId, db: Db, actor: ApiActor, now: Now) -> DeliveryRead:
    delivery = service.send_test(db, actor=actor, endpoint_id=endpoint_id, now=now)
    db.commit()
    return DeliveryRead.model_validate(delivery)
