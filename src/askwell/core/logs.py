"""Log setup shared by the server and the worker: text or JSON lines, each tagged with its request id.

The request id lives in a context variable, set by ``askwell.http.request_id`` for each request.
Sync routes run in a thread pool that copies the context, and jobs run outside any request (their
records carry ``request_id: null``), so a filter on the handler, not each call site, adds it.
"""

from __future__ import annotations

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["text", "json"]

request_id_var: ContextVar[str | None] = ContextVar("askwell_request_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"

# Our handler is marked so that configuring twice replaces it rather than doubling every line.
_HANDLER_FLAG = "_askwell_handler"


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (the current request's id, or "-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the fields log collectors index on."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": None if request_id in (None, "-") else request_id,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


# Paths whose last part is a secret (a calendar feed's address): the access log keeps the route, not the key.
_SECRET_PATHS = re.compile(r"(/calendar/)[^/?\s\"]+(\.ics)")


def redact_path(text: str) -> str:
    return _SECRET_PATHS.sub(r"\1[redacted]\2", text)


class SecretPathFilter(logging.Filter):
    """Blanks secrets in request paths of the server's access log (uvicorn passes the path as an arg)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact_path(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_path(record.msg)
        return True


def redact_access_log() -> None:
    """Install ``SecretPathFilter`` on uvicorn's access logger, once."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, SecretPathFilter) for f in access.filters):
        access.addFilter(SecretPathFilter())


def make_handler(fmt: LogFormat, stream: object | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream)  # type: ignore[arg-type]  # any writable text stream; logging types it as a protocol mypy cannot infer from object
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    setattr(handler, _HANDLER_FLAG, True)
    return handler


def configure_logging(fmt: LogFormat = "text", *, stream: object | None = None) -> None:
    """Askwell's logs to stderr in ``fmt``; idempotent, and a logging setup the host made is left alone."""
    redact_access_log()
    logger = logging.getLogger("askwell")
    ours = [h for h in logger.handlers if getattr(h, _HANDLER_FLAG, False)]
    if logger.handlers and not ours:
        return
    for handler in ours:
        logger.removeHandler(handler)
    logger.addHandler(make_handler(fmt, stream))
    logger.setLevel(logging.INFO)
