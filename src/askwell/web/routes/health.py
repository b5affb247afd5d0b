"""Liveness and readiness for load balancers and orchestrators; public, cheap, never cached.

``/healthz`` says only that the process answers. ``/readyz`` says whether this process can serve:
the database answers, its schema is at the migrations' head, and the embedding model is there
(loaded, or present and loadable: it is loaded on first use). A 503 takes the process out of a
load balancer's rotation without restarting it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from askwell.core.db import ping
from askwell.core.migrations import schema_is_current
from askwell.http.deps import app_context
from askwell.matching import service as matching

router = APIRouter()

_NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz")
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"}, headers=_NO_STORE)


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    ctx = app_context(request)
    checks: dict[str, Any] = {}
    try:
        with ctx.session_factory() as session:
            ping(session)
            checks["database"] = "ok"
            current = schema_is_current(session.connection())
        checks["migrations"] = "ok" if current else "pending: run `askwell db upgrade`"
    except Exception as exc:  # any failure to reach the database means "not ready", never a 500
        checks.setdefault("database", f"unreachable: {type(exc).__name__}")
        checks["migrations"] = "unknown"
    checks["model"] = matching.model_status(ctx.edges)
    ready = all(value in ("ok", "loaded", "available", "injected") for value in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
        headers=_NO_STORE,
    )
