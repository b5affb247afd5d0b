"""The Jinja2 environment and the one helper every page route renders with."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import object_session
from starlette.responses import HTMLResponse, RedirectResponse

from askwell.core.localtime import local_time
from askwell.notifications.repository import unread_count
from askwell.web.forms import LIMITS

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
# Times people read: `{{ at | local_time(me.timezone, others=[their_tz]) }}` (see core/localtime.py).
TEMPLATES.env.filters["local_time"] = local_time
# Every form's `maxlength` is the schema's limit: `{{ f.textarea("body", ..., maxlength=limits.ask_body) }}`.
TEMPLATES.env.globals["limits"] = LIMITS

# Templates ship with the package and change only with a new release (a restart): no stat() of the
# template files on every render to see whether they changed.
TEMPLATES.env.auto_reload = False


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render with what the layout needs: the person, the CSRF token and the flash message."""
    base = {
        "me": getattr(request.state, "viewer", None),
        "actor": getattr(request.state, "actor", None),
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "flash": request.query_params.get("flash", "")[:200],
        "unread_count": _unread_counter(request),
    }
    return TEMPLATES.TemplateResponse(request, template, {**base, **(context or {})}, status_code=status_code)


def is_partial(request: Request) -> bool:
    """An htmx request wants a fragment; a history restore (back button with an empty cache) wants the page."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def _unread_counter(request: Request) -> Callable[[], int]:
    """The inbox badge: one count query, run only when the layout's navigation is drawn for someone.

    It runs on the request's own session (the one that loaded the person): a second session would
    wait for the first one's write lock on SQLite.
    """

    def count() -> int:
        person = getattr(request.state, "person", None)
        if person is None:
            return 0
        db = object_session(person)
        if db is None:
            return 0
        actor = getattr(request.state, "actor", None)
        try:
            if actor is not None:
                return unread_count(db, org_id=actor.org_id, person_id=actor.person_id)
            return unread_count(db, org_id=person.org_id, person_id=person.id)
        except SQLAlchemyError:
            return 0  # an error page after a failed transaction: the badge is not worth a second error

    return count


def page_url(path: str, params: dict[str, str], page: int = 1) -> str:
    """A list page's address with its filters (empty ones left out) and, past the first, its page."""
    query = {k: v for k, v in params.items() if v}
    if page > 1:
        query["page"] = str(page)
    return path + (f"?{urlencode(query)}" if query else "")


def redirect(url: str, flash: str | None = None, *, fragment: str = "") -> RedirectResponse:
    """303 to ``url`` after a form post, with a one-line message the next page shows."""
    # A target that already has a query (a sign-in's ``next``) gets the message appended to it.
    query = f"{'&' if '?' in url else '?'}{urlencode({'flash': flash})}" if flash else ""
    return RedirectResponse(f"{url}{query}{fragment}", status_code=303)
