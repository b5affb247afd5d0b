"""Personal API tokens: the secret is shown once, at creation; revocation is immediate."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from starlette.responses import Response

from askwell.accounts import service as accounts
from askwell.accounts.schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenRead
from askwell.http.deps import ApiActor, Db, Now
from askwell.http.params import TokenId

router = APIRouter(tags=["tokens"])


@router.get("/tokens", response_model=list[ApiTokenRead], summary="Your API tokens (without their secrets)")
def list_tokens(db: Db, actor: ApiActor) -> list[ApiTokenRead]:
    return [ApiTokenRead.model_validate(t) for t in accounts.list_api_tokens(db, actor=actor)]


@router.post(
    "/tokens",
    response_model=ApiTokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create an API token; copy `token` now, it is never shown again",
)
def create_token(
    request: Request, body: ApiTokenCreate, db: Db, actor: ApiActor, now: Now
) -> ApiTokenCreated:
    via_token = getattr(request.state, "auth", None) == "token"
    row, secret = accounts.create_api_token(db, actor=actor, data=body, now=now, via_token=via_token)
    db.commit()
    return ApiTokenCreated(**ApiTokenRead.model_validate(row).model_dump(), token=secret)


@router.delete(
    "/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Revoke one of your API tokens",
)
def revoke_token(token_id: TokenId, db: Db, actor: ApiActor, now: Now) -> Response:
    accounts.revoke_api_token(db, actor=actor, token_id=token_id, now=now)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
