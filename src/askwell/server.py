"""The composition root: builds the ASGI app from settings and the edges (mail, encoder, base URL,
broadcaster, clock), and wires the event subscribers to its sessions."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from askwell import wiring
from askwell.api.docs import router as api_docs_router
from askwell.api.errors import api_error, api_validation_error
from askwell.api.routes import router as api_router
from askwell.core.config import Settings, get_settings
from askwell.core.db import create_db_engine, pool_capacity
from askwell.core.edges import Edges
from askwell.core.errors import AskwellError, InvalidInput, NotFound, RequestTooLarge
from askwell.core.jobs import JobRegistry
from askwell.core.logs import configure_logging, request_id_var
from askwell.http.context import AppContext
from askwell.http.csrf import CsrfCookieMiddleware, csrf_protect
from askwell.http.headers import SecurityHeadersMiddleware
from askwell.http.limits import (
    BodySizeLimitMiddleware,
    BodyTooLarge,
    ConcurrencyLimitMiddleware,
    cap_request_threads,
)
from askwell.http.metrics import RequestMetricsMiddleware
from askwell.http.request_id import HEADER as REQUEST_ID_HEADER
from askwell.http.request_id import RequestIdMiddleware
from askwell.integrations.edges import edges_from_settings
from askwell.web.errors import page_error, page_validation_error
from askwell.web.routes import router as web_router
from askwell.web.routes import slack_inbound
from askwell.web.routes.unsubscribe import router as unsubscribe_router
from askwell.worker.registry import build_registry

log = logging.getLogger(__name__)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    jobs: JobRegistry | None = None,
    edges: Edges | None = None,
) -> FastAPI:
    """The app. Without ``edges``, those the settings name (``integrations.edges``); a given
    ``session_factory`` gets this app's event subscribers unless it already has its own."""
    settings = settings or get_settings()
    engine = create_db_engine(settings.database_url) if session_factory is None else None
    edges = edges or edges_from_settings(settings, engine=engine)
    if session_factory is None:
        assert engine is not None
        session_factory = wiring.session_factory(engine, edges)
    else:
        wiring.attach(session_factory, edges)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # No more request threads than database connections (see ``http.limits.cap_request_threads``).
        bind = app.state.ctx.session_factory.kw.get("bind")
        app.state.request_threads = cap_request_threads(pool_capacity(bind) if bind is not None else None)
        yield
        # Live streams end with the server; the PostgreSQL listener's connection closes.
        await app.state.ctx.edges.broadcaster.aclose()

    app = FastAPI(
        lifespan=lifespan,
        title="Askwell API",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        description="Ask for help, and give it. Authenticate with `Authorization: Bearer <personal API token>`.",
    )
    app.state.ctx = AppContext(
        settings=settings, session_factory=session_factory, jobs=jobs or build_registry(), edges=edges
    )
    app.add_middleware(CsrfCookieMiddleware, secure=settings.cookie_secure)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_upload_bytes)
    # No more requests in flight than connections (a 503 past a wait); inside the metrics.
    app.add_middleware(ConcurrencyLimitMiddleware, limit=pool_capacity(session_factory.kw.get("bind")))
    # Outermost: every response is counted and carries its request id, refusals included.
    app.add_middleware(RequestMetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "web" / "static")), name="static")
    app.include_router(web_router, dependencies=[Depends(csrf_protect)])
    app.include_router(api_router, prefix="/api/v1", dependencies=[Depends(csrf_protect)])
    app.include_router(api_docs_router)
    # RFC 8058 one-click unsubscribe: a mail client POSTs without cookie or form token; the signed
    # token in the path authorizes it (see the module), so no CSRF check here.
    app.include_router(unsubscribe_router)
    # Slack's requests carry its signature instead of cookies: no CSRF dependency (see the module).
    app.include_router(slack_inbound.router)

    @app.exception_handler(AskwellError)
    async def _askwell_error(request: Request, exc: AskwellError) -> Response:
        return api_error(exc) if _is_api(request) else page_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = list(exc.errors())
        return api_validation_error(errors) if _is_api(request) else page_validation_error(request, errors)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        err = RequestTooLarge(str(exc.detail))
        response = api_error(err) if _is_api(request) else page_error(request, err)
        # The rest of the body was never read: the connection cannot carry another request.
        response.headers["Connection"] = "close"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "Not found." if exc.status_code == 404 else str(exc.detail)
        err = AskwellError(message, status_code=exc.status_code)
        if exc.status_code == 404:
            err = NotFound(message)
        elif exc.status_code == 400:
            # FastAPI's answer to a body it cannot decode (bytes that are not UTF-8): the same
            # invalid input as malformed JSON, which is a 422, and not a status the API documents.
            err = InvalidInput("The request body could not be read as JSON.")
        return api_error(err) if _is_api(request) else page_error(request, err)

    @app.exception_handler(DataError)
    async def _data_error(request: Request, exc: DataError) -> Response:
        # A value the database cannot hold (an id past its integer range, ...): the input's fault.
        log.info("database refused a value on %s %s: %s", request.method, request.url.path, exc.orig)
        err = InvalidInput("A value is out of range.")
        return api_error(err) if _is_api(request) else page_error(request, err)

    @app.exception_handler(OperationalError)
    async def _database_unavailable(request: Request, exc: OperationalError) -> Response:
        """The database could not do its part: busy, gone mid-request, or full. Each rolls the
        transaction back, so nothing was half-written; say which, and when to try again."""
        problem = database_problem(exc)
        if problem is None:
            return await _unexpected(request, exc)
        message, retry_after, level = problem
        log.log(level, "database %s on %s %s: %s", message, request.method, request.url.path, exc.orig)
        err = AskwellError(message, status_code=503)
        response = api_error(err) if _is_api(request) else page_error(request, err)
        response.headers["Retry-After"] = retry_after
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        err = AskwellError("Something went wrong on our side. It has been logged.", status_code=500)
        response = api_error(err) if _is_api(request) else page_error(request, err)
        # Sent from outside the middlewares: name the request id here, as the log line above does.
        if (request_id := request_id_var.get()) is not None:
            response.headers[REQUEST_ID_HEADER] = request_id
        return response

    return app


def database_problem(exc: OperationalError) -> tuple[str, str, int] | None:
    """A message for people, a Retry-After and a log level for database failures that are not a bug."""
    text = str(exc.orig).lower()
    if (
        exc.connection_invalidated
        or "server closed the connection" in text
        or "terminating connection" in text
    ):
        # PostgreSQL restarted or killed the session: the pool drops the connection and reconnects.
        return (
            "The connection to the database was lost; nothing was saved. Please try again.",
            "1",
            logging.WARNING,
        )
    if "database or disk is full" in text or "could not extend file" in text or "no space left" in text:
        return (
            "The database is out of space, so nothing was saved. Your administrator has been alerted.",
            "60",
            logging.ERROR,
        )
    if "locked" in text:
        # SQLite under a burst of writes: say so and let the client retry, rather than a bare 500.
        return ("The database is busy. Please try again in a moment.", "2", logging.WARNING)
    return None


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and `askwell serve`."""
    # Each app process (uvicorn workers are spawned, not forked) sets up its own logging.
    configure_logging(get_settings().log_format)
    return create_app()
