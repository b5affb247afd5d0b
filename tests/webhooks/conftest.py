"""Webhook tests run on the wall clock: the receiver verifies signatures with the standardwebhooks
package, which refuses a timestamp more than five minutes from its own clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from askwell.core.clock import FrozenClock
from askwell.core.config import Settings
from tests.conftest import TestDatabase
from tests.webhooks.receiver import Receiver, receiver


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def settings(database: TestDatabase) -> Settings:
    # The receiver listens on 127.0.0.1: allowed here explicitly, as an operator would for an
    # on-premises receiver. The SSRF tests build their own settings without it.
    return Settings(
        database_url=database.url,
        in_process_worker=False,
        webhooks_allow_private_targets=True,
        webhook_timeout_seconds=2,
        webhook_max_attempts=3,
    )


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as r:
        yield r
