"""How errors look on pages: the message in place, never a traceback."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from askwell.core.errors import AskwellError
from askwell.http.deps import LoginRequired
from askwell.web.forms import field_errors
from askwell.web.templating import render


def page_error(request: Request, exc: AskwellError) -> Response:
    if isinstance(exc, LoginRequired) or exc.status_code == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)
    return render(
        request,
        "errors/error.html",
        {"status": exc.status_code, "message": exc.message},
        status_code=exc.status_code,
    )


def page_validation_error(request: Request, errors: list[dict[str, object]]) -> Response:
    # The same human wording as form fields; the first part of each location (body, query) is FastAPI's.
    messages = list(field_errors(errors, skip_loc=1).values())  # type: ignore[arg-type]
    return render(
        request,
        "errors/error.html",
        {"status": 422, "message": "Some of what was sent is not valid.", "details": messages},
        status_code=422,
    )
