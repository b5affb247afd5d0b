"""Password hashing (Argon2id) and opaque tokens stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from askwell.accounts.errors import WeakPassword

_hasher = PasswordHasher()
MIN_PASSWORD = 10
MAX_PASSWORD = 256
# Verifying against this keeps the time of a sign-in for an unknown email the same as for a known one.
_DUMMY_HASH = _hasher.hash("askwell-timing-equaliser")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(f"Use at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise WeakPassword(f"Use at most {MAX_PASSWORD} characters.")
    if len(set(password)) < 4:
        raise WeakPassword("Use a less repetitive password.")


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password[:MAX_PASSWORD]) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are long and random, so a fast hash suffices (unlike passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()
