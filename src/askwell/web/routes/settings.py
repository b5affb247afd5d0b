"""Account settings: personal API tokens, shown once at creation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from askwell.accounts import service as accounts
from askwell.accounts.schemas import ApiTokenCreate
from askwell.http.deps import Db, Now, PageActor
from askwell.http.params import TokenId
from askwell.people.policy import Actor
from askwell.web.forms import field_errors
from askwell.web.templating import render

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
