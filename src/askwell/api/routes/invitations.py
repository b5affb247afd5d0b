"""Invitations (admins): list, send by email, revoke."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from starlette.responses import Response

from askwell.accounts import service as accounts
from askwell.accounts.schemas import InvitationCreate
from askwell.api.schemas import InvitationRead
from askwell.api.serializers import invitation_read
from askwell.http.deps import ApiActor, Ctx, Db, Now
from askwell.http.params import InvitationId

router = APIRouter(tags=["invitations"])


@router.get("/invitations", response_model=list[InvitationRead], summary="Invitations, newest first (admins)")
def list_invitations(db: Db, actor: ApiActor, now: Now) -> list[InvitationRead]:
    return [invitation_read(inv, now=now) for inv in accounts.list_invitations(db, actor=actor)]


@router.post(
    "/invitations",
    response_model=InvitationRead,
    status_code=status.HTTP_201_CREATED,
    summary="Invite someone by email (admins; leads into the teams they lead)",
    description="The invitation link goes out by email once this request has been committed; "
    "the person joins the given teams on accepting.",
)
def create_invitation(
    request: Request, body: InvitationCreate, db: Db, ctx: Ctx, actor: ApiActor, now: Now
) -> InvitationRead:
    invitation, _secret = accounts.invite(
        db, actor=actor, data=body, settings=ctx.settings, now=now, served_url=str(request.base_url)
    )
    db.commit()
    return invitation_read(invitation, now=now)


@router.delete(
    "/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Revoke a pending invitation (admins)",
)
def revoke_invitation(invitation_id: InvitationId, db: Db, actor: ApiActor, now: Now) -> Response:
    accounts.revoke_invitation(db, actor=actor, invitation_id=invitation_id, now=now)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
