"""Stored integration secrets are encrypted at rest: the box, key rotation, the raw columns, and the
refusal to run production (PostgreSQL) on the public development key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from askwell.core.config import Settings, get_settings
from askwell.core.encryption import (
    DEV_KEY,
    MissingEncryptionKey,
    SecretBox,
    SecretUnreadable,
    box_for,
    current_box,
    generate_key,
    require_keys,
)
from askwell.people.models import Role
from askwell.sso import repository as sso_repo
from askwell.sso.models import SsoConfig
from askwell.webhooks import repository as webhooks_repo
from askwell.webhooks import service as webhooks
from askwell.webhooks.schemas import EndpointCreate
from tests.conftest import World

CLEAR = "whsec_dGhpcy1pcy10aGUtc2lnbmluZy1zZWNyZXQ="


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Lets a test set ASKWELL_ENCRYPTION_KEYS; the process's settings are re-read before and after."""
    get_settings.cache_clear()
    yield monkeypatch
    monkeypatch.delenv("ASKWELL_ENCRYPTION_KEYS", raising=False)
    get_settings.cache_clear()


def _use(keys: pytest.MonkeyPatch, *values: str) -> None:
    keys.setenv("ASKWELL_ENCRYPTION_KEYS", ",".join(values))
    get_settings.cache_clear()


class TestBox:
    def test_round_trip_without_the_clear_text_in_the_token(self) -> None:
        box = SecretBox((generate_key().encode(),))
        token = box.seal(CLEAR)
        assert CLEAR not in token and CLEAR.removeprefix("whsec_") not in token
        assert box.seal(CLEAR) != token, "each encryption is fresh (random IV)"
        assert box.open(token) == CLEAR

    def test_a_wrong_key_or_a_tampered_token_is_refused_without_saying_the_value(self) -> None:
        token = SecretBox((generate_key().encode(),)).seal(CLEAR)
        with pytest.raises(SecretUnreadable) as wrong:
            SecretBox((generate_key().encode(),)).open(token)
        assert CLEAR not in str(wrong.value) and token not in str(wrong.value)
        box = SecretBox((DEV_KEY,))
        tampered = box.seal(CLEAR)[:-4] + "AAAA"
        with pytest.raises(SecretUnreadable):
            box.open(tampered)

    def test_rotation_new_key_first_old_keys_still_open_reseal_moves_to_the_new(self) -> None:
        old, new = generate_key().encode(), generate_key().encode()
        token = SecretBox((old,)).seal(CLEAR)
        both = SecretBox((new, old))
        assert both.open(token) == CLEAR
        moved = both.reseal(token)
        assert SecretBox((new,)).open(moved) == CLEAR
        with pytest.raises(SecretUnreadable):
            SecretBox((old,)).open(moved)

    def test_a_malformed_key_is_refused_without_echoing_it(self) -> None:
        with pytest.raises(ValueError, match="ASKWELL_ENCRYPTION_KEYS") as bad:
            SecretBox((b"not-a-fernet-key",))
        assert "not-a-fernet-key" not in str(bad.value)


class TestSettings:
    def test_development_key_only_on_sqlite(self) -> None:
        require_keys(Settings(database_url="sqlite:///x.db", encryption_keys=None))
        with pytest.raises(MissingEncryptionKey, match="ASKWELL_ENCRYPTION_KEYS"):
            require_keys(Settings(database_url="postgresql://u@db/askwell", encryption_keys=None))
        require_keys(Settings(database_url="postgresql://u@db/askwell", encryption_keys=generate_key()))

    def test_a_malformed_configured_key_fails_at_start(self) -> None:
        with pytest.raises(ValueError, match="32 url-safe base64"):
            require_keys(Settings(database_url="postgresql://u@db/a", encryption_keys="short"))

    def test_without_a_key_the_development_key_is_used(self) -> None:
        assert box_for(Settings(encryption_keys=None)).open(SecretBox((DEV_KEY,)).seal(CLEAR)) == CLEAR

    def test_several_keys_first_encrypts(self) -> None:
        first, second = generate_key(), generate_key()
        box = box_for(Settings(encryption_keys=f"{first}, {second}"))
        assert SecretBox((first.encode(),)).open(box.seal(CLEAR)) == CLEAR


