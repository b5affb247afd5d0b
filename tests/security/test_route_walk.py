"""Walks every route the app registers, so that a route added later is covered without anyone remembering.

For each route and method it checks the rules that every route must keep:

- anonymous requests get 401 (API) or a 303 to /signin (pages), unless the route is in ``PUBLIC``;
- an admin of another organization using the first organization's ids gets 404;
- a plain member gets 403 on the routes in ``MEMBERS_FORBIDDEN`` (and on everything under /admin);
- unsafe requests without the CSRF token are refused: 403 (API), or a 303 to /signin?next= (pages,
  which come back to the form with its text); the API with a bearer token needs none;
- nothing answers 5xx, not even ids too large for the database's integers.

The last class builds an app with deliberately broken routes to prove each check notices them.

To walk a route, its path parameters are filled from ``PATH_PARAMS`` (by name) or ``ROUTE_PARAMS``
(by path and name), and its required inputs from ``SAMPLES``. A route that cannot be filled, or that
is neither public nor walkable, fails the walk with a message saying what to register.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, params
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, SecretStr
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker
from sse_starlette import EventSourceResponse
from starlette.routing import BaseRoute, Mount, Route

from askwell.accounts import service as accounts
from askwell.accounts.models import PasswordReset
from askwell.accounts.schemas import ApiTokenCreate, InvitationCreate
from askwell.accounts.secrets import new_token, token_hash
from askwell.asks import service as asks
from askwell.asks.models import Ask, AskAudience, OfferKind, Visibility
from askwell.asks.schemas import AskCreate, OfferCreate
from askwell.calendars import service as calendars
from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from askwell.core.edges import Edges
from askwell.core.events import HelpNeededConfirmed
from askwell.http.deps import ApiActor, Db, PagePerson
from askwell.huddles import service as huddles
from askwell.huddles.schemas import HuddleCreate
from askwell.network import service as network
from askwell.network.schemas import IntroRequest, TieCreate
from askwell.notifications import mailtokens
from askwell.notifications.models import Notification
from askwell.people.models import Organization, Person, Role, Team
from askwell.rings import service as rings
from askwell.rings.schemas import ConsoleAction, RingCreate, RingOfferCreate, RingRequestCreate
from askwell.routing import service as routing
from askwell.server import create_app
from askwell.standups import service as standups
from askwell.standups.schemas import CheckinWrite, PracticeStart, StandupSettingsWrite
from askwell.webhooks import service as webhooks
from askwell.webhooks.schemas import EndpointCreate
from tests.browser.live import serve
from tests.conftest import NOW, PASSWORD, World

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

try:  # Recent FastAPI keeps included routers as nodes in app.routes; older versions flatten them.
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover
    iter_route_contexts = None

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
# A bound on reading a stream's first event (not a timing assertion: a silent stream fails the walk).
STREAM_WAIT = 20
CSRF_VALUE = "walk-csrf-token"

# Reachable without signing in. Everything else must refuse anonymous requests.
PUBLIC: frozenset[tuple[str, str]] = frozenset(
    {
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        # Public by token (ASKWELL_METRICS_TOKEN; 404 when unset): tests/http/test_metrics.py.
        ("GET", "/metrics"),
        ("GET", "/"),
        ("GET", "/login"),
        ("GET", "/register"),
        ("GET", "/signin"),
        ("POST", "/signin"),
        ("GET", "/reset"),
        ("POST", "/reset"),
        ("GET", "/reset/{token}"),
        ("POST", "/reset/{token}"),
        ("GET", "/invite/{token}"),
        ("POST", "/invite/{token}"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/docs"),
        # Single sign-on: public by nature; bad input answers 4xx (tests/sso/test_login.py walks them).
        ("GET", "/auth/oidc/start"),
        ("GET", "/auth/oidc/{org_slug}/login"),
        ("GET", "/auth/oidc/{org_slug}/callback"),
        # One-click unsubscribe (RFC 8058): the signed token in the path is the authority; a bad one is
        # 404 (tests/integrations/test_email_both_ways.py).
        ("GET", "/unsubscribe/{token}"),
        ("POST", "/unsubscribe/{token}"),
        # The calendar feed: public by its secret (unknown or revoked: 404); tests/calendars walk it.
        ("GET", "/calendar/{secret}.ics"),
        # Slack's requests: public, authenticated by Slack's signature instead (SIGNED_BY_SLACK).
        ("POST", "/integrations/slack/events"),
        ("POST", "/integrations/slack/commands"),
        ("POST", "/integrations/slack/interactions"),
    }
)
# Public routes that a request proves itself to by a provider's signature, not by cookies: the walk's
# unsigned requests must get 401 there (in place of the CSRF refusal; tests/slack covers signing).
SIGNED_BY_SLACK: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/integrations/slack/events"),
        ("POST", "/integrations/slack/commands"),
        ("POST", "/integrations/slack/interactions"),
    }
)
# Unsafe routes a mail client calls without cookie or form token, authorized by a signed token in the
# path alone (RFC 8058 one-click unsubscribe, which can only turn email off).
CSRF_EXEMPT: frozenset[tuple[str, str]] = frozenset({("POST", "/unsubscribe/{token}")})
WALK_SECRET = "route-walk-secret-key"
PUBLIC_MOUNTS = frozenset({"/static"})

# A plain member (not admin, not a lead of the scene's team) must get 403 here; /admin/** is added
# automatically. Routes that admins or the team's leads may use belong here too.
MEMBERS_FORBIDDEN: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/api/v1/teams"),
        ("PUT", "/api/v1/teams/{team_id}/members/{person_id}"),
        ("DELETE", "/api/v1/teams/{team_id}/members/{person_id}"),
        ("GET", "/api/v1/invitations"),
        ("POST", "/api/v1/invitations"),
        ("DELETE", "/api/v1/invitations/{invitation_id}"),
        ("POST", "/teams/{slug}/members"),
        ("POST", "/teams/{slug}/members/{person_id}/remove"),
        ("POST", "/teams/{slug}/members/{person_id}/lead"),
        ("POST", "/api/v1/network/ties/import"),
        ("GET", "/api/v1/network/health"),
        ("GET", "/network/health"),
        # A ring's facilitators (the scene's ring is an open call the member can see, but does not run).
        ("POST", "/rings/{ring_id}/nudge"),
        ("POST", "/rings/{ring_id}/invite"),
        ("POST", "/rings/{ring_id}/members/{person_id}/role"),
        ("GET", "/rings/{ring_id}/console"),
        ("GET", "/rings/{ring_id}/console/live"),
        ("POST", "/rings/{ring_id}/console"),
        ("GET", "/rings/{ring_id}/assignment"),
        ("POST", "/rings/{ring_id}/assignment"),
        ("POST", "/rings/{ring_id}/assignment/confirm"),
        ("POST", "/rings/{ring_id}/pairings"),
        ("POST", "/rings/{ring_id}/pairings/{pairing_id}/remove"),
        ("POST", "/api/v1/rings/{ring_id}/invite"),
        ("POST", "/api/v1/rings/{ring_id}/console"),
        ("GET", "/api/v1/rings/{ring_id}/assignment"),
        ("POST", "/api/v1/rings/{ring_id}/assignment"),
        ("POST", "/api/v1/rings/{ring_id}/assignment/pairings"),
        ("DELETE", "/api/v1/rings/{ring_id}/assignment/pairings/{pairing_id}"),
        ("POST", "/api/v1/rings/{ring_id}/assignment/confirm"),
        # Webhooks are the organization's admins' (their pages live under /admin, added automatically).
        ("GET", "/api/v1/webhooks"),
        ("POST", "/api/v1/webhooks"),
        ("GET", "/api/v1/webhooks/{endpoint_id}"),
        ("PATCH", "/api/v1/webhooks/{endpoint_id}"),
        ("DELETE", "/api/v1/webhooks/{endpoint_id}"),
        ("GET", "/api/v1/webhooks/{endpoint_id}/deliveries"),
        ("POST", "/api/v1/webhooks/{endpoint_id}/test"),
        # A team's stand-up settings: its leads and admins.
        ("PUT", "/api/v1/standups/teams/{team_id}/settings"),
        ("GET", "/standups/teams/{team_id}/settings"),
        ("POST", "/standups/teams/{team_id}/settings"),
        # Starting and stopping a team's stand-up practice: its leads and admins.
        ("POST", "/api/v1/standups/teams/{team_id}/practices"),
        ("POST", "/api/v1/standups/practices/{practice_id}/stop"),
        ("POST", "/standups/teams/{team_id}/practice"),
        ("POST", "/standups/practices/{practice_id}/stop"),
        # Routing settings are the team's leads' (and admins'); the member leads no team.
        ("PUT", "/api/v1/routing/teams/{team_id}/settings"),
        # Insights: another person's balance (the colleague has not shared it, and the member is not
        # their lead anyway), the leader mirror, team (leads, admins) and organization (admins) views.
        ("GET", "/api/v1/insights/people/{person_id}"),
        ("GET", "/insights/people/{person_id}"),
        ("GET", "/api/v1/insights/me/mirror"),
        ("GET", "/insights/mirror"),
        ("GET", "/api/v1/insights/teams/{team_id}"),
        ("GET", "/insights/teams/{team_id}"),
        ("GET", "/insights/teams/{team_id}/export.csv"),
        ("GET", "/api/v1/insights/org"),
        ("GET", "/insights/org"),
        ("GET", "/insights/org/export.csv"),
    }
)
ADMIN_PREFIXES = ("/admin",)
# Routes that end the walker's own session; walked last so the routes after them still see a signed-in user.
ENDS_SESSION: frozenset[tuple[str, str]] = frozenset({("POST", "/signout")})


@dataclass
class Scene:
    """Organization A with one of everything; organization B's admin is the outsider.

    ``objects`` holds what the seeders made (ids, tokens), by the name the registries below use.
    """

    admin: Person
    member: Person
    colleague: Person
    team: Team
    admin_token: str
    admin_cookie: str
    member_cookie: str
    member_token: str
    outsider_cookie: str
    outsider_token: str
    objects: dict[str, object] = field(default_factory=dict)


# Path parameter name → the organization-A object it names. Register new names here.
PATH_PARAMS: dict[str, Callable[[Scene], object]] = {
    "person_id": lambda s: s.colleague.id,
    "team_id": lambda s: s.team.id,
    "slug": lambda s: s.team.slug,
    "token_id": lambda s: s.objects["spare_token_id"],
    "invitation_id": lambda s: s.objects["invitation_id"],
    "token": lambda s: s.objects["invitation_token"],
    "ask_id": lambda s: s.objects["ask_id"],
    "offer_id": lambda s: s.objects["offer_id"],
    "notification_id": lambda s: s.objects["notification_id"],
    "intro_id": lambda s: s.objects["intro_id"],
    "ring_id": lambda s: s.objects["ring_id"],
    "request_id": lambda s: s.objects["ring_request_id"],
    "pairing_id": lambda s: s.objects["pairing_id"],
    "endpoint_id": lambda s: s.objects["webhook_endpoint_id"],
    "org_slug": lambda s: s.objects["org_slug"],
    "checkin_id": lambda s: s.objects["checkin_id"],
    "route_id": lambda s: s.objects["route_id"],
    "huddle_id": lambda s: s.objects["huddle_id"],
    "secret": lambda s: s.objects["calendar_secret"],
    "practice_id": lambda s: s.objects["practice_id"],
}
# For names that mean different things on different routes (e.g. a bare ``id``): (path, name) → value.
ROUTE_PARAMS: dict[tuple[str, str], Callable[[Scene], object]] = {
    ("/reset/{token}", "token"): lambda s: s.objects["reset_token"],
    ("/unsubscribe/{token}", "token"): lambda s: mailtokens.sign_unsubscribe(
        WALK_SECRET.encode(), org_id=s.member.org_id, person_id=s.member.id
    ),
}
# Values for required query/form/JSON fields, by field name. Register new required fields here.
SAMPLES: dict[str, Callable[[Scene], object]] = {
    "email": lambda s: s.colleague.email,
    "name": lambda s: "Walk Sample",
    "password": lambda s: PASSWORD,
    "confirm": lambda s: PASSWORD,
    "timezone": lambda s: "UTC",
    "title": lambda s: "Walker",
    "role": lambda s: "member",
    "next": lambda s: "/",
    "person_id": lambda s: s.colleague.id,
    "message": lambda s: "I can pair with you on this tomorrow morning.",
    "note": lambda s: "Thank you, that unblocked the release.",
    "kind": lambda s: "advise",
    "outcome": lambda s: "fulfilled",
    "connector_id": lambda s: s.admin.id,
    "decision": lambda s: "accept",
    "due": lambda s: (NOW + timedelta(days=14)).date().isoformat(),
    "starts_at": lambda s: (NOW + timedelta(days=2)).isoformat(),
    "action": lambda s: "next",
    "version": lambda s: 1,
    "request_id": lambda s: s.objects["ring_request_id"],
    "helper_id": lambda s: s.member.id,
    # A public address literal: no DNS lookup, and not refused as private (the walk posts nothing).
    "url": lambda s: "https://93.184.216.34/askwell-hook",
    "events": lambda s: ["ask.opened"],
    "answers": lambda s: {"worked_on": "Walked every route."},
    "starts_on": lambda s: (NOW + timedelta(days=7)).date().isoformat(),
    "ends_on": lambda s: (NOW + timedelta(days=9)).date().isoformat(),
    "topic": lambda s: "The retry maths in PR 4412",
    "join": lambda s: "yes",
    "resolved": lambda s: True,
    "with_lead": lambda s: True,
    "slack_user_id": lambda s: "UWALKER",
    "votes": lambda s: {"worked_on": "keep"},
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    route: BaseRoute

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def is_public(self) -> bool:
        return (("GET" if self.method == "HEAD" else self.method), self.path) in PUBLIC

    @property
    def members_forbidden(self) -> bool:
        return (self.method, self.path) in MEMBERS_FORBIDDEN or self.path.startswith(ADMIN_PREFIXES)

    @property
    def param_names(self) -> list[str]:
        return re.findall(r"{(\w+)(?::\w+)?}", self.path)

    @property
    def is_stream(self) -> bool:
        """A route that answers an endless stream (server-sent events): a TestClient waits for the end
        of a response, so these are walked signed in over a real connection (``stream_failures``)."""
        return isinstance(self.route, APIRoute) and self.route.response_class is EventSourceResponse


def endpoints(app: FastAPI) -> list[Endpoint]:
    found: list[Endpoint] = []
    for path, methods, route in _routes(app):
        if isinstance(route, Mount):
            found.append(Endpoint("*", path, route))
            continue
        methods = methods or {"*"}
        found.extend(Endpoint(m, path, route) for m in sorted(methods) if m != "HEAD" or methods == {"HEAD"})
    return sorted(found, key=lambda ep: (ep.method, ep.path) in ENDS_SESSION)


def _routes(app: FastAPI) -> Iterator[tuple[str, set[str] | None, BaseRoute]]:
    """(full path, methods, the route as declared): included routers carry their prefix in the context."""
    if iter_route_contexts is None:  # pragma: no cover
        for route in app.routes:
            yield getattr(route, "path", repr(route)), getattr(route, "methods", None), route
        return
    for context in iter_route_contexts(app.routes):
        yield context.path or repr(context.original_route), context.methods, context.original_route


def _flat(dependant: Any, kind: str) -> list[Any]:
    found = list(getattr(dependant, kind))
    for sub in dependant.dependencies:
        found.extend(_flat(sub, kind))
    return found


@dataclass
class Call:
    """One concrete request for an endpoint, or why it cannot be built."""

    url: str = ""
    query: dict[str, object] = field(default_factory=dict)
    form: dict[str, object] | None = None
    json: object = None
    missing: list[str] = field(default_factory=list)


def build_call(ep: Endpoint, scene: Scene) -> Call:
    call = Call()
    url = ep.path
    for name in ep.param_names:
        if (ep.path, name) not in ROUTE_PARAMS and name not in PATH_PARAMS:
            call.missing.append(f"path parameter {name!r} (add it to PATH_PARAMS or ROUTE_PARAMS)")
            continue
        url = re.sub(rf"{{{name}(?::\w+)?}}", str(_path_value(ep, name, scene)), url)
    call.url = url
    if not isinstance(ep.route, APIRoute):
        return call
    dependant = ep.route.dependant
    for param in _flat(dependant, "query_params"):
        if param.field_info.is_required():
            _fill(call, call.query, param.alias, scene)
    bodies = _flat(dependant, "body_params")
    forms = [b for b in bodies if isinstance(b.field_info, params.Form)]  # File is a Form too
    if forms:
        call.form = {}
        for param in forms:
            if param.alias in SAMPLES:
                call.form[param.alias] = SAMPLES[param.alias](scene)
            elif param.field_info.is_required():
                call.missing.append(f"form field {param.alias!r} (add a value to SAMPLES)")
    elif bodies and bodies[0].field_info.is_required():
        model = bodies[0].field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            call.json = {}
            for name, info in model.model_fields.items():
                if info.is_required():
                    _fill(call, call.json, info.alias or name, scene)
        else:
            call.missing.append(f"JSON body of type {model!r} (teach build_call to fill it)")
    return call


def _fill(call: Call, target: dict[str, object], name: str, scene: Scene) -> None:
    if name in SAMPLES:
        target[name] = SAMPLES[name](scene)
    else:
        call.missing.append(f"required field {name!r} (add a value to SAMPLES)")


def send(client: TestClient, ep: Endpoint, call: Call, headers: dict[str, str] | None = None) -> Any:
    method = "GET" if ep.method == "HEAD" else ep.method
    if call.form is not None:
        return client.request(method, call.url, params=call.query, data=call.form, headers=headers)
    if call.json is not None:
        return client.request(method, call.url, params=call.query, json=call.json, headers=headers)
    return client.request(method, call.url, params=call.query, headers=headers)


def seed_accounts(db: Session, world: World, scene: Scene) -> dict[str, object]:
    admin = world.actor(scene.admin)
    spare, _ = accounts.create_api_token(db, actor=admin, data=ApiTokenCreate(name="spare"), now=world.now)
    invitation, invitation_token = accounts.invite(
        db,
        actor=admin,
        data=InvitationCreate(email="invitee@example.com"),
        settings=Settings(),
        now=world.now,
    )
    reset_token = new_token()
    db.add(
        PasswordReset(
            org_id=scene.colleague.org_id,
            person_id=scene.colleague.id,
            token_hash=token_hash(reset_token),
            created_at=world.now,
            expires_at=world.now + timedelta(hours=1),
        )
    )
    return {
        "spare_token_id": spare.id,
        "invitation_id": invitation.id,
        "invitation_token": invitation_token,
        "reset_token": reset_token,
    }


def seed_asks(db: Session, world: World, scene: Scene) -> dict[str, object]:
    ask = asks.create_ask(
        db,
        actor=world.actor(scene.colleague),
        data=AskCreate(
            title="Review the retry logic in PR 4412 before Thursday's release",
            body="It blocks the payments release; I need a second pair of eyes on the backoff maths.",
            due=world.now + timedelta(days=3),
        ),
        now=world.now,
    )
    offer = asks.offer_help(
        db,
        actor=world.actor(scene.admin),
        ask_id=ask.id,
        data=OfferCreate(kind=OfferKind.ADVISE, message="Happy to review it this afternoon."),
        now=world.now,
    )
    notification = db.scalars(
        select(Notification).where(Notification.person_id == scene.colleague.id).order_by(Notification.id)
    ).first()
    assert notification is not None, "offering help should notify the asker"
    return {"ask_id": ask.id, "offer_id": offer.id, "notification_id": notification.id}


def seed_network(db: Session, world: World, scene: Scene) -> dict[str, object]:
    """The colleague asks the admin (whom they know) to introduce them to the member (whom the admin knows)."""
    colleague, admin = world.actor(scene.colleague), world.actor(scene.admin)
    network.add_tie(
        db, actor=colleague, data=TieCreate(person_id=scene.admin.id, strength=0.8), now=world.now
    )
    network.add_tie(db, actor=admin, data=TieCreate(person_id=scene.member.id, strength=0.8), now=world.now)
    intro = network.request_intro(
        db,
        actor=colleague,
        data=IntroRequest(
            connector_id=scene.admin.id, target_id=scene.member.id, query="backoff maths review"
        ),
        now=world.now,
    )
    return {"intro_id": intro.id}


HIDDEN_TITLE = "Walk secret: the reorg plan for the platform team"


def seed_hidden(db: Session, world: World, scene: Scene) -> dict[str, object]:
    """An ask shared with the member, who was told of it, and then taken off it: what the member's
    pages hide (its title) no route may answer them."""
    ask = asks.create_ask(
        db,
        actor=world.actor(scene.colleague),
        data=AskCreate(
            title=HIDDEN_TITLE,
            body="Only for the people named.",
            due=world.now + timedelta(days=3),
            visibility=Visibility.PEOPLE,
            audience=[scene.member.id],
        ),
        now=world.now,
    )
    db.execute(
        delete(AskAudience).where(AskAudience.ask_id == ask.id, AskAudience.person_id == scene.member.id)
    )
    return {"hidden_ask_id": ask.id}


def seed_rings(db: Session, world: World, scene: Scene) -> dict[str, object]:
    """An open-call ring the admin facilitates, under way: the colleague's request has the admin's offer
    and a proposed pairing. The member sees it (open call) but is not in it."""
    admin, colleague = world.actor(scene.admin), world.actor(scene.colleague)
    ring = rings.create_ring(
        db,
        actor=admin,
        data=RingCreate(name="Walk ring", starts_at=world.now + timedelta(days=1), open_call=True),
        now=world.now,
    )
    rings.join(db, actor=colleague, ring_id=ring.id, now=world.now)
    request = rings.submit_request(
        db,
        actor=colleague,
        ring_id=ring.id,
        data=RingRequestCreate(title="Review the retry logic before Thursday's release"),
        now=world.now,
    )
    rings.console(
        db, actor=admin, ring_id=ring.id, data=ConsoleAction(action="start", version=1), now=world.now
    )
    rings.make_offer(
        db, actor=admin, ring_id=ring.id, request_id=request.id, data=RingOfferCreate(), now=world.now
    )
    view = rings.propose_assignment(db, actor=admin, ring_id=ring.id, now=world.now)
    assert view.pairings, "the admin's offer should be proposed"
    return {"ring_id": ring.id, "ring_request_id": request.id, "pairing_id": view.pairings[0].id}


def seed_webhooks(db: Session, world: World, scene: Scene) -> dict[str, object]:
    """An endpoint of the admin's organization with one test message in its log."""
    admin = world.actor(scene.admin)
    endpoint, _ = webhooks.create_endpoint(
        db,
        actor=admin,
        data=EndpointCreate(url="https://93.184.216.34/askwell-hook", events=["ask.opened"]),
        settings=Settings(),
        now=world.now,
    )
    webhooks.send_test(db, actor=admin, endpoint_id=endpoint.id, now=world.now)
    org = db.get(Organization, scene.admin.org_id)
    assert org is not None
    return {"webhook_endpoint_id": endpoint.id, "org_slug": org.slug}


