"""`askwell db new-key` and `askwell db rotate-key` (re-encrypt every stored secret under the first key),
and the refusal to run PostgreSQL commands without a key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import typer
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from askwell.cli.main import app
from askwell.core.config import Settings, get_settings
from askwell.core.encryption import SecretBox, SecretUnreadable, generate_key
from askwell.people.models import Organization
from askwell.slack.models import SlackInstallation
from askwell.sso.models import SsoConfig
from askwell.webhooks.models import WebhookEndpoint

runner = CliRunner()
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _use(monkeypatch: pytest.MonkeyPatch, *keys: str) -> None:
    monkeypatch.setenv("ASKWELL_ENCRYPTION_KEYS", ",".join(keys))
    get_settings.cache_clear()


def test_new_key_is_a_usable_key() -> None:
    result = runner.invoke(app, ["db", "new-key"])
    assert result.exit_code == 0
    key = result.output.strip()
    box = SecretBox((key.encode(),))
    assert box.open(box.seal("x")) == "x"


def test_rotate_key_re_encrypts_every_secret_under_the_first_key(
    cli_session: Callable[[], Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = generate_key(), generate_key()
    _use(monkeypatch, old)
    with cli_session() as db:
        org = Organization(slug="acme", name="Acme", created_at=AT)
        db.add(org)
        db.flush()
        db.add(
            WebhookEndpoint(
                org_id=org.id, url="https://example.com/h", events=[], secret="whsec_one", created_at=AT
            )
        )
        db.add(
            SsoConfig(
                org_id=org.id,
                issuer="https://idp.example.com",
                client_id="c",
                client_secret="client-two",
                allowed_domains=[],
                created_at=AT,
                updated_at=AT,
            )
        )
        db.add(
            SlackInstallation(
                org_id=org.id,
                team_id="T1",
                bot_token=SecretBox((old.encode(),)).seal("xoxb-3"),
                installed_at=AT,
                updated_at=AT,
            )
        )
        db.commit()

    _use(monkeypatch, new, old)
    result = runner.invoke(app, ["db", "rotate-key"])
    assert result.exit_code == 0, result.output
    # rich wraps at the terminal's width: compare the words.
    assert "1 webhook secret(s), 1 single sign-on client secret(s) and 1 Slack bot token(s)" in " ".join(
        result.output.split()
    )

    only_new = SecretBox((new.encode(),))
    with cli_session() as db:
        stored = db.execute(text("SELECT secret FROM webhook_endpoints")).scalar_one()
        client = db.execute(text("SELECT client_secret FROM sso_configs")).scalar_one()
        bot = db.execute(text("SELECT bot_token FROM slack_installations")).scalar_one()
    assert only_new.open(stored) == "whsec_one" and only_new.open(client) == "client-two"
    assert only_new.open(bot) == "xoxb-3"
    with pytest.raises(SecretUnreadable):
        SecretBox((old.encode(),)).open(stored)

    # Without the key the rows were written with, the command says so (without the values).
    _use(monkeypatch, generate_key())
    failed = runner.invoke(app, ["db", "rotate-key"])
    assert failed.exit_code == 1 and "cannot be decrypted" in failed.output
    assert "whsec_one" not in failed.output


def test_a_malformed_key_is_refused(cli_db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _use(monkeypatch, "not-a-key")
    result = runner.invoke(app, ["db", "rotate-key"])
    assert result.exit_code == 1 and "32 url-safe base64" in result.output
    assert "not-a-key" not in result.output


def test_postgresql_commands_need_a_key() -> None:
    from askwell.cli.worker import require_encryption_keys

    with pytest.raises(typer.Exit):
        require_encryption_keys(Settings(database_url="postgresql://u@db/a", encryption_keys=None))
    require_encryption_keys(Settings(database_url="postgresql://u@db/a", encryption_keys=generate_key()))