def _raw(db: Session, sql: str, **params: object) -> str:
    value = db.execute(text(sql), params).scalar_one()
    assert isinstance(value, str)
    return value


def _add_sso(db: Session, org_id: int, secret: str, world: World) -> SsoConfig:
    row = SsoConfig(
        org_id=org_id,
        issuer="https://idp.example.com",
        client_id="askwell",
        client_secret=secret,
        allowed_domains=["example.com"],
        created_at=world.now,
        updated_at=world.now,
    )
    db.add(row)
    db.flush()
    return row


class TestColumns:
    def test_the_columns_hold_no_clear_text_and_the_code_reads_it(self, db: Session, world: World) -> None:
        org = world.org("Acme")
        admin = world.person(org, "Ada Admin", role=Role.ADMIN)
        endpoint, secret = webhooks.create_endpoint(
            db,
            actor=world.actor(admin),
            data=EndpointCreate(url="https://93.184.216.34/hook", events=["ask.opened"]),
            settings=Settings(),
            now=world.now,
        )
        config = _add_sso(db, org.id, "the-oidc-client-secret", world)
        db.commit()

        stored = _raw(db, "SELECT secret FROM webhook_endpoints WHERE id = :i", i=endpoint.id)
        assert secret not in stored and secret.removeprefix("whsec_") not in stored
        assert current_box().open(stored) == secret
        stored_client = _raw(db, "SELECT client_secret FROM sso_configs WHERE id = :i", i=config.id)
        assert "the-oidc-client-secret" not in stored_client
        db.expire_all()
        assert webhooks_repo.endpoint(db, org_id=org.id, endpoint_id=endpoint.id).secret == secret  # type: ignore[union-attr]
        assert sso_repo.config(db, org_id=org.id).client_secret == "the-oidc-client-secret"  # type: ignore[union-attr]

    def test_rotation_re_encrypts_every_row_under_the_new_key(
        self, db: Session, world: World, keys: pytest.MonkeyPatch
    ) -> None:
        old, new = generate_key(), generate_key()
        _use(keys, old)
        org = world.org("Acme")
        admin = world.person(org, "Ada Admin", role=Role.ADMIN)
        endpoint, secret = webhooks.create_endpoint(
            db,
            actor=world.actor(admin),
            data=EndpointCreate(url="https://93.184.216.34/hook", events=["ask.opened"]),
            settings=Settings(),
            now=world.now + timedelta(seconds=1),
        )
        config = _add_sso(db, org.id, "client-secret-before-rotation", world)
        db.commit()
        before = _raw(db, "SELECT secret FROM webhook_endpoints WHERE id = :i", i=endpoint.id)
        assert SecretBox((old.encode(),)).open(before) == secret

        _use(keys, new, old)  # the new key first, the old one kept for reading
        db.expire_all()
        assert webhooks_repo.reseal_secrets(db) >= 1
        assert sso_repo.reseal_secrets(db) >= 1
        db.commit()

        after = _raw(db, "SELECT secret FROM webhook_endpoints WHERE id = :i", i=endpoint.id)
        after_client = _raw(db, "SELECT client_secret FROM sso_configs WHERE id = :i", i=config.id)
        only_new = SecretBox((new.encode(),))
        assert only_new.open(after) == secret
        assert only_new.open(after_client) == "client-secret-before-rotation"
        with pytest.raises(SecretUnreadable):
            SecretBox((old.encode(),)).open(after)

        _use(keys, new)  # the old key dropped: the application still reads every secret
        db.expire_all()
        assert webhooks_repo.endpoint(db, org_id=org.id, endpoint_id=endpoint.id).secret == secret  # type: ignore[union-attr]