def seed_standups(db: Session, world: World, scene: Scene) -> dict[str, object]:
    """The team's stand-up, the colleague's check-in with a need drafted into an ask, and the team's
    30-day practice (started by the admin)."""
    standups.configure(
        db, actor=world.actor(scene.admin), team_id=scene.team.id, data=StandupSettingsWrite(), now=world.now
    )
    checkin = standups.answer(
        db,
        actor=world.actor(scene.colleague),
        data=CheckinWrite(
            answers={"help_needed": "Blocked on the Stripe webhook signature, no idea who knows it"}
        ),
        now=world.now,
    )
    practice = standups.start_practice(
        db, actor=world.actor(scene.admin), team_id=scene.team.id, data=PracticeStart(), now=world.now
    )
    return {"checkin_id": checkin.id, "practice_id": practice.id}


def seed_routing_and_huddles(db: Session, world: World, scene: Scene) -> dict[str, object]:
    """The colleague's stand-up need routed to the member (their teammate); the colleague's huddle with
    the member invited (everyone works on UTC, and NOW is a Monday morning)."""
    ask = asks.create_ask(
        db,
        actor=world.actor(scene.colleague),
        data=AskCreate(title="Walk: the backoff maths", due=world.now + timedelta(days=3)),
        now=world.now,
    )
    event = HelpNeededConfirmed(
        org_id=scene.team.org_id,
        at=world.now,
        ask_id=ask.id,
        author_id=scene.colleague.id,
        team_id=scene.team.id,
        checkin_id=1,
    )
    routes = routing.route_help_needed(db, event=event, encode=None)
    assert routes, "the member should be asked"
    huddle = huddles.call_huddle(
        db,
        actor=world.actor(scene.colleague),
        data=HuddleCreate(topic="Backoff maths"),
        now=world.now,
        encode=None,
        link_template="https://meet.example.com/{huddle_id}",
    )
    return {"route_id": routes[0].id, "huddle_id": huddle.id}


