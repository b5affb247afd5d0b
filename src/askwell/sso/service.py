"""Single sign-on with OpenID Connect, per organization: admins configure their provider; people
sign in through it, and are created on their first sign-in when their email's domain is allowed.

A sign-in comes in two requests. ``start_login`` discovers the provider, keeps the state (hashed),
the nonce and the PKCE verifier in an ``SsoLogin`` row of that organization, and sends the browser
to the provider; the caller also puts the state in a cookie, so that only the browser that started
a sign-in can finish it. ``finish_login`` spends that row first (a callback is good once, and only
for the organization it was started for), then exchanges the code, validates the ID token
(``integrations.oidc``) and applies the organization's rules (``rules``): a verified email in an
allowed domain. The person with that email in THIS organization is signed in; nobody has it, a
member is created (``people.service.add_person``, no password). Slow calls to the provider run with
no transaction open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from askwell.accounts import service as accounts
from askwell.accounts.secrets import token_hash
from askwell.core.config import Settings
from askwell.core.db import begin_read
from askwell.integrations import oidc
from askwell.integrations.outbound import TargetRefused, check_url
from askwell.people import repository as people_repo
from askwell.people import service as people_service
from askwell.people.errors import NotAllowed, OrganizationNotFound
from askwell.people.models import Role
from askwell.people.policy import Actor, can_administer
from askwell.people.schemas import PersonCreate
from askwell.sso import repository, rules
from askwell.sso.errors import (
    BadSsoSettings,
    ProviderUnavailable,
    SignInExpired,
    SsoNotConfigured,
    SsoRefused,
)
from askwell.sso.models import SsoConfig, SsoLogin
from askwell.sso.schemas import SsoSettingsRead, SsoSettingsUpdate

log = logging.getLogger(__name__)

LOGIN_MINUTES = 10


def _admin(actor: Actor) -> None:
    if not can_administer(actor):
        raise NotAllowed("configure single sign-on")


# --- settings ------------------------------------------------------------------------------------


def settings_read(db: Session, *, actor: Actor) -> SsoSettingsRead | None:
    _admin(actor)
    found = repository.config(db, org_id=actor.org_id)
    return SsoSettingsRead.model_validate(found) if found is not None else None


def configure(db: Session, *, actor: Actor, data: SsoSettingsUpdate, now: datetime) -> SsoConfig:
    """Create or change the organization's provider. The secret is kept when the form leaves it empty."""
    _admin(actor)
    try:
        domains = rules.normalize_domains(data.allowed_domains)
    except ValueError as exc:
        raise BadSsoSettings(str(exc), fields={"allowed_domains": str(exc)}) from None
    if not domains:
        raise BadSsoSettings("Name at least one email domain.", fields={"allowed_domains": "Name a domain."})
    try:
        issuer = check_url(data.issuer).rstrip("/")
    except TargetRefused as exc:
        raise BadSsoSettings(str(exc), fields={"issuer": str(exc)}) from None
    found = repository.config(db, org_id=actor.org_id)
    if found is None:
        if not data.client_secret:
            raise BadSsoSettings(
                "Give the client secret.", fields={"client_secret": "Give the client secret."}
            )
        found = SsoConfig(org_id=actor.org_id, created_at=now, client_secret=data.client_secret)
        db.add(found)
    elif data.client_secret:
        found.client_secret = data.client_secret
    found.issuer = issuer
    found.client_id = data.client_id
    found.allowed_domains = domains
    found.sso_only = data.sso_only
    found.enabled = data.enabled
    found.updated_at = now
    db.flush()
    return found


def remove(db: Session, *, actor: Actor) -> None:
    _admin(actor)
    found = repository.config(db, org_id=actor.org_id)
    if found is not None:
        db.delete(found)
        db.flush()


def password_sign_in_allowed(db: Session, *, org_id: int) -> bool:
    return not repository.sso_only(db, org_id=org_id)


# --- signing in ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """An organization's provider settings, as plain values (read before the slow calls)."""

    org_id: int
    org_name: str
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: tuple[str, ...]


def _target(db: Session, org_slug: str) -> _Target:
    try:
        org = people_repo.organization_by_slug(db, org_slug[:60])
    except OrganizationNotFound:
        raise SsoNotConfigured() from None
    found = repository.config(db, org_id=org.id)
    if found is None or not found.enabled:
        raise SsoNotConfigured()
    return _Target(
        org.id, org.name, found.issuer, found.client_id, found.client_secret, tuple(found.allowed_domains)
    )


