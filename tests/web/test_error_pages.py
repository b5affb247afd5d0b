"""An error page drawn after the request's transaction failed still shows the signed-in layout."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import Response

from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.http.deps import Db, PagePerson
from askwell.server import create_app
from tests.conftest import World


def test_a_database_error_renders_the_error_page_with_the_layout(
    settings: Settings, session_factory: sessionmaker[Session], world: World, clock: FrozenClock
) -> None:
    app = create_app(settings, session_factory=session_factory, edges=Edges(clock=clock))

    @app.get("/__tests__/failing-write")
    def failing_write(db: Db, person: PagePerson) -> Response:
        # What a refused flush leaves behind: the transaction rolled back (every row expired) and
        # the session closed before the error handler draws the page.
        db.rollback()
        db.close()
        raise DataError("UPDATE people SET name=...", {}, Exception("text fields cannot contain NUL"))

    person = world.person(world.org(), "Ada Lovelace")
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        client.cookies.set("askwell_session", world.session_cookie(person))
        r = client.get("/__tests__/failing-write")
    assert r.status_code == 422
    assert "Ada Lovelace" in r.text  # the layout still knows who is signed in