def seed_calendar(db: Session, world: World, scene: Scene) -> dict[str, object]:
    """The member's calendar feed (the public feed route is called with its secret)."""
    _row, secret = calendars.create(db, actor=world.actor(scene.member), now=world.now)
    return {"calendar_secret": secret}


# Each seeder adds its domain's objects to the scene; add one when a domain adds routes with ids.
SEEDERS: list[Callable[[Session, World, Scene], dict[str, object]]] = [
    seed_accounts,
    seed_asks,
    seed_network,
    seed_hidden,
    seed_rings,
    seed_webhooks,
    seed_standups,
    seed_routing_and_huddles,
    seed_calendar,
]


@pytest.fixture
def settings(database: TestDatabase) -> Settings:
    """The suite's settings with a secret key, so that signed links (one-click unsubscribe) work."""
    return Settings(
        database_url=database.url,
        in_process_worker=False,
        login_max_failures=5,
        secret_key=SecretStr(WALK_SECRET),
    )


@pytest.fixture
def scene(world: World, db: Session) -> Scene:
    acme = world.org("Acme")
    team = world.team(acme, "Platform")
    admin = world.person(acme, "Admin", role=Role.ADMIN)
    member = world.person(acme, "Member", teams=["Platform"])
    colleague = world.person(acme, "Colleague", teams=["Platform"])
    outsider = world.person(world.org("Globex"), "Outsider", role=Role.ADMIN)
    scene = Scene(
        admin=admin,
        member=member,
        colleague=colleague,
        team=team,
        admin_token=world.api_token(admin),
        admin_cookie=world.session_cookie(admin),
        member_cookie=world.session_cookie(member),
        member_token=world.api_token(member),
        outsider_cookie=world.session_cookie(outsider),
        outsider_token=world.api_token(outsider),
    )
    for seed in SEEDERS:
        scene.objects.update(seed(db, world, scene))
        db.commit()
    return scene


