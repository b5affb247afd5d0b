"""Settings come from the ASKWELL_ environment, typed and validated."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from askwell.core.config import Settings


def test_reads_askwell_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASKWELL_DATABASE_URL", "postgresql://askwell@db.internal/askwell")
    monkeypatch.setenv("ASKWELL_WORKER_POLL_SECONDS", "0.25")
    monkeypatch.setenv("ASKWELL_IN_PROCESS_WORKER", "false")
    monkeypatch.setenv("ASKWELL_SMTP_HOST", "mail.internal")
    monkeypatch.setenv("ASKWELL_SMTP_PORT", "2525")

    settings = Settings()

    assert settings.database_url == "postgresql://askwell@db.internal/askwell"
    assert settings.worker_poll_seconds == 0.25
    assert settings.in_process_worker is False
    assert (settings.smtp_host, settings.smtp_port) == ("mail.internal", 2525)
    assert not settings.is_sqlite


def test_defaults_to_an_embedded_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ASKWELL_DATABASE_URL", "ASKWELL_IN_PROCESS_WORKER"):
        monkeypatch.delenv(name, raising=False)

    settings = Settings()

    assert settings.database_url == "sqlite:///askwell.db"
    assert settings.is_sqlite
    assert settings.in_process_worker is None


def test_ignores_variables_without_the_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ASKWELL_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://elsewhere/other")

    assert Settings().database_url == "sqlite:///askwell.db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ASKWELL_WORKER_POLL_SECONDS", "0"),
        ("ASKWELL_JOB_LEASE_SECONDS", "soon"),
        ("ASKWELL_SESSION_DAYS", "0"),
    ],
)
def test_refuses_invalid_values(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError):
        Settings()
