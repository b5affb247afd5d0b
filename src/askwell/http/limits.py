"""A ceiling on request bodies, checked before anything reads them."""

from __future__ import annotations

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

# Forms and JSON are small; the largest legitimate body is a CSV upload, limited by settings.
SLACK_BYTES = 64 * 1024


class BodySizeLimitMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: object, *, max_bytes: int) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.max_bytes = max_bytes + SLACK_BYTES

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_bytes:
            message = f"The request is too large (more than {self.max_bytes // 1024} KiB)."
            if request.url.path.startswith("/api/"):
                return JSONResponse({"error": "RequestTooLarge", "detail": message}, status_code=413)
            return PlainTextResponse(message, status_code=413)
        return await call_next(request)
