"""A ring's live pages: one server-sent event stream per page (the board, the facilitator console, the
projector view) that carries the page's re-rendered partials whenever the ring changes.

What a stream sends, in order, on connecting and after each change:

* ``event: ring`` (``id:`` the sequence number, ``data:`` JSON ``{"seq", "kind", "payload"}``): each
  entry of the ring's event log after the last one the client saw, oldest first. On connecting, the
  client's ``Last-Event-ID`` (the browser sends it by itself when it reconnects) or ``?after=SEQ``
  says where it was, so a dropped connection misses nothing (the log is the replay source);
* ``event: board`` / ``console`` / ``projector`` (``id:`` the ring's last sequence number): the
  partials, rendered for this reader exactly as ``GET /rings/{id}/board|console|projector`` with
  ``HX-Request`` renders them; ``hx-ext="sse"`` swaps them in (``sse-swap``).

The broadcast (``ring:<org>:<ring>``, see ``rings.subscribers``) is only a signal: the stream reads
the log and renders in a short transaction of its own, through the same access checks as the pages,
so it shows no more than a reload would. While idle it holds no database connection. Permissions
are checked before the stream starts (another organization's ring: 404; the console stream for a
non-facilitator: 403) and again at each render (a stream whose session ended, or whose reader lost
access, ends). Each stream is bounded: a comment line every ``LIVE_PING_SECONDS`` and an end after
``LIVE_MAX_SECONDS`` (the browser reconnects at once, with ``Last-Event-ID``); uvicorn's graceful
shutdown ends open streams with the server.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import APIRouter, Request
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from askwell.accounts import service as accounts
from askwell.core.db import DEFERRED, MAX_ID
from askwell.core.errors import AskwellError, PermissionDenied
from askwell.http.deps import SESSION_COOKIE, LoginRequired, Viewer, app_context
from askwell.http.metrics import SSE_CONNECTIONS
from askwell.people.repository import actor_for
from askwell.rings import repository, service
from askwell.rings.models import Ring
from askwell.rings.subscribers import ring_channel
from askwell.web.routes.rings import RingId, RingWide, ring_context, ring_wide
from askwell.web.templating import TEMPLATES

router = APIRouter()

#: A comment line this often keeps proxies from closing a quiet stream (and notices a gone client).
LIVE_PING_SECONDS = 15
#: How long one stream lives before the browser reconnects (by itself, with ``Last-Event-ID``): a
#: signed-out person's or a removed participant's stream ends at the latest then.
LIVE_MAX_SECONDS = 30 * 60

#: Which partials each page's stream carries (event name, template), and whether only facilitators
#: may open it (as the page itself).
VIEWS: dict[str, tuple[tuple[tuple[str, str], ...], bool]] = {
    "board": ((("board", "rings/_board.html"),), False),
    "console": ((("console", "rings/_console.html"), ("board", "rings/_board.html")), True),
    "projector": ((("projector", "rings/_projector.html"),), False),
}


#: How long one read of a ring's members and board (at one sequence number) serves this process's
#: other streams of that ring: one change seen by 300 viewers is one read of the ring, not 300. Short,
#: because a change outside the ring's log (an ask's title edited on its own page) does not move the
#: sequence number.
SHARED_SECONDS = 1.0
SHARED_MAX = 256


class SharedReads:
    """The ring-wide part of the live renders (``ring_wide``), by (org, ring, sequence number), for a
    moment; per app (``app.state``), so two apps never share. Only what every reader of the ring sees
    alike is shared: sign-in, visibility, the facilitator check and the render stay each reader's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: OrderedDict[tuple[int, int, int], tuple[float, RingWide]] = OrderedDict()
        self._reading: dict[tuple[int, int, int], threading.Lock] = {}

    def get(self, db: Any, ring: Ring) -> RingWide:
        key = (ring.org_id, ring.id, int(ring.event_seq))
        with self._lock:
            reading = self._reading.setdefault(key, threading.Lock())
        with reading:  # the streams woken by one change wait for the first one's read
            with self._lock:
                found = self._found.get(key)
                if found is not None and time.monotonic() - found[0] < SHARED_SECONDS:
                    return found[1]
            try:
                value = ring_wide(db, ring)
                with self._lock:
                    self._found[key] = (time.monotonic(), value)
                    self._found.move_to_end(key)
                    while len(self._found) > SHARED_MAX:
                        self._found.popitem(last=False)
            finally:
                with self._lock:
                    self._reading.pop(key, None)
            return value


def _shared_reads(request: Request) -> SharedReads:
    state = request.app.state
    with _CREATE:
        if not hasattr(state, "ring_shared_reads"):
            state.ring_shared_reads = SharedReads()
    found: SharedReads = state.ring_shared_reads
    return found


_CREATE = threading.Lock()


@dataclass(frozen=True)
class Snapshot:
    """What one read found: the log entries after the client's position, the partials, the position."""

    org_id: int
    seq: int
    events: list[dict[str, Any]]
    partials: list[tuple[str, str]]


