"""All /api/v1 routers, in one router the composition root mounts under the prefix."""

from typing import Any

from fastapi import APIRouter, Security
from fastapi.security import HTTPBearer

from askwell.api.routes import (
    asks,
    invitations,
    me,
    network,
    notification_settings,
    notifications,
    people,
    teams,
    tokens,
)
from askwell.api.schemas import ApiError

# Declares the scheme in OpenAPI only; authentication itself is ``askwell.http.deps.api_person``,
# which also accepts a browser session (with CSRF) so pages can call the API.
bearer = HTTPBearer(auto_error=False, description="A personal API token from POST /api/v1/tokens")

# Every status an operation can answer besides its success, so clients (and the schemathesis run in
# tests/api/test_fuzz.py) can rely on the published schema: the error handlers in askwell.server
# produce nothing else.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ApiError, "description": "No valid token or session"},
    403: {"model": ApiError, "description": "Not allowed for your role, or a missing CSRF token"},
    404: {"model": ApiError, "description": "Not found in your organization"},
    409: {
        "model": ApiError,
        "description": "Not possible in the current state (writes: an ask already closed, a duplicate)",
    },
    413: {"model": ApiError, "description": "The request body is larger than the upload limit"},
    422: {
        "model": ApiError,
        "description": "Invalid input (or a body that is not JSON); `fields` says where",
    },
    503: {
        "model": ApiError,
        "description": "The database is busy, was lost mid-request or is full; nothing was saved",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before trying again",
                "schema": {"type": "string"},
            }
        },
    },
}

router = APIRouter(dependencies=[Security(bearer)], responses=ERRORS)
for module in (me, notification_settings, people, teams, tokens, invitations, asks, notifications, network):
    router.include_router(module.router)

from askwell.api.routes import suggestions  # noqa: E402

router.include_router(suggestions.router)

from askwell.api.routes import rings  # noqa: E402

router.include_router(rings.router)

from askwell.api.routes import webhooks  # noqa: E402

router.include_router(webhooks.router)
from askwell.api.routes import standups  # noqa: E402

router.include_router(standups.router)
from askwell.api.routes import huddles, routing  # noqa: E402

router.include_router(routing.router)
router.include_router(huddles.router)
from askwell.api.routes import insights  # noqa: E402

router.include_router(insights.router)
from askwell.api.routes import calendar  # noqa: E402

router.include_router(calendar.router)
