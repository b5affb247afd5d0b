"""The error hierarchy: every error a user can cause knows its HTTP status.

AskwellError (400)
├── NotAuthenticated (401)
├── PermissionDenied (403)
├── NotFound (404)
├── Conflict (409)
├── InvalidInput (422)   carries per-field messages
├── RequestTooLarge (413)
└── TooManyRequests (429)
"""

from __future__ import annotations


class AskwellError(Exception):
    status_code: int = 400

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code

    @property
    def name(self) -> str:
        return type(self).__name__


class NotAuthenticated(AskwellError):
    status_code = 401


class PermissionDenied(AskwellError):
    status_code = 403


class NotFound(AskwellError):
    status_code = 404


class Conflict(AskwellError):
    status_code = 409


class InvalidInput(AskwellError):
    status_code = 422

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class TooManyRequests(AskwellError):
    status_code = 429


class RequestTooLarge(AskwellError):
    status_code = 413
