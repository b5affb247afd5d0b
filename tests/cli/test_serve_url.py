"""`askwell serve` without ASKWELL_BASE_URL: emails link to the address it serves on."""

import socket

from askwell.cli.serve import served_url, with_served_url
from askwell.core.config import Settings


def test_links_follow_host_and_port_when_no_base_url_is_set() -> None:
    settings = with_served_url(Settings(base_url=None), host="127.0.0.1", port=8765)
    assert settings.public_url() == "http://127.0.0.1:8765"


def test_a_configured_base_url_wins() -> None:
    settings = with_served_url(Settings(base_url="https://askwell.acme.example/"), host="0.0.0.0", port=80)
    assert settings.public_url() == "https://askwell.acme.example"


def test_all_interfaces_become_this_machine_s_name() -> None:
    assert served_url("0.0.0.0", 8000) == f"http://{socket.getfqdn()}:8000"
    assert served_url("::1", 8000) == "http://[::1]:8000"


def test_the_worker_s_notification_links_use_the_served_address() -> None:
    from sqlalchemy.orm import sessionmaker

    from askwell.worker.registry import build_registry
    from askwell.worker.runner import Worker

    settings = with_served_url(Settings(base_url=None), host="127.0.0.1", port=9123)
    worker = Worker(sessionmaker(), build_registry(), settings=settings)
    assert worker.ctx.edges.base_url == "http://127.0.0.1:9123"
