"""How errors look on pages: the message in place, never a traceback."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from askwell.core.errors import AskwellError
from askwell.http.csrf import CsrfFailed
from askwell.http.deps import LoginRequired, return_path
from askwell.web.forms import field_errors
from askwell.web.templating import render

SESSION_EXPIRED = "Your session has expired. Sign in again in a new tab; what you typed is kept here."
NOT_SENT = "Nothing was sent: your session or this page had expired. Please check it and send it again."


def page_error(request: Request, exc: AskwellError) -> Response:
    signed_out = isinstance(exc, LoginRequired) or exc.status_code == 401
    if request.headers.get("hx-request") == "true" and (signed_out or isinstance(exc, CsrfFailed)):
        # A live update (coaching while typing) must not swap a sign-in page into the form: it answers
        # the status, and the page says the session expired while the text stays where it is.
        response = PlainTextResponse(SESSION_EXPIRED, status_code=401 if signed_out else exc.status_code)
        response.headers["X-Askwell-Session"] = "expired"
        return response
    if signed_out or isinstance(exc, CsrfFailed):
        # A form sent with an expired session or an expired form token changes nothing; after signing
        # in, the person is back on the form, where the browser's copy of their text is restored.
        target = return_path(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            target += ("&" if "?" in target else "?") + urlencode({"flash": NOT_SENT})
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)
    return render(
        request,
        "errors/error.html",
        {"status": exc.status_code, "message": exc.message},
        status_code=exc.status_code,
    )


def page_validation_error(request: Request, errors: list[dict[str, object]]) -> Response:
    # The same human wording as form fields; the first part of each location (body, query) is FastAPI's.
    messages = list(field_errors(errors, skip_loc=1).values())
    return render(
        request,
        "errors/error.html",
        {"status": 422, "message": "Some of what was sent is not valid.", "details": messages},
        status_code=422,
    )