def _discover(target: _Target, settings: Settings) -> oidc.Provider:
    try:
        return oidc.discover(
            target.issuer,
            timeout=settings.oidc_timeout_seconds,
            allow_private=settings.oidc_allow_private_issuers,
        )
    except oidc.OidcError as exc:
        log.warning("sso: discovery failed for organization %s: %s", target.org_id, exc)
        raise ProviderUnavailable(
            "The identity provider cannot be reached right now. Try again later, or ask an admin."
        ) from None


def start_login(
    db: Session, *, org_slug: str, redirect_uri: str, next_path: str, settings: Settings, now: datetime
) -> oidc.Started:
    """Begin a sign-in: the caller commits, sets the state cookie and redirects to ``url``."""
    begin_read(db)
    target = _target(db, org_slug)
    db.commit()  # no transaction while the provider is asked
    provider = _discover(target, settings)
    started = oidc.start(provider, client_id=target.client_id, redirect_uri=redirect_uri)
    db.add(
        SsoLogin(
            org_id=target.org_id,
            state_hash=token_hash(started.state),
            nonce=started.nonce,
            code_verifier=started.code_verifier,
            next_path=next_path[:500],
            created_at=now,
            expires_at=now + timedelta(minutes=LOGIN_MINUTES),
        )
    )
    repository.purge_logins(db, before=now - timedelta(days=1))
    db.flush()
    return started


@dataclass(frozen=True)
class Finished:
    signed: accounts.SignedIn
    next_path: str
    created: bool


def finish_login(
    db: Session,
    *,
    org_slug: str,
    state: str,
    browser_state: str,
    code: str,
    error: str,
    redirect_uri: str,
    settings: Settings,
    now: datetime,
) -> Finished:
    """Complete a sign-in from the provider's callback; the caller commits and sets the session cookie."""
    target = _target(db, org_slug)
    if not state or not browser_state or state != browser_state or len(state) > 200:
        raise SignInExpired()
    login = repository.login(db, org_id=target.org_id, state_hash=token_hash(state))
    if login is None or not repository.claim_login(db, login_id=login.id, now=now):
        raise SignInExpired()
    nonce, verifier, next_path = login.nonce, login.code_verifier, login.next_path
    db.commit()  # the state is spent whatever happens next: a replayed callback finds it used
    if error:
        raise SsoRefused(f"The identity provider did not sign you in ({error[:80]}).")
    if not code or len(code) > 2000:
        raise SsoRefused("The identity provider sent no authorization code.")
    provider = _discover(target, settings)
    try:
        id_token = oidc.exchange(
            provider,
            client_id=target.client_id,
            client_secret=target.client_secret,
            code=code,
            redirect_uri=redirect_uri,
            code_verifier=verifier,
            timeout=settings.oidc_timeout_seconds,
            allow_private=settings.oidc_allow_private_issuers,
        )
        claims = oidc.validate(
            id_token,
            provider=provider,
            client_id=target.client_id,
            nonce=nonce,
            now=now,
            timeout=settings.oidc_timeout_seconds,
            allow_private=settings.oidc_allow_private_issuers,
        )
    except oidc.OidcError as exc:
        log.warning("sso: sign-in refused for organization %s: %s", target.org_id, exc)
        raise SsoRefused(f"Single sign-on failed: {exc}") from None
    return _admit(db, target=target, claims=claims, next_path=next_path, settings=settings, now=now)


def _admit(
    db: Session,
    *,
    target: _Target,
    claims: dict[str, object],
    next_path: str,
    settings: Settings,
    now: datetime,
) -> Finished:
    email = rules.email_of(claims)
    if email is None:
        raise SsoRefused("Your identity provider did not share an email address.")
    if not rules.verified(claims):
        raise SsoRefused(
            "Your identity provider has not verified your email address, so it cannot be used here."
        )
    if not rules.domain_allowed(email, target.allowed_domains):
        raise SsoRefused(
            f"People with an email at {email.rsplit('@', 1)[-1]} cannot sign in to {target.org_name}."
        )
    person = people_repo.person_by_email(db, org_id=target.org_id, email=email, include_inactive=True)
    created = person is None
    if person is None:
        data = PersonCreate(name=rules.display_name(claims, email), email=email, role=Role.MEMBER)
        person = people_service.add_person(db, org_id=target.org_id, data=data, now=now, password_hash=None)
    elif not person.is_active:
        raise SsoRefused("Your account here has been deactivated; ask an admin.")
    signed = accounts.open_session(db, person=person, settings=settings, now=now)
    log.info(
        "sso: person %s signed in to organization %s%s", person.id, target.org_id, " (new)" if created else ""
    )
    return Finished(signed=signed, next_path=next_path, created=created)