def _position(request: Request) -> int | None:
    """Where the client was: ``Last-Event-ID`` (a reconnect) or ``?after=``; None for a fresh page."""
    raw = (request.headers.get("last-event-id") or request.query_params.get("after") or "").strip()
    # ASCII digits only ("²" is a digit to str.isdigit, not to int); anything else starts afresh.
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


def _read(
    request: Request, token: str | None, ring_id: int, view: str, after: int | None, *, render: bool = True
) -> Snapshot:
    """One short read transaction: who the cookie is, whether they may see this, the log and partials.

    Raises ``LoginRequired``/``NotFound``/``PermissionDenied`` as the page would (the first read turns
    them into the route's answer; later ones end the stream).
    """
    ctx = app_context(request)
    if not token:
        raise LoginRequired()
    templates, facilitators_only = VIEWS[view]
    now = ctx.clock.now()
    with ctx.session_factory() as db:
        db.connection(execution_options={DEFERRED: True})
        person = accounts.person_for_session(db, token=token, now=now)
        if person is None:
            raise LoginRequired()
        actor = actor_for(db, person)
        ring = repository.get_ring(db, actor=actor, ring_id=ring_id)
        if facilitators_only and not service.can_facilitate(db, ring=ring, actor=actor):
            raise PermissionDenied("Only the ring's facilitators can run the session.")
        seq = int(ring.event_seq)
        if not render:
            return Snapshot(org_id=ring.org_id, seq=seq, events=[], partials=[])
        events = (
            [
                {"seq": e.seq, "kind": e.kind, "payload": e.payload}
                for e in repository.events_after(db, ring=ring, after=after)
            ]
            if after is not None and after < seq
            else []
        )
        shared = _shared_reads(request).get(db, ring)
        context = ring_context(db, actor, person, ring, now, shared=shared) | {
            "request": request,
            "me": Viewer.of(person),
            "actor": actor,
            "csrf_token": getattr(request.state, "csrf_token", ""),
            "on_console": view == "console",
        }
        partials = [(name, TEMPLATES.get_template(t).render(context).strip()) for name, t in templates]
    return Snapshot(org_id=ring.org_id, seq=seq, events=events, partials=partials)


async def _stream(request: Request, ring_id: int, view: str) -> Response:
    ctx = app_context(request)
    token = request.cookies.get(SESSION_COOKIE)
    after = _position(request)
    # The first read answers as the page would (303 to sign in, 404, 403) before anything streams.
    checked = await run_in_threadpool(lambda: _read(request, token, ring_id, view, after, render=False))
    channel = ring_channel(checked.org_id, ring_id)

    def events_of(snapshot: Snapshot) -> list[ServerSentEvent]:
        sent = [
            ServerSentEvent(data=json.dumps(e, separators=(",", ":")), event="ring", id=str(e["seq"]))
            for e in snapshot.events
        ]
        sent += [
            ServerSentEvent(data=html, event=name, id=str(snapshot.seq)) for name, html in snapshot.partials
        ]
        return sent

    async def read(position: int | None) -> Snapshot | None:
        """A fresh read, or None once the reader may no longer see the page (the stream ends)."""
        try:
            return await run_in_threadpool(_read, request, token, ring_id, view, position)
        except AskwellError:
            return None

    async def events() -> AsyncIterator[ServerSentEvent]:
        SSE_CONNECTIONS.inc()
        try:
            with anyio.move_on_after(LIVE_MAX_SECONDS):
                async with ctx.edges.broadcaster.subscribe(channel) as changes:
                    # Subscribed first, read second: a change committed in between is not missed. The
                    # partials go out at once (the state), after what the log says was missed.
                    snapshot = await read(after)
                    while snapshot is not None:
                        position = snapshot.seq
                        for event in events_of(snapshot):
                            yield event
                        while snapshot is not None and snapshot.seq <= position:
                            await anext(changes)  # no database connection held while waiting
                            snapshot = await read(position)
        finally:
            SSE_CONNECTIONS.dec()

    return EventSourceResponse(events(), ping=LIVE_PING_SECONDS, headers={"Cache-Control": "no-store"})


@router.get("/rings/{ring_id}/board/live", response_class=EventSourceResponse)
async def board_live(request: Request, ring_id: RingId) -> Response:
    """The ring page's board (requests × offers), live."""
    return await _stream(request, ring_id, "board")


@router.get("/rings/{ring_id}/console/live", response_class=EventSourceResponse)
async def console_live(request: Request, ring_id: RingId) -> Response:
    """The facilitator console (session, timer, buttons) and its board, live; facilitators only."""
    return await _stream(request, ring_id, "console")


@router.get("/rings/{ring_id}/projector/live", response_class=EventSourceResponse)
async def projector_live(request: Request, ring_id: RingId) -> Response:
    """The projector view, live."""
    return await _stream(request, ring_id, "projector")
