"""FastAPI dependencies: the request's session, the signed-in person and their actor.

The route owns the transaction: it calls ``db.commit()`` itself before returning, because a commit
placed after ``yield`` in a dependency runs after the response has been sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from askwell.accounts import service as accounts
from askwell.core.db import DEFERRED
from askwell.core.errors import NotAuthenticated
from askwell.http.context import AppContext
from askwell.http.csrf import bearer_token
from askwell.people.models import Person
from askwell.people.policy import Actor
from askwell.people.repository import actor_for

SESSION_COOKIE = "askwell_session"

_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_READS_ONLY = "askwell_reads_only"
_Endpoint = TypeVar("_Endpoint")


def reads_only(endpoint: _Endpoint) -> _Endpoint:
    """Mark a POST route that writes nothing (live coaching): its session begins like a GET's.

    Such a route is a POST only because its input is a form or a body, and it is called on every
    keystroke pause. On SQLite a POST's transaction takes the write lock at BEGIN, so live coaching
    queued behind every sign-in and the worker's writes, and made them queue behind it. Marked, it
    begins without the lock and does not record the API token's use (a write).
    """
    setattr(endpoint, _READS_ONLY, True)
    return endpoint


def _only_reads(request: Request) -> bool:
    return request.method in _SAFE_METHODS or bool(getattr(request.scope.get("endpoint"), _READS_ONLY, False))


def app_context(request: Request) -> AppContext:
    return request.app.state.ctx  # type: ignore[no-any-return]  # Starlette's app and request state are untyped namespaces


def get_db(request: Request) -> Iterator[Session]:
    session = app_context(request).session_factory()
    if _only_reads(request):
        # Reads begin deferred on SQLite, so a page view never queues behind the worker's writes.
        session.connection(execution_options={DEFERRED: True})
    # Shared with the layout (the inbox badge): a second session in the same request would wait on
    # the first one's SQLite write lock.
    request.state.db = session
    try:
        yield session
    finally:
        session.close()


def get_now(request: Request) -> datetime:
    return app_context(request).clock.now()


Db = Annotated[Session, Depends(get_db)]
Now = Annotated[datetime, Depends(get_now)]
Ctx = Annotated[AppContext, Depends(app_context)]


class LoginRequired(NotAuthenticated):
    """Raised by page routes; rendered as a redirect to the sign-in page."""

    def __init__(self) -> None:
        super().__init__("Please sign in.")


@dataclass(frozen=True)
class Viewer:
    """The signed-in person as the page layout needs them: plain values, not an ORM row.

    An error page is rendered after the request's session was rolled back and closed; a row read
    from it then raises on attribute access, which turned a database error (a NUL byte refused by
    PostgreSQL, say) into a second, unhandled one: a 500 instead of the error page.
    """

    id: int
    org_id: int
    name: str
    email: str
    title: str
    role: str
    timezone: str

    @classmethod
    def of(cls, person: Person) -> Viewer:
        return cls(
            id=person.id,
            org_id=person.org_id,
            name=person.name,
            email=person.email,
            title=person.title,
            role=person.role,
            timezone=person.timezone,
        )


def optional_person(request: Request, db: Db, now: Now) -> Person | None:
    """The person behind the API token or the session cookie, cached on the request."""
    if hasattr(request.state, "person"):
        return request.state.person  # type: ignore[no-any-return]  # Starlette's app and request state are untyped namespaces
    person: Person | None = None
    token = bearer_token(request)
    if token is None and "authorization" in request.headers:
        # An Authorization header that is not a usable bearer token never falls back to the cookie:
        # the CSRF check trusts requests that authenticate by header.
        raise NotAuthenticated("Send 'Authorization: Bearer <token>' with a personal API token.")
    if token is not None:
        person = accounts.person_for_api_token(db, token=token, now=now, record_use=not _only_reads(request))
        request.state.auth = "token"
        if person is None:
            raise NotAuthenticated("The API token is invalid or revoked.")
    elif cookie := request.cookies.get(SESSION_COOKIE):
        person = accounts.person_for_session(db, token=cookie, now=now)
        request.state.auth = "session"
    request.state.person = person
    request.state.viewer = Viewer.of(person) if person is not None else None
    return person


OptionalPerson = Annotated[Person | None, Depends(optional_person)]


def page_person(person: OptionalPerson) -> Person:
    if person is None:
        raise LoginRequired()
    return person


def api_person(person: OptionalPerson) -> Person:
    if person is None:
        raise NotAuthenticated("Sign in or send 'Authorization: Bearer <token>'.")
    return person


def _actor(request: Request, db: Session, person: Person) -> Actor:
    if not hasattr(request.state, "actor"):
        request.state.actor = actor_for(db, person)
    return request.state.actor  # type: ignore[no-any-return]  # Starlette's app and request state are untyped namespaces


def page_actor(request: Request, db: Db, person: Annotated[Person, Depends(page_person)]) -> Actor:
    return _actor(request, db, person)


def api_actor(request: Request, db: Db, person: Annotated[Person, Depends(api_person)]) -> Actor:
    return _actor(request, db, person)


PagePerson = Annotated[Person, Depends(page_person)]
ApiPerson = Annotated[Person, Depends(api_person)]
PageActor = Annotated[Actor, Depends(page_actor)]
ApiActor = Annotated[Actor, Depends(api_actor)]


def return_path(request: Request) -> str:
    """Where to come back to after signing in again: the page itself, or for a form post the page the
    form was on (a POST's address cannot be opened, and the form is where the kept text is restored).

    Only our own pages: the Referer counts when it names this host (the Referrer-Policy is
    same-origin, so browsers send it only to us anyway).
    """
    own = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return own
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/") and referer.path != "/signin":
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return request.url.path


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def session_actor(ctx: AppContext, token: str | None) -> Actor | None:
    """The person behind a session cookie, in a short read transaction of its own (closed on return).

    For streaming routes (``async def``): they hold no session while they stream, so they cannot use
    ``Db``, whose session lives as long as the response. Call it in a thread (``run_in_threadpool``).
    """
    if not token:
        return None
    with ctx.session_factory() as db:
        db.connection(execution_options={DEFERRED: True})
        person = accounts.person_for_session(db, token=token, now=ctx.clock.now())
        return actor_for(db, person) if person is not None else None
