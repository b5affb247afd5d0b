"""One-click unsubscribe (RFC 8058) from notification emails and digests, without signing in.

Every notification email carries ``List-Unsubscribe: <…/unsubscribe/TOKEN>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``: a mail client's "unsubscribe" button POSTs to
the link, with no cookie and no form token. So this router is mounted *without* the CSRF check (the
signed token in the address is what authorizes the change, as a bearer token does; a forged POST would
need the token), and only ever turns email off: the worst a leaked link can do is quieten someone's
mail, never read or change anything else. A GET (a person clicking the link in the body) only shows a
page asking to confirm, because link scanners and previews fetch links without anyone clicking.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from askwell.core.errors import NotFound
from askwell.http.deps import Ctx, Db, Now
from askwell.notifications import mailtokens
from askwell.notifications import service as notifications
from askwell.notifications.jobs import secret_of
from askwell.web.templating import render

router = APIRouter(include_in_schema=False)

UnsubscribeToken = Annotated[str, Path(max_length=200)]


def _whom(ctx: Ctx, token: str) -> tuple[int, int]:
    secret = secret_of(ctx.settings)
    if secret is None:
        raise NotFound("This unsubscribe link is not valid.")
    try:
        return mailtokens.read_unsubscribe(secret, token)
    except mailtokens.BadToken:
        raise NotFound("This unsubscribe link is not valid.") from None


@router.get("/unsubscribe/{token}")
def confirm_page(request: Request, ctx: Ctx, token: UnsubscribeToken) -> Response:
    _whom(ctx, token)
    return render(request, "notifications/unsubscribe.html", {"token": token, "done": False})


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, db: Db, ctx: Ctx, now: Now, token: UnsubscribeToken) -> Response:
    org_id, person_id = _whom(ctx, token)
    if not notifications.unsubscribe(db, org_id=org_id, person_id=person_id, now=now):
        raise NotFound("This unsubscribe link is not valid.")
    db.commit()
    return render(request, "notifications/unsubscribe.html", {"token": token, "done": True})
