"""Who may come in through single sign-on: pure rules over the ID token's claims.

* The email must be verified by the provider (``email_verified`` true, as a boolean or the string
  "true" that some providers send) and its domain one of the organization's allowed domains
  (exactly: ``example.com`` does not admit ``mail.example.com`` or ``evilexample.com``).
* The name shown for a person created on first sign-in is the ``name`` claim, else given and family
  names, else the email's local part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalize_domains(raw: Iterable[str]) -> list[str]:
    """Lower-case, de-duplicated domains; ``ValueError`` for one that is not a domain name."""
    found: list[str] = []
    for item in raw:
        domain = item.strip().lower().lstrip("@")
        if not domain:
            continue
        if not _DOMAIN.match(domain):
            raise ValueError(f"{item.strip()!r} is not a domain name.")
        if domain not in found:
            found.append(domain)
    return found


def verified(claims: dict[str, Any]) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def email_of(claims: dict[str, Any]) -> str | None:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        return None
    return email.strip().lower()


def domain_allowed(email: str, allowed: Iterable[str]) -> bool:
    return email.rsplit("@", 1)[-1] in set(allowed)


def display_name(claims: dict[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:120]
    parts = [claims.get("given_name"), claims.get("family_name")]
    joined = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return (joined or email.split("@", 1)[0])[:120]