def browser(app: FastAPI, session: str | None = None) -> TestClient:
    """A client with a known CSRF cookie (and a session); server errors come back as 500s to report."""
    client = TestClient(
        app, base_url="http://testserver", follow_redirects=False, raise_server_exceptions=False
    )
    client.cookies.set("askwell_csrf", CSRF_VALUE)
    if session is not None:
        client.cookies.set("askwell_session", session)
    return client


def as_page_user(app: FastAPI, session: str) -> Callable[[Endpoint, Call], Any]:
    client = browser(app, session)
    return lambda ep, call: send(client, ep, call, {"X-CSRF-Token": CSRF_VALUE})


def as_api_user(app: FastAPI, token: str) -> Callable[[Endpoint, Call], Any]:
    client = TestClient(
        app, base_url="http://testserver", follow_redirects=False, raise_server_exceptions=False
    )
    return lambda ep, call: send(client, ep, call, {"Authorization": f"Bearer {token}"})


def walkable(app: FastAPI, scene: Scene) -> Iterator[tuple[Endpoint, Call]]:
    for ep in endpoints(app):
        if isinstance(ep.route, Mount) or ep.is_public:
            continue
        call = build_call(ep, scene)
        if not call.missing:
            yield ep, call


def _error_name(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


class TestEveryRouteIsCovered:
    def test_each_route_is_public_or_walkable(self, app: FastAPI, scene: Scene) -> None:
        problems = coverage_problems(app, scene)
        assert not problems, "Routes the security walk does not cover:\n" + "\n".join(problems)

    def test_the_lists_name_only_routes_that_exist(self, app: FastAPI) -> None:
        existing = {(ep.method, ep.path) for ep in endpoints(app)}
        stale = sorted(MEMBERS_FORBIDDEN - existing)
        assert not stale, f"MEMBERS_FORBIDDEN names routes that no longer exist (renamed?): {stale}"

    def test_the_walk_reaches_the_api(self, app: FastAPI, scene: Scene) -> None:
        walked = {ep.path for ep, _ in walkable(app, scene)}
        assert {
            "/api/v1/me",
            "/api/v1/people/{person_id}",
            "/api/v1/teams/{team_id}/members/{person_id}",
        } <= walked


def coverage_problems(app: FastAPI, scene: Scene) -> list[str]:
    problems = []
    for ep in endpoints(app):
        if isinstance(ep.route, Mount):
            if ep.path not in PUBLIC_MOUNTS:
                problems.append(
                    f"{ep.path}: a mount the walk cannot enter; add it to PUBLIC_MOUNTS if public"
                )
            continue
        if not isinstance(ep.route, APIRoute | Route):
            problems.append(f"{ep.label}: a {type(ep.route).__name__} the walk does not know how to call")
            continue
        missing = build_call(ep, scene).missing
        if missing and not ep.is_public:
            problems.append(f"{ep.label}: cannot be walked; register " + "; ".join(missing))
    return problems


def anonymous_failures(app: FastAPI, scene: Scene) -> list[str]:
    client = browser(app)
    failures = []
    for ep, call in walkable(app, scene):
        r = send(client, ep, call, {"X-CSRF-Token": CSRF_VALUE})
        if ep.is_api:
            ok = r.status_code == 401 and _error_name(r) == "NotAuthenticated"
            expected = "401 NotAuthenticated"
        else:
            ok = r.status_code == 303 and r.headers.get("location", "").startswith("/signin")
            expected = "303 to /signin"
        if not ok:
            where = r.headers.get("location", "")
            failures.append(f"{ep.label}: anonymous got {r.status_code} {where}, expected {expected}")
    return failures


def other_org_failures(app: FastAPI, scene: Scene) -> list[str]:
    page = as_page_user(app, scene.outsider_cookie)
    api = as_api_user(app, scene.outsider_token)
    failures = []
    for ep, call in walkable(app, scene):
        if not ep.param_names:
            continue
        r = (api if ep.is_api else page)(ep, call)
        if r.status_code != 404:
            failures.append(
                f"{ep.label} as {call.url}: another organization's admin got {r.status_code}, expected 404"
            )
    return failures


def member_failures(app: FastAPI, scene: Scene) -> list[str]:
    page = as_page_user(app, scene.member_cookie)
    api = as_api_user(app, scene.member_token)
    failures = []
    for ep, call in walkable(app, scene):
        if ep.is_stream:
            continue  # signed in, it would stream forever here: see stream_failures
        r = (api if ep.is_api else page)(ep, call)
        if ep.members_forbidden and r.status_code != 403:
            where = r.headers.get("location", "")
            failures.append(f"{ep.label}: a member got {r.status_code} {where}, expected 403")
        elif r.status_code >= 500:
            failures.append(f"{ep.label}: a member got {r.status_code}")
    return failures


def _csrf_refused(ep: Endpoint, r: Any) -> bool:
    """The API answers 403; a page form goes back to sign in and then to the form (its text kept by the
    browser), never to a dead 403 page. No successful form post redirects to /signin?next=."""
    if r.status_code == 403:
        return True
    return not ep.is_api and r.status_code == 303 and r.headers["location"].startswith("/signin?next=")


def csrf_failures(app: FastAPI, scene: Scene) -> list[str]:
    cookie_client = browser(app, scene.admin_cookie)
    token_client = TestClient(
        app, base_url="http://testserver", follow_redirects=False, raise_server_exceptions=False
    )
    failures = []
    unsafe = [
        (ep, call)
        for ep, call in _all_calls(app, scene)
        if ep.method not in SAFE and (ep.method, ep.path) not in CSRF_EXEMPT
    ]
    for ep, call in unsafe:
        r = send(cookie_client, ep, call)
        if (ep.method, ep.path) in SIGNED_BY_SLACK:
            if r.status_code != 401:
                failures.append(f"{ep.label}: an unsigned request with a session cookie got {r.status_code}")
            continue
        if not _csrf_refused(ep, r):
            failures.append(
                f"{ep.label}: a signed-in browser without the CSRF token got {r.status_code}, expected 403"
                + ("" if ep.is_api else " or a 303 to /signin?next=")
            )
    for ep, call in unsafe:
        if ep.is_api:
            r = send(token_client, ep, call, {"Authorization": f"Bearer {scene.admin_token}"})
            if r.status_code == 401 or _error_name(r) == "CsrfFailed" or r.status_code >= 500:
                failures.append(
                    f"{ep.label}: with a bearer token and no CSRF token got {r.status_code} {r.text[:80]}"
                )
    return failures


def hidden_failures(app: FastAPI, scene: Scene) -> list[str]:
    """Every GET a member can make, page or API, must keep hidden what their inbox page hides."""
    page = as_page_user(app, scene.member_cookie)
    api = as_api_user(app, scene.member_token)
    inbox = browser(app, scene.member_cookie).get("/inbox")
    failures = []
    if "no longer shared with you" not in inbox.text:
        failures.append("the scene must show the member an item about an ask no longer shared with them")
    for ep, call in walkable(app, scene):
        if ep.method != "GET" or ep.is_stream:
            continue
        r = (api if ep.is_api else page)(ep, call)
        if HIDDEN_TITLE in r.text:
            failures.append(f"{ep.label} as {call.url}: answered the title the member's inbox hides")
    return failures


def stream_failures(app: FastAPI, scene: Scene) -> list[str]:
    """Streaming routes, signed in, over a real connection: they answer 200 with an event stream and
    a first event, and end when the client goes (the read is bounded, so a silent stream fails)."""
    failures = []
    streams = [(ep, call) for ep, call in walkable(app, scene) if ep.is_stream]
    if not streams:
        return failures
    with serve(app) as url:
        for ep, call in streams:
            # A stream members may not open (a ring's console) refuses them before streaming and
            # answers the admin (who may) with its first event.
            who = [("member", scene.member_cookie, scene.member_token)]
            if ep.members_forbidden:
                who.append(("admin", scene.admin_cookie, scene.admin_token))
            for name, cookie, token in who:
                cookies = {} if ep.is_api else {"askwell_session": cookie}
                headers = {"Authorization": f"Bearer {token}"} if ep.is_api else {}
                with (
                    httpx.Client(
                        base_url=url, cookies=cookies, headers=headers, timeout=STREAM_WAIT
                    ) as client,
                    client.stream(ep.method, call.url, params=call.query) as r,
                ):
                    kind = r.headers.get("content-type", "")
                    if name == "member" and ep.members_forbidden:
                        if r.status_code != 403:
                            failures.append(f"{ep.label}: a member got {r.status_code}, expected 403")
                        continue
                    first = next((line for line in r.iter_lines() if line.startswith("data:")), None)
                if r.status_code != 200 or not kind.startswith("text/event-stream") or first is None:
                    failures.append(f"{ep.label}: {name} got {r.status_code} {kind!r} and no first event")
    return failures


def absurd_id_failures(app: FastAPI, scene: Scene) -> list[str]:
    page = as_page_user(app, scene.admin_cookie)
    api = as_api_user(app, scene.admin_token)
    failures = []
    for ep, call in walkable(app, scene):
        names = _int_path_params(ep)
        for bad in ("99999999999999999999", "-1") if names else ():
            url = ep.path
            for name in ep.param_names:
                value = bad if name in names else str(_path_value(ep, name, scene))
                url = re.sub(rf"{{{name}(?::\w+)?}}", value, url)
            r = (api if ep.is_api else page)(
                ep, Call(url=url, query=call.query, form=call.form, json=call.json)
            )
            if r.status_code >= 500:
                failures.append(
                    f"{ep.label} as {url}: got {r.status_code}; bound the id (Path(ge=1, le=2**31 - 1))"
                )
    return failures


def public_failures(app: FastAPI, scene: Scene) -> list[str]:
    client = browser(app)
    failures = []
    for ep, call in _all_calls(app, scene):
        if not ep.is_public:
            continue
        r = send(client, ep, call, {"X-CSRF-Token": CSRF_VALUE})
        refused = (
            r.status_code == 401 if ep.is_api else r.headers.get("location", "").startswith("/signin?next")
        )
        if r.status_code >= 500 or refused:
            failures.append(f"{ep.label}: public route answered {r.status_code}")
        if (ep.method, ep.path) in SIGNED_BY_SLACK and r.status_code != 401:
            failures.append(f"{ep.label}: an unsigned request got {r.status_code}, expected 401")
    return failures


class TestRouteWalk:
    def test_anonymous_is_refused(self, app: FastAPI, scene: Scene) -> None:
        failures = anonymous_failures(app, scene)
        assert not failures, "\n".join(failures)

    def test_other_organization_gets_404_for_our_ids(self, app: FastAPI, scene: Scene) -> None:
        failures = other_org_failures(app, scene)
        assert not failures, "\n".join(failures)

    def test_members_are_refused_admin_routes_and_nothing_fails(self, app: FastAPI, scene: Scene) -> None:
        failures = member_failures(app, scene)
        assert not failures, "\n".join(failures)

    def test_unsafe_requests_need_the_csrf_token_unless_sent_with_a_bearer_token(
        self, app: FastAPI, scene: Scene
    ) -> None:
        failures = csrf_failures(app, scene)
        assert not failures, "\n".join(failures)

    def test_nothing_answers_what_the_inbox_page_hides(self, app: FastAPI, scene: Scene) -> None:
        failures = hidden_failures(app, scene)
        assert not failures, "\n".join(failures)

    def test_streams_answer_signed_in_people_with_an_event(
        self, settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock, scene: Scene
    ) -> None:
        # A real server, so the app gets a fresh context of its own on the test's database.
        app = create_app(settings, session_factory=session_factory, edges=Edges(clock=clock))
        assert any(ep.is_stream for ep in endpoints(app)), "the inbox badge streams: the walk must see it"
        failures = stream_failures(app, scene)
        assert not failures, "\n".join(failures)

    def test_absurd_ids_are_client_errors(self, app: FastAPI, scene: Scene) -> None:
        failures = absurd_id_failures(app, scene)
        assert not failures, "\n".join(failures)

    def test_public_routes_answer_without_signing_in(self, app: FastAPI, scene: Scene) -> None:
        failures = public_failures(app, scene)
        assert not failures, "\n".join(failures)


class TestBalancesStayPrivate:
    """A balance is its owner's: a lead of their team reads it (page and API) only once it is shared."""

    BALANCE_ROUTES = ("/api/v1/insights/people/{person_id}", "/insights/people/{person_id}")

    def test_a_lead_reads_a_balance_only_once_shared(
        self, app: FastAPI, scene: Scene, world: World, db: Session
    ) -> None:
        org = db.get_one(Organization, scene.team.org_id)
        lead = world.person(org, "Lead", role=Role.LEAD, teams=["Platform"], lead_of=["Platform"])
        page = as_page_user(app, world.session_cookie(lead))
        api = as_api_user(app, world.api_token(lead))
        colleague = as_api_user(app, world.api_token(scene.colleague))
        calls = [
            (api if path.startswith("/api/") else page, Endpoint("GET", path, Route(path, lambda: None)))
            for path in self.BALANCE_ROUTES
        ]

        def statuses() -> list[int]:
            return [
                send_as(ep, Call(url=ep.path.replace("{person_id}", str(scene.colleague.id)))).status_code
                for send_as, ep in calls
            ]

        assert statuses() == [403, 403]
        share = Endpoint("PUT", "/api/v1/insights/me/sharing", Route("/", lambda: None))
        assert colleague(share, Call(url=share.path, json={"with_lead": True})).status_code == 200
        assert statuses() == [200, 200]


class TestTheWalkCatchesMistakes:
    """A fresh app with deliberately broken routes: each check must name them."""

    def test_rogue_routes_are_reported(
        self, settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock, scene: Scene
    ) -> None:
        app = create_app(settings, session_factory=session_factory, edges=Edges(clock=clock))
        rogue = APIRouter()

        @rogue.get("/api/v1/rogue/{person_id}")
        def leaky(person_id: int) -> dict[str, int]:  # no sign-in, no organization scope
            return {"id": person_id}

        @rogue.get("/admin/rogue")
        def admin_page(me: PagePerson) -> dict[str, str]:  # signed in, but no role check
            return {"name": me.name}

        @rogue.post("/rogue-form")
        def unguarded(me: PagePerson) -> dict[str, str]:  # mounted without csrf_protect
            return {"name": me.name}

        @rogue.get("/rogue/{mystery_id}")
        def unknown(mystery_id: int, me: PagePerson) -> None: ...

        @rogue.get("/api/v1/rogue-titles")
        def every_title(db: Db, actor: ApiActor) -> list[str]:  # the org's asks, not the reader's
            return list(db.scalars(select(Ask.title).where(Ask.org_id == actor.org_id)))

        app.include_router(rogue)
        assert any("/rogue/{mystery_id}" in p for p in coverage_problems(app, scene))
        assert any("/api/v1/rogue/{person_id}" in f for f in anonymous_failures(app, scene))
        assert any("/api/v1/rogue/{person_id}" in f for f in other_org_failures(app, scene))
        assert any("GET /admin/rogue" in f for f in member_failures(app, scene))
        assert any("POST /rogue-form" in f for f in csrf_failures(app, scene))
        assert any("GET /api/v1/rogue-titles" in f for f in hidden_failures(app, scene))


def _int_path_params(ep: Endpoint) -> set[str]:
    if not isinstance(ep.route, APIRoute):
        return set()
    return {p.alias for p in _flat(ep.route.dependant, "path_params") if p.field_info.annotation is int}


def _path_value(ep: Endpoint, name: str, scene: Scene) -> object:
    return (ROUTE_PARAMS.get((ep.path, name)) or PATH_PARAMS[name])(scene)


def _all_calls(app: FastAPI, scene: Scene) -> Iterator[tuple[Endpoint, Call]]:
    for ep in endpoints(app):
        if isinstance(ep.route, Mount):
            continue
        call = build_call(ep, scene)
        if not call.missing:
            yield ep, call
