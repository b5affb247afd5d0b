"""How errors look in the API: ``{"error": "<Name>", "detail": "..."}`` with the right status."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from askwell.core.errors import AskwellError, InvalidInput


def api_error(exc: AskwellError) -> JSONResponse:
    body: dict[str, Any] = {"error": exc.name, "detail": exc.message}
    if isinstance(exc, InvalidInput) and exc.fields:
        body["fields"] = exc.fields
    headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def api_validation_error(errors: list[dict[str, Any]]) -> JSONResponse:
    fields = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ())),
            "message": e.get("msg", ""),
            "type": e.get("type", ""),
        }
        for e in errors
    ]
    return JSONResponse(
        {"error": "InvalidInput", "detail": "The request is not valid.", "fields": fields}, status_code=422
    )
