"""Password hashing (Argon2id) and opaque tokens stored only as hashes.

Hashing and verifying a password is deliberately slow (tens of milliseconds of CPU), so it never
runs inside a transaction that writes: on SQLite that transaction holds the database's one write
lock, and every other writer would queue behind the hash (503s under load). The use cases in
``accounts.service`` take the hash work as a ``Passwords`` edge, which tests replace with a probe that
checks no write transaction is open when it is called.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from askwell.accounts.errors import WeakPassword
from askwell.core.edges import Edges

_hasher = PasswordHasher()
MIN_PASSWORD = 10
MAX_PASSWORD = 256
# Verifying against this keeps the time of a sign-in for an unknown email the same as for a known one.
_DUMMY_HASH = _hasher.hash("askwell-timing-equaliser")
#: The key of the ``Passwords`` edge in the composition root's ``services``.


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


class Passwords(Protocol):
    """The slow work on passwords, as the use cases call it."""

    def hash(self, password: str) -> str:
        """A new hash; raises ``WeakPassword`` for a password the rules refuse."""
        ...

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored``; with no hash it still takes as long, and is False."""
        ...

    def needs_rehash(self, stored: str) -> bool: ...


class Argon2Passwords:
    """Argon2id with argon2-cffi's default parameters."""

    def hash(self, password: str) -> str:
        return hash_password(password)

    def verify(self, stored: str | None, password: str) -> bool:
        return verify_password(stored, password)

    def needs_rehash(self, stored: str) -> bool:
        return needs_rehash(stored)


ARGON2: Passwords = Argon2Passwords()


def passwords(edges: Edges) -> Passwords:
    """The password hasher handed to the composition root, else Argon2id."""
    return edges.passwords if edges.passwords is not None else ARGON2


def new_token(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are long and random, so a fast hash suffices (unlike passwords)."""
    return hashlib.sha256(token.encode()).hexdigest()
