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
    with smtp_server(refuse=True) as server:
        yield server
