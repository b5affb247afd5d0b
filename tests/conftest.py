"""Shared fixtures: a real database (SQLite file or a fresh PostgreSQL database), rolled back per test.

Set ``ASKWELL_TEST_DATABASE_URL`` to a PostgreSQL server URL (any database on it) to run the suite
on PostgreSQL: a fresh database is created for the run and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from askwell import wiring
from askwell.accounts import service as accounts
from askwell.accounts.schemas import ApiTokenCreate
from askwell.core.broadcast import InMemoryBroadcaster
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.db import create_db_engine
from askwell.core.edges import Edges, Email
from askwell.core.encryption import generate_key
from askwell.core.migrations import upgrade
from askwell.people import service as people_service
from askwell.people.models import Organization, Person, Role, Team
from askwell.people.policy import Actor
from askwell.people.repository import actor_for
from askwell.people.schemas import OrganizationCreate, PersonCreate, TeamCreate
from askwell.server import create_app

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)

# The suite runs with its own encryption key, as production must (`askwell serve` and `askwell worker`
# refuse PostgreSQL without one); the commands the tests start inherit it, so they read what the tests
# wrote. A key set outside the tests is kept.
os.environ.setdefault("ASKWELL_ENCRYPTION_KEYS", generate_key())
PASSWORD = "correct horse battery"


def _postgres_url() -> str | None:
    return os.environ.get("ASKWELL_TEST_DATABASE_URL") or None


@dataclass
class TestDatabase:
    url: str
    engine: Engine
    dialect: str
    _admin_url: str | None = None
    _name: str | None = None

    def fresh(self) -> TestDatabase:
        """Another empty, migrated database on the same server (for tests that must commit)."""
        return create_test_database(Path(os.environ.get("PYTEST_TMPDIR", "/tmp")))

    def drop(self) -> None:
        self.engine.dispose()
        if self._admin_url and self._name:
            admin = create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            admin.dispose()


def create_test_database(tmp: Path, *, migrate: bool = True) -> TestDatabase:
    pg = _postgres_url()
    if pg is None:
        url = f"sqlite:///{tmp / f'askwell-{uuid.uuid4().hex[:8]}.db'}"
        db = TestDatabase(url=url, engine=create_db_engine(url), dialect="sqlite")
    else:
        base = make_url(pg.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"askwell_test_{uuid.uuid4().hex[:10]}"
        admin_url = base.set(database="postgres").render_as_string(hide_password=False)
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = base.set(database=name).render_as_string(hide_password=False)
        db = TestDatabase(
            url=url, engine=create_db_engine(url), dialect="postgresql", _admin_url=admin_url, _name=name
        )
    if migrate:
        upgrade(db.engine)
    return db


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabase]:
    tmp = tmp_path_factory.mktemp("db")
    os.environ.setdefault("PYTEST_TMPDIR", str(tmp))
    db = create_test_database(tmp)
    yield db
    db.drop()


@pytest.fixture
def connection(database: TestDatabase) -> Iterator[Connection]:
    conn = database.engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def session_factory(connection: Connection, edges: Edges) -> sessionmaker[Session]:
    # Commits by the code under test release a savepoint; the outer transaction is rolled back.
    # The subscribers are the production ones (the inbox, the live badge), on the test's edges.
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    return wiring.attach(factory, edges)


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@dataclass
class RecordingEmail:
    """The email edge as tests see it: what would have been sent."""

    sent: list[Email] = field(default_factory=list)
    delivers: bool = True

    def send(self, message: Email) -> None:
        self.sent.append(message)


@pytest.fixture
def outbox_email() -> RecordingEmail:
    return RecordingEmail()


class RecordingBroadcaster(InMemoryBroadcaster):
    """The live fan-out edge as tests see it: what was published (and delivered to any subscriber)."""

    def __init__(self) -> None:
        super().__init__()
        self.published: list[tuple[str, str]] = []

    def publish(self, channel: str, data: str) -> None:
        self.published.append((channel, data))
        super().publish(channel, data)


@pytest.fixture
def broadcaster() -> RecordingBroadcaster:
    return RecordingBroadcaster()


@pytest.fixture
def edges(clock: FrozenClock, outbox_email: RecordingEmail, broadcaster: RecordingBroadcaster) -> Edges:
    """The test's stand-ins for everything outside: recorded mail, a frozen clock, in-memory fan-out.

    The rules alone coach here (the explicit fallback); tests of the learned judgement hand one in."""
    return Edges(email=outbox_email, clock=clock, broadcaster=broadcaster, coaching_judge=None)


@pytest.fixture
def settings(database: TestDatabase) -> Settings:
    return Settings(database_url=database.url, in_process_worker=False, login_max_failures=5)


@pytest.fixture(scope="session")
def shared_app(database: TestDatabase) -> FastAPI:
    """One app for the run: FastAPI builds its route table on an app's first request, which costs
    most of a second; each test swaps in its own context instead (settings, rolled-back sessions,
    clock, email), which is all the app holds per deployment."""
    return create_app(
        Settings(database_url=database.url, in_process_worker=False), session_factory=sessionmaker()
    )


@pytest.fixture
def app(
    shared_app: FastAPI,
    settings: Settings,
    session_factory: sessionmaker[Session],
    edges: Edges,
) -> FastAPI:
    shared_app.state.ctx = replace(
        shared_app.state.ctx, settings=settings, session_factory=session_factory, edges=edges
    )
    return shared_app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


# --- factories -------------------------------------------------------------------------------------


@dataclass
class World:
    """Builds organizations, people and teams for a test, committed to the test's savepoint."""

    db: Session
    now: datetime
    _n: int = 0

    def org(self, name: str = "Acme") -> Organization:
        self._n += 1
        org = people_service.create_organization(
            self.db, data=OrganizationCreate(name=name, slug=f"{name.lower()}-{self._n}"), now=self.now
        )
        self.db.commit()
        return org

    def person(
        self,
        org: Organization,
        name: str | None = None,
        *,
        role: Role = Role.MEMBER,
        password: str | None = None,
        skills: list[str] | None = None,
        teams: list[str] | None = None,
        lead_of: list[str] | None = None,
        title: str = "Engineer",
        email: str | None = None,
    ) -> Person:
        self._n += 1
        name = name or f"Person {self._n}"
        email = email or f"{name.lower().replace(' ', '.')}.{self._n}@example.com"
        data = PersonCreate(
            name=name,
            email=email,
            role=role,
            title=title,
            skills=skills or [],
            teams=teams or [],
            lead_of=lead_of or [],
        )
        from askwell.accounts.secrets import hash_password

        person = people_service.add_person(
            self.db,
            org_id=org.id,
            data=data,
            now=self.now,
            password_hash=hash_password(password) if password else None,
        )
        self.db.commit()
        return person

    def team(self, org: Organization, name: str) -> Team:
        team = people_service.create_team(
            self.db, actor=system_actor(org), data=TeamCreate(name=name), now=self.now
        )
        self.db.commit()
        return team

    def actor(self, person: Person) -> Actor:
        return actor_for(self.db, person)

    def session_cookie(self, person: Person) -> str:
        signed = accounts.open_session(self.db, person=person, settings=Settings(), now=self.now)
        self.db.commit()
        return signed.session_token

    def api_token(self, person: Person) -> str:
        _, token = accounts.create_api_token(
            self.db, actor=self.actor(person), data=ApiTokenCreate(name="test"), now=self.now
        )
        self.db.commit()
        return token


def system_actor(org: Organization) -> Actor:
    return people_service.admin_actor(org)


@pytest.fixture
def world(db: Session, clock: FrozenClock) -> World:
    return World(db=db, now=clock.now())


@pytest.fixture
def signed_in(client: TestClient, world: World) -> Callable[[Person], TestClient]:
    """Sign a person in on the test client (by session cookie, skipping the password form)."""

    def sign(person: Person) -> TestClient:
        client.cookies.set("askwell_session", world.session_cookie(person))
        client.get("/signin")  # obtains the CSRF cookie
        return client

    return sign


def csrf(client: TestClient) -> dict[str, str]:
    """The header a page's htmx request sends."""
    token = client.cookies.get("askwell_csrf")
    if token is None:
        client.get("/signin")
        token = client.cookies.get("askwell_csrf")
    return {"X-CSRF-Token": token or ""}


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: object) -> None:
        self.count += 1


@pytest.fixture
def count_queries(connection: Connection) -> Callable[[], QueryCounter]:
    """Counts the statements sent on the test connection from the moment it is called."""

    def start() -> QueryCounter:
        counter = QueryCounter()
        event.listen(connection, "before_cursor_execute", counter)
        return counter

    return start
