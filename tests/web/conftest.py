"""Helpers for the page tests: posting forms the way a browser does (with the CSRF field)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import csrf


def post(client: TestClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Response:
    """Submit a page form: the CSRF token goes in the form body, as the hidden field sends it."""
    token = csrf(client)["X-CSRF-Token"]
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


def csrf_refused(response: Response) -> bool:
    """A page form without its CSRF token is refused: nothing changes and the browser goes back to sign
    in and then to the form (``web/errors.py``), instead of a dead 403 page."""
    return response.status_code == 303 and response.headers["location"].startswith("/signin?next=")
