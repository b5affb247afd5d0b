"""``GET /metrics``: Prometheus metrics for whoever holds ``ASKWELL_METRICS_TOKEN``.

Public by token, not by session: a scraper has no account. Without the setting the route does not
exist as far as anyone can tell (404), so a deployment exposes nothing it did not choose to. The
answers are bare text, not pages: the reader is a program.
"""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from starlette.responses import PlainTextResponse, Response

from askwell.http.deps import app_context
from askwell.http.metrics import CONTENT_TYPE, render

router = APIRouter()

_NO_STORE = {"Cache-Control": "no-store"}


def _presented_token(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


@router.get("/metrics")
def metrics(request: Request) -> Response:
    ctx = app_context(request)
    expected = ctx.settings.metrics_token
    if expected is None or not expected.get_secret_value():
        return PlainTextResponse("Not found.\n", status_code=404, headers=_NO_STORE)
    presented = _presented_token(request)
    if presented is None:
        return PlainTextResponse(
            "Send Authorization: Bearer <ASKWELL_METRICS_TOKEN>.\n",
            status_code=401,
            headers={**_NO_STORE, "WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    # Constant time: how long the comparison takes says nothing about how much of a guess was right.
    if not hmac.compare_digest(presented.encode(), expected.get_secret_value().encode()):
        return PlainTextResponse("Wrong metrics token.\n", status_code=403, headers=_NO_STORE)
    body = render(ctx.session_factory, now=ctx.clock.now())
    return Response(body, media_type=CONTENT_TYPE, headers=_NO_STORE)
