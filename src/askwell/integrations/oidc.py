"""OpenID Connect, the relying party's side: discovery, the authorization code flow with PKCE, and
the ID token's validation. Built on ``authlib`` (the OAuth 2 client: the authorization URL, PKCE and
the code exchange) and ``joserfc`` (authlib's JOSE successor: the signature against the provider's
JWKS, and the claims).

The ID token is accepted only when (OpenID Connect Core 3.1.3.7): its signature verifies with a key
of the provider's JWKS (asymmetric algorithms only), ``iss`` is the configured issuer exactly, ``aud``
contains our client id (and ``azp``, when there are several audiences, is ours), ``exp`` is in the
future and ``iat`` is not, and ``nonce`` is the one this sign-in sent. State and the PKCE verifier are
the caller's to keep and check (``sso.service``). Errors are ``OidcError`` with a message fit to show;
nothing here logs tokens, codes or the client secret.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from askwell.integrations.outbound import TargetRefused, checked_address

SCOPE = "openid email profile"
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
LEEWAY_SECONDS = 60


class OidcError(Exception):
    """The provider or its answer cannot be trusted or used; the message says why (no secrets)."""


@dataclass(frozen=True)
class Provider:
    """What the discovery document says, as far as the code flow needs it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class Started:
    """A sign-in sent to the provider: the URL to redirect to, and what the callback must check."""

    url: str
    state: str
    nonce: str
    code_verifier: str


def _get_json(url: str, *, timeout: float, allow_private: bool) -> dict[str, Any]:
    try:
        checked_address(url, allow_private=allow_private)
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            response = client.get(url, headers={"accept": "application/json"})
    except TargetRefused as exc:
        raise OidcError(str(exc)) from None
    except httpx.HTTPError as exc:
        raise OidcError(f"The identity provider could not be reached ({type(exc).__name__}).") from None
    if response.status_code != 200:
        raise OidcError(f"The identity provider answered HTTP {response.status_code} at {url}.")
    try:
        body = response.json()
    except ValueError:
        raise OidcError(f"The identity provider's answer at {url} is not JSON.") from None
    if not isinstance(body, dict):
        raise OidcError(f"The identity provider's answer at {url} is not a JSON object.")
    return body


def discover(issuer: str, *, timeout: float, allow_private: bool) -> Provider:
    """Read ``{issuer}/.well-known/openid-configuration``; its ``issuer`` must be the configured one."""
    issuer = issuer.rstrip("/")
    doc = _get_json(
        f"{issuer}/.well-known/openid-configuration", timeout=timeout, allow_private=allow_private
    )
    fields = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not all(isinstance(doc.get(f), str) and doc.get(f) for f in fields):
        raise OidcError("The provider's discovery document lacks an endpoint the code flow needs.")
    if str(doc["issuer"]).rstrip("/") != issuer:
        raise OidcError("The provider's discovery document names another issuer.")
    return Provider(
        issuer=str(doc["issuer"]),
        authorization_endpoint=str(doc["authorization_endpoint"]),
        token_endpoint=str(doc["token_endpoint"]),
        jwks_uri=str(doc["jwks_uri"]),
    )


def start(provider: Provider, *, client_id: str, redirect_uri: str) -> Started:
    """The authorization request (code flow, PKCE S256, state and nonce): fresh random values each time."""
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(48)
    with OAuth2Client(
        client_id=client_id, redirect_uri=redirect_uri, scope=SCOPE, code_challenge_method="S256"
    ) as client:
        url, _ = client.create_authorization_url(
            provider.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
        )
    return Started(url=url, state=state, nonce=nonce, code_verifier=verifier)


def exchange(
    provider: Provider,
    *,
    client_id: str,
    client_secret: str,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    timeout: float,
    allow_private: bool,
) -> str:
    """Trade the code for tokens at the token endpoint (client_secret_basic); returns the ID token."""
    try:
        checked_address(provider.token_endpoint, allow_private=allow_private)
        with OAuth2Client(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            timeout=timeout,
            trust_env=False,
        ) as client:
            token = client.fetch_token(
                provider.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
            )
    except TargetRefused as exc:
        raise OidcError(str(exc)) from None
    except httpx.HTTPError as exc:
        raise OidcError(f"The identity provider could not be reached ({type(exc).__name__}).") from None
    except Exception as exc:  # authlib's OAuth2Error and friends: the provider refused the code
        raise OidcError(f"The identity provider refused the sign-in ({type(exc).__name__}).") from None
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not isinstance(id_token, str) or not id_token:
        raise OidcError("The identity provider sent no ID token.")
    return id_token


def validate(
    id_token: str,
    *,
    provider: Provider,
    client_id: str,
    nonce: str,
    now: datetime,
    timeout: float,
    allow_private: bool,
) -> dict[str, Any]:
    """The ID token's claims, once its signature and claims hold (see the module's docstring)."""
    jwks = _get_json(provider.jwks_uri, timeout=timeout, allow_private=allow_private)
    return validate_with_keys(
        id_token, jwks=jwks, issuer=provider.issuer, client_id=client_id, nonce=nonce, now=now
    )


def validate_with_keys(
    id_token: str, *, jwks: dict[str, Any], issuer: str, client_id: str, nonce: str, now: datetime
) -> dict[str, Any]:
    try:
        # The provider's JWKS is parsed JSON (a plain dict); joserfc wants its TypedDict and checks
        # every key's shape itself while importing, raising ValueError on a malformed set.
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except (JoseError, ValueError, TypeError) as exc:
        raise OidcError(f"The ID token's signature does not verify ({type(exc).__name__}).") from None
    claims = dict(token.claims)
    registry = jwt.JWTClaimsRegistry(
        now=int(now.timestamp()),
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise OidcError(
            f"The ID token was refused: {exc.error} ({getattr(exc, 'claim', '') or exc.description})."
        ) from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OidcError("The ID token was issued to another client (azp).")
    return claims
