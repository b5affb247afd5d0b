"""Talking to Slack: request signatures, the Web API through ``slack_sdk``, and bot tokens at rest.

The protocol is Slack's own, through its official SDK (``slack_sdk``): ``SignatureVerifier`` checks
the ``X-Slack-Signature`` header (``v0=`` and the hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` under
the app's signing secret) and refuses timestamps more than five minutes from our clock (replays);
``WebClient`` calls ``{base_url}{method}``, so tests point ``Settings.slack_api_url`` at a local fake.
The SDK's own retries are switched off: a call that fails is retried by the job that made it, so that
a Slack outage or a 429 waits in the outbox instead of in a request thread.

``slack-bolt`` is not used: its listeners call the Web API inline while the request is being
answered and keep installations in a store of their own, and here every call must be an outbox job
and every installation an organization's row.

Bot tokens are stored encrypted under the deployment's keys (``core.encryption``, the same as webhook
and single sign-on secrets), by the slack domain's service.
Nothing here logs a token, a secret or a request body.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web import WebClient

log = logging.getLogger(__name__)
# The SDK logs whole request and response bodies at DEBUG (an install's answer holds the bot token, a
# lookup the person's email): its client gets a logger of ours that never passes DEBUG on.
_sdk_log = logging.getLogger(f"{__name__}.sdk")
_sdk_log.setLevel(logging.INFO)

#: Slack's window for a request's timestamp: older (or further ahead) is a replay, refused.
MAX_SKEW_SECONDS = 5 * 60
#: Errors that mean the token is gone for good: the installation is switched off.
REVOKED_ERRORS = frozenset(
    {"invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired"}
)


class _SecondsClock:
    """The SDK's clock (seconds since the epoch) read from ours, so frozen test clocks apply."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def signature_valid(
    *, secret: str, body: bytes, headers: Mapping[str, str], now: Callable[[], float]
) -> bool:
    """Whether Slack signed this body within the last five minutes (never raises on junk headers)."""
    if not secret:
        return False
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or len(timestamp) > 12 or not signature.startswith("v0="):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    verifier = SignatureVerifier(secret, clock=_SecondsClock(now))  # type: ignore[arg-type]
    return bool(verifier.is_valid(body=body, timestamp=timestamp, signature=signature))


def sign(*, secret: str, body: bytes, timestamp: int) -> str:
    """The signature Slack would send (for the tests' fake Slack and for operators' tooling)."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    assert signature is not None
    return signature


@dataclass(frozen=True)
class Answer:
    """What one Web API call came to. ``error`` is Slack's error code ("ratelimited", "invalid_auth"),
    or a description of a network failure; ``retry_after`` is the 429's Retry-After in seconds."""

    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    status_code: int | None = None
    retry_after: int | None = None

    @property
    def rate_limited(self) -> bool:
        return self.status_code == 429

    @property
    def revoked(self) -> bool:
        return self.error in REVOKED_ERRORS

    @property
    def transient(self) -> bool:
        """Worth trying again later: no answer, or Slack's own trouble (5xx)."""
        return self.status_code is None or self.status_code >= 500


def _client(*, token: str | None, base_url: str, timeout: float) -> WebClient:
    return WebClient(
        token=token,
        base_url=base_url.rstrip("/") + "/",
        timeout=max(1, round(timeout)),
        retry_handlers=[],
        logger=_sdk_log,
    )


def _retry_after(headers: Mapping[str, Any]) -> int:
    raw = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    value = raw[0] if isinstance(raw, list) and raw else raw
    try:
        return max(1, min(int(str(value)), 3600))
    except (TypeError, ValueError):
        return 30


def call(method: str, *, token: str | None, args: dict[str, Any], base_url: str, timeout: float) -> Answer:
    """Call one Web API method (JSON body); never raises for what Slack or the network does."""
    client = _client(token=token, base_url=base_url, timeout=timeout)
    try:
        response = client.api_call(method, json=args)
    except SlackApiError as exc:
        status = exc.response.status_code
        error = str(exc.response.get("error") or f"HTTP {status}")
        retry = _retry_after(exc.response.headers) if status == 429 else None
        return Answer(
            False,
            dict(exc.response.data or {}) if isinstance(exc.response.data, dict) else {},
            error,
            status,
            retry,
        )
    except (SlackClientError, OSError, ValueError) as exc:
        return Answer(False, error=f"could not reach Slack: {type(exc).__name__}")
    return Answer(
        True, dict(response.data) if isinstance(response.data, dict) else {}, None, response.status_code
    )


def exchange_code(
    *, client_id: str, client_secret: str, code: str, redirect_uri: str, base_url: str, timeout: float
) -> Answer:
    """OAuth v2: trade the code Slack sent back for the bot token (``oauth.v2.access``)."""
    client = _client(token=None, base_url=base_url, timeout=timeout)
    try:
        response = client.oauth_v2_access(
            client_id=client_id, client_secret=client_secret, code=code, redirect_uri=redirect_uri
        )
    except SlackApiError as exc:
        return Answer(
            False, error=str(exc.response.get("error") or "error"), status_code=exc.response.status_code
        )
    except (SlackClientError, OSError, ValueError) as exc:
        return Answer(False, error=f"could not reach Slack: {type(exc).__name__}")
    return Answer(
        True, dict(response.data) if isinstance(response.data, dict) else {}, None, response.status_code
    )
