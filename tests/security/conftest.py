"""The security walk runs against the same shared app as the API tests (with the /api/docs page)."""

from tests.api.conftest import app, shared_app

__all__ = ["app", "shared_app"]
