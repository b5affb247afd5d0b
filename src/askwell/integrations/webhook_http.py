"""Sending one webhook over HTTP: the Standard Webhooks signature, the SSRF guard and the POST.

The protocol is the Standard Webhooks specification, signed with its reference package
(``standardwebhooks``): ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (``v1,`` and the
base64 HMAC-SHA256 of ``id.timestamp.body`` under the endpoint's secret), so a receiver verifies with
any of the specification's libraries.

SSRF: the URL's host is checked by ``outbound.checked_address`` and the request is sent to the
checked address itself (the ``Host`` header and the TLS name stay the URL's), so a DNS answer that
changes between the check and the connection cannot reach a refused address. Redirects are not
followed: a 3xx could point anywhere, so it counts as a failed delivery.

Nothing here logs the secret or the body; errors name the URL's host and what went wrong.
"""

from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import httpx
from standardwebhooks.webhooks import Webhook

from askwell.integrations.outbound import TargetRefused, check_url, checked_address

__all__ = ["TargetRefused", "check_url", "checked_address", "new_secret", "post", "signature_headers"]

SECRET_PREFIX = "whsec_"


@dataclass(frozen=True)
class Sent:
    """What one attempt came to: the receiver's status (None: no answer), how long it took, and why
    it failed when it did."""

    status_code: int | None
    duration_ms: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def new_secret() -> str:
    """A signing secret in the specification's format: ``whsec_`` and 24 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature_headers(secret: str, *, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for one message."""
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
    }


def post(
    url: str,
    *,
    secret: str,
    msg_id: str,
    at: datetime,
    body: str,
    timeout: float,
    allow_private: bool,
    user_agent: str = "Askwell-Webhooks/1",
) -> Sent:
    """POST one signed message to ``url``; never raises for what the receiver or the network does."""
    started = time.perf_counter()

    def spent() -> int:
        return int((time.perf_counter() - started) * 1000)

    try:
        address = checked_address(url, allow_private=allow_private)
    except TargetRefused as exc:
        return Sent(None, spent(), str(exc))
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    literal = f"[{address}]" if address.version == 6 else str(address)
    pinned = urlunsplit(
        (
            parts.scheme,
            f"{literal}:{parts.port}" if parts.port else literal,
            parts.path or "/",
            parts.query,
            "",
        )
    )
    headers = {
        **signature_headers(secret, msg_id=msg_id, at=at, body=body),
        "content-type": "application/json",
        "user-agent": user_agent,
        "host": parts.netloc.rsplit("@", 1)[-1],
    }
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False) as client:
            response = client.post(
                pinned, content=body.encode(), headers=headers, extensions={"sni_hostname": host}
            )
    except httpx.TimeoutException:
        return Sent(None, spent(), f"no answer from {host} within {timeout:g} s")
    except httpx.HTTPError as exc:
        return Sent(None, spent(), f"could not reach {host}: {type(exc).__name__}")
    if 200 <= response.status_code < 300:
        return Sent(response.status_code, spent())
    return Sent(response.status_code, spent(), f"{host} answered HTTP {response.status_code}")
