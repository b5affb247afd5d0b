"""Signed tokens that mail carries: the reply address of an answerable email and the one-click
unsubscribe link. Pure: the secret and ``now`` are passed in.

Why not a database row per mail: a reply or an unsubscribe must work from the token alone, years of
mail later for unsubscribing and for weeks for replies, without a table that grows with every email.
Why HMAC by hand rather than ``itsdangerous``: a reply token sits in the local part of an address
(``reply+TOKEN@domain``), which RFC 5321 limits to 64 characters and which relays may lowercase.
So the token is lowercase only (base-36 numbers, base-32 signature) and short: about 40 characters
for what it signs (purpose, kind, organization, person, target and expiry), with an 80-bit
truncated HMAC-SHA256 (only guessable online, one SMTP transaction per guess).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

#: How long a reply address works: long enough for a holiday's inbox, short enough that an old
#: forwarded mail does not act for someone months later.
REPLY_VALID_FOR = timedelta(days=14)
#: The signature's length in bytes (80 bits; 16 base-32 characters).
SIGNATURE_BYTES = 10
_SEP = "-"


class ReplyKind(StrEnum):
    """What an answerable mail was, and so what a reply to it does."""

    STANDUP = "s"  # a stand-up prompt or reminder: the reply answers that day's stand-up
    CAN_YOU_HELP = "h"  # "can you help?" (asked directly, or a need routed to them): the reply offers help


class BadToken(ValueError):
    """A token that was not made by this server, was altered, or has expired (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ReplyToken:
    kind: ReplyKind
    org_id: int
    person_id: int
    # The ask id for CAN_YOU_HELP; the stand-up's local date (``date.toordinal()``) for STANDUP.
    target_id: int
    expires_at: datetime


def _b36(n: int) -> str:
    if n < 0:
        raise ValueError("only non-negative numbers")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _int36(text: str) -> int:
    if not text or not text.isalnum() or not text.isascii():
        raise BadToken("malformed")
    return int(text, 36)


def _sign(secret: bytes, purpose: str, payload: str) -> str:
    mac = hmac.new(secret, f"askwell:{purpose}:{payload}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:SIGNATURE_BYTES]).decode().lower()


def _check(secret: bytes, purpose: str, token: str) -> list[str]:
    token = token.strip().lower()
    if len(token) > 200:
        raise BadToken("malformed")
    payload, _, signature = token.rpartition(_SEP)
    if not payload or not hmac.compare_digest(signature, _sign(secret, purpose, payload)):
        raise BadToken("forged")
    return payload.split(_SEP)


def sign_reply(secret: bytes, token: ReplyToken) -> str:
    expires = int(token.expires_at.timestamp())
    parts = [token.kind.value, *(_b36(n) for n in (token.org_id, token.person_id, token.target_id, expires))]
    payload = _SEP.join(parts)
    return f"{payload}{_SEP}{_sign(secret, 'reply', payload)}"


def read_reply(secret: bytes, token: str, *, now: datetime) -> ReplyToken:
    """The token's contents, once its signature and expiry are checked; ``BadToken`` otherwise."""
    parts = _check(secret, "reply", token)
    if len(parts) != 5:
        raise BadToken("malformed")
    kind_code, org, person, target, expires = parts
    try:
        kind = ReplyKind(kind_code)
    except ValueError:
        raise BadToken("malformed") from None
    expires_at = datetime.fromtimestamp(_int36(expires), tz=UTC)
    if expires_at <= now:
        raise BadToken("expired")
    return ReplyToken(
        kind=kind,
        org_id=_int36(org),
        person_id=_int36(person),
        target_id=_int36(target),
        expires_at=expires_at,
    )


def sign_unsubscribe(secret: bytes, *, org_id: int, person_id: int) -> str:
    """A one-click unsubscribe token. It does not expire: RFC 8058 links in old mail must keep working."""
    payload = _SEP.join(["u", _b36(org_id), _b36(person_id)])
    return f"{payload}{_SEP}{_sign(secret, 'unsubscribe', payload)}"


def read_unsubscribe(secret: bytes, token: str) -> tuple[int, int]:
    """(org id, person id) of a genuine unsubscribe token; ``BadToken`` otherwise."""
    parts = _check(secret, "unsubscribe", token)
    if len(parts) != 3 or parts[0] != "u":
        raise BadToken("malformed")
    return _int36(parts[1]), _int36(parts[2])


def reply_address(reply_to: str, token: str) -> str:
    """``reply@example.org`` and a token → ``reply+TOKEN@example.org`` (sub-addressing)."""
    local, _, domain = reply_to.rpartition("@")
    return f"{local}+{token}@{domain}"


def token_in(address: str, reply_to: str) -> str | None:
    """The token of an address made by ``reply_address`` for this ``reply_to``; None for any other."""
    local, _, domain = reply_to.lower().rpartition("@")
    got_local, _, got_domain = address.strip().strip("<>").lower().rpartition("@")
    if got_domain != domain or not got_local.startswith(local + "+"):
        return None
    return got_local[len(local) + 1 :] or None
