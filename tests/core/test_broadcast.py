"""The broadcaster: a message published anywhere reaches the subscribers of its channel, and only them.

In memory within one process (published from another thread, as sync routes and the worker do);
through PostgreSQL's LISTEN/NOTIFY across connections, as between two app processes.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from askwell.core.broadcast import InMemoryBroadcaster, Message, PostgresBroadcaster
from askwell.core.db import create_db_engine

if TYPE_CHECKING:
    from tests.conftest import TestDatabase

# A bound on every wait, not a timing assertion: a message that never comes fails the test.
WAIT = 20


async def _next(messages: AsyncIterator[Message]) -> Message:
    return await asyncio.wait_for(anext(messages), timeout=WAIT)


class TestInMemory:
    def test_a_message_published_from_another_thread_reaches_its_channel_only(self) -> None:
        hub = InMemoryBroadcaster()

        async def scenario() -> tuple[Message, bool]:
            async with hub.subscribe("inbox:1:2") as mine, hub.subscribe("inbox:1:3") as theirs:
                sender = threading.Thread(
                    target=lambda: (hub.publish("inbox:1:3", "a"), hub.publish("inbox:1:2", "b"))
                )
                sender.start()
                got = await _next(mine)
                sender.join()
                first_of_theirs = await _next(theirs)
                return got, first_of_theirs.data == "a"

        got, theirs_got_theirs = asyncio.run(scenario())
        assert (got.channel, got.data) == ("inbox:1:2", "b")
        assert theirs_got_theirs

    def test_a_subscription_ends_with_its_block(self) -> None:
        hub = InMemoryBroadcaster()

        async def scenario() -> int:
            async with hub.subscribe("inbox:1:2"):
                assert hub.subscribers == 1
            return hub.subscribers

        assert asyncio.run(scenario()) == 0
        hub.publish("inbox:1:2", "nobody listens")  # and nothing fails

    def test_a_slow_subscriber_keeps_the_newest_signals(self) -> None:
        hub = InMemoryBroadcaster()

        async def scenario() -> list[str]:
            async with hub.subscribe("c") as messages:
                for i in range(200):
                    hub.publish("c", str(i))  # delivered in order once the loop runs again
                return [(await _next(messages)).data]

        # The queue holds 64: the first kept is number 136, the 64th from the end.
        assert asyncio.run(scenario()) == ["136"]


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("ASKWELL_TEST_DATABASE_URL"),
    reason="LISTEN/NOTIFY between processes is the PostgreSQL deployment; set ASKWELL_TEST_DATABASE_URL",
)
class TestPostgres:
    def test_a_message_published_through_one_connection_reaches_a_listener_on_another(
        self, database: TestDatabase
    ) -> None:
        # Two broadcasters on two engines: what two app processes hold.
        publisher_engine, listener_engine = create_db_engine(database.url), create_db_engine(database.url)
        publisher, listener = PostgresBroadcaster(publisher_engine), PostgresBroadcaster(listener_engine)

        async def scenario() -> tuple[Message, Message]:
            async with listener.subscribe("inbox:1:2") as mine, listener.subscribe("inbox:9:9") as other:
                await asyncio.wait_for(listener.wait_listening(), timeout=WAIT)
                # Published from a thread, as a sync route does after its commit.
                await asyncio.to_thread(publisher.publish, "inbox:9:9", "not yours")
                await asyncio.to_thread(publisher.publish, "inbox:1:2", "changed")
                got = await _next(mine)
                theirs = await _next(other)
            await listener.aclose()
            return got, theirs

        try:
            got, theirs = asyncio.run(scenario())
        finally:
            publisher_engine.dispose()
            listener_engine.dispose()
        assert (got.channel, got.data) == ("inbox:1:2", "changed")
        assert (theirs.channel, theirs.data) == ("inbox:9:9", "not yours")
