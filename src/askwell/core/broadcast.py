"""Live fan-out: a ``Broadcaster`` carries small messages from the process that committed a change to
every process holding a live page (server-sent events) that listens on the message's channel.

Messages are *signals*, never the data itself: "Ada's inbox changed", not the new notification. The
receiver reads what changed in its own short transaction, through the same access functions as a
page, so a live update can never show more than a reload would, and a lost message costs only
freshness (the next page view, or the next message, shows the truth).

Two implementations:

* ``InMemoryBroadcaster``: one process (SQLite, ``askwell serve`` with its in-process worker).
  ``publish`` may be called from any thread (sync routes run in a thread pool, the worker in its
  own thread); subscribers are asyncio queues on the server's event loop.
* ``PostgresBroadcaster``: several processes. ``publish`` runs ``pg_notify`` on one channel
  (``askwell_broadcast``); each process keeps one dedicated listening connection (psycopg async,
  opened on the first subscription) and fans the notices out to its local subscribers.

Neither keeps history, so ``subscribe(..., last_event_id=...)`` cannot replay what a client missed
while disconnected: ``replays`` is False, and a consumer whose state fits in one message (the inbox
badge) sends the current state when a client (re)connects instead. A channel that needs replay (a
ring's live board) can add a broadcaster that stores messages with ids and honours
``last_event_id``; the protocol already carries both. The ring's live pages do it without one: their
streams replay from the ring's event log, a table (``web/routes/rings_stream.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine, func, select

log = logging.getLogger(__name__)

#: Messages waiting for one slow subscriber before the oldest are dropped (signals: the newest wins).
QUEUE_SIZE = 64
#: The PostgreSQL channel every process listens on; the logical channel travels in the payload.
PG_CHANNEL = "askwell_broadcast"
#: pg_notify refuses payloads of 8000 bytes or more.
MAX_PAYLOAD = 7900
#: How long a new subscriber waits for this process's LISTEN to be in place (the first one opens it).
LISTEN_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Message:
    channel: str
    data: str
    # A replay-capable broadcaster numbers its messages; these two leave it None.
    id: str | None = None


class Broadcaster(Protocol):
    """Fan-out of small messages by channel name; see the module docstring."""

    #: Whether ``subscribe`` honours ``last_event_id`` (replays what was missed).
    replays: bool

    def publish(self, channel: str, data: str) -> None:
        """Send ``data`` to every current subscriber of ``channel``, in any process; thread-safe,
        never raises (a live update is not worth failing the request that committed)."""
        ...

    def subscribe(
        self, channel: str, *, last_event_id: str | None = None
    ) -> AbstractAsyncContextManager[AsyncIterator[Message]]:
        """Messages published on ``channel`` from now on, until the context ends."""
        ...

    async def aclose(self) -> None:
        """Stop listening (the app's shutdown)."""
        ...


class _LocalFanOut:
    """Subscribers of this process, by channel: asyncio queues fed from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Message]]]] = {}

    def add(self, channel: str) -> tuple[asyncio.AbstractEventLoop, asyncio.Queue[Message]]:
        entry = (asyncio.get_running_loop(), asyncio.Queue[Message](maxsize=QUEUE_SIZE))
        with self._lock:
            self._queues.setdefault(channel, set()).add(entry)
        return entry

    def remove(self, channel: str, entry: tuple[asyncio.AbstractEventLoop, asyncio.Queue[Message]]) -> None:
        with self._lock:
            found = self._queues.get(channel)
            if found is not None:
                found.discard(entry)
                if not found:
                    del self._queues[channel]

    def deliver(self, message: Message) -> None:
        with self._lock:
            targets = list(self._queues.get(message.channel, ()))
        for loop, queue in targets:
            with contextlib.suppress(RuntimeError):  # the loop has closed: its subscriber is gone
                loop.call_soon_threadsafe(_put_newest, queue, message)

    @contextlib.asynccontextmanager
    async def listen(self, channel: str) -> AsyncIterator[AsyncIterator[Message]]:
        entry = self.add(channel)
        try:
            yield _drain(entry[1])
        finally:
            self.remove(channel, entry)

    def count(self) -> int:
        with self._lock:
            return sum(len(q) for q in self._queues.values())


def _put_newest(queue: asyncio.Queue[Message], message: Message) -> None:
    if queue.full():
        queue.get_nowait()  # a subscriber that does not keep up loses the oldest signal
    queue.put_nowait(message)


async def _drain(queue: asyncio.Queue[Message]) -> AsyncIterator[Message]:
    while True:
        yield await queue.get()


class InMemoryBroadcaster:
    """One process: publish from any thread, subscribe on the event loop."""

    replays = False

    def __init__(self) -> None:
        self._local = _LocalFanOut()

    def publish(self, channel: str, data: str) -> None:
        self._local.deliver(Message(channel, data))

    def subscribe(
        self, channel: str, *, last_event_id: str | None = None
    ) -> AbstractAsyncContextManager[AsyncIterator[Message]]:
        return self._local.listen(channel)

    async def aclose(self) -> None:
        return None

    @property
    def subscribers(self) -> int:
        return self._local.count()


class PostgresBroadcaster:
    """Several processes: ``NOTIFY`` to publish, one ``LISTEN`` connection per process to receive."""

    replays = False

    def __init__(self, engine: Engine, *, reconnect_seconds: float = 1.0) -> None:
        self._engine = engine
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._local = _LocalFanOut()
        self._reconnect_seconds = reconnect_seconds
        self._listener: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def publish(self, channel: str, data: str) -> None:
        payload = json.dumps({"c": channel, "d": data}, separators=(",", ":"))
        if len(payload.encode()) > MAX_PAYLOAD:
            log.error("broadcast on %s dropped: %d bytes is over PostgreSQL's limit", channel, len(payload))
            return
        try:
            with self._engine.connect() as conn:
                conn.execute(select(func.pg_notify(PG_CHANNEL, payload)))
                conn.commit()
        except Exception:
            log.warning(
                "broadcast on %s failed; live pages catch up on their next message", channel, exc_info=True
            )

    def subscribe(
        self, channel: str, *, last_event_id: str | None = None
    ) -> AbstractAsyncContextManager[AsyncIterator[Message]]:
        return self._subscription(channel)

    @contextlib.asynccontextmanager
    async def _subscription(self, channel: str) -> AsyncIterator[AsyncIterator[Message]]:
        await self._ensure_listener()
        async with self._local.listen(channel) as messages:
            # A subscriber reads its state after subscribing: the LISTEN must hold by then, or a change
            # between the two reaches nobody. Bounded: with the database away, the stream still opens.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._listening.wait(), LISTEN_WAIT_SECONDS)
            yield messages

    async def wait_listening(self) -> None:
        """Until the listening connection has run LISTEN (so a publish from now on is received)."""
        await self._ensure_listener()
        await self._listening.wait()

    async def _ensure_listener(self) -> None:
        loop = asyncio.get_running_loop()
        if self._listener is None or self._listener.done() or self._loop is not loop:
            self._loop = loop
            self._listening = asyncio.Event()
            self._listener = loop.create_task(self._listen(), name="askwell-broadcast-listener")

    async def _listen(self) -> None:
        import psycopg  # the PostgreSQL driver; only this broadcaster needs its async side

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {PG_CHANNEL}")
                    self._listening.set()
                    async for notice in conn.notifies():
                        message = _decode(notice.payload)
                        if message is not None:
                            self._local.deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                self._listening.clear()
                log.warning("broadcast listener lost its connection; reconnecting", exc_info=True)
            # Messages sent while reconnecting are lost; the badge resends its state on the next one.
            await asyncio.sleep(self._reconnect_seconds)

    async def aclose(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listener
            self._listener = None

    @property
    def subscribers(self) -> int:
        return self._local.count()


def _decode(payload: str) -> Message | None:
    try:
        found: Any = json.loads(payload)
        return Message(str(found["c"]), str(found["d"]))
    except (ValueError, KeyError, TypeError):
        log.warning("ignored a malformed broadcast payload")
        return None
