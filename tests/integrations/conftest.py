from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integrations.smtp_server import SmtpServer, smtp_server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def refusing_smtp() -> Iterator[SmtpServer]:
    """A relay that refuses for good (5xx): retrying cannot help."""
    with smtp_server(refuse="554 5.7.1 Transaction failed: relay refused") as server:
        yield server


@pytest.fixture
def busy_smtp() -> Iterator[SmtpServer]:
    """A relay that refuses for now (4xx): the outbox retries with back-off."""
    with smtp_server(refuse="451 4.3.0 Mail server temporarily busy, try again later") as server:
        yield server
