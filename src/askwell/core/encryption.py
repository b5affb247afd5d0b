"""Secrets Askwell must read back (webhook signing secrets, OIDC client secrets), encrypted at rest.

Hashes suffice for secrets we only check (passwords, tokens); these two must be used in clear to sign a
message or to authenticate to a provider, so they are encrypted with Fernet (AES-128-CBC + HMAC-SHA256,
from ``cryptography``) instead. A stolen database file or backup then holds no usable secret without the
key, which lives only in the environment (``ASKWELL_ENCRYPTION_KEYS``).

Several keys may be given, comma-separated: the first encrypts, every one decrypts (``MultiFernet``).
Rotation is: put a new key first, keep the old ones, run ``askwell db rotate-key`` (re-encrypts every
row under the first key), then drop the old keys.

Without the setting, a fixed development key is used so that ``make run`` and the tests work with no
configuration; ``askwell serve`` and ``askwell worker`` refuse to start on PostgreSQL without a key
(``require_keys``), since a shared development key protects nothing.

``EncryptedText`` is the column type: models declare it and the ORM encrypts on write and decrypts on
read, so no service can store a secret in clear by forgetting a call.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from askwell.core.config import Settings, get_settings

__all__ = [
    "DEV_KEY",
    "EncryptedText",
    "MissingEncryptionKey",
    "SecretBox",
    "SecretUnreadable",
    "box_for",
    "current_box",
    "generate_key",
    "require_keys",
]

# Only for development and tests: anyone can derive it, so it protects nothing.
DEV_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"askwell development key, never for production").digest())


class SecretUnreadable(Exception):
    """A stored secret that none of the configured keys opens (a key was dropped too early, or the
    value was tampered with). The message never contains the value."""


class MissingEncryptionKey(Exception):
    """Production (PostgreSQL) without ``ASKWELL_ENCRYPTION_KEYS``."""


def generate_key() -> str:
    """A new random key in the format ``ASKWELL_ENCRYPTION_KEYS`` takes."""
    return Fernet.generate_key().decode()


class SecretBox:
    """Encrypts and decrypts text under a list of keys: the first encrypts, every one decrypts."""

    def __init__(self, keys: tuple[bytes, ...]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        try:
            self._fernet = MultiFernet([Fernet(k) for k in keys])
        except ValueError:
            # Fernet's own message is about the format; never echo the key itself.
            raise ValueError(
                "ASKWELL_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes "
                "(make one with `askwell db new-key`)"
            ) from None

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable("a stored secret cannot be decrypted with the configured keys") from None

    def reseal(self, token: str) -> str:
        """The same secret under the first key (what rotation does to each row)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable("a stored secret cannot be decrypted with the configured keys") from None


def _keys(settings: Settings) -> tuple[bytes, ...]:
    raw = settings.encryption_keys.get_secret_value() if settings.encryption_keys is not None else ""
    keys = tuple(k.strip().encode() for k in raw.split(",") if k.strip())
    return keys or (DEV_KEY,)


@lru_cache(maxsize=8)
def _box(keys: tuple[bytes, ...]) -> SecretBox:
    return SecretBox(keys)


def box_for(settings: Settings) -> SecretBox:
    return _box(_keys(settings))


def current_box() -> SecretBox:
    """The box of the process's settings (the environment): what the column type uses."""
    return box_for(get_settings())


def require_keys(settings: Settings) -> None:
    """Refuse the development key where it would guard real data (any database but SQLite)."""
    if settings.encryption_keys is None and not settings.is_sqlite:
        raise MissingEncryptionKey(
            "ASKWELL_ENCRYPTION_KEYS is not set: production needs its own key to encrypt stored secrets "
            "(make one with `askwell db new-key`; see docs/deploy.md)"
        )
    box_for(settings)  # a malformed key fails here, at start-up, not on the first webhook


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted (Fernet token); Python code only ever sees the clear text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else current_box().seal(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else current_box().open(value)
