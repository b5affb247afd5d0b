"""Requests to addresses that an organization's admin chose (webhook targets, identity providers):
the SSRF guard.

The server that makes these requests sits inside our network, so a URL must not lead it to private,
loopback or link-local addresses (the cloud metadata service at 169.254.169.254), nor to multicast,
reserved or unspecified ones. Every address the host resolves to is checked (a name with one public
and one private address is refused); callers that can, connect to the checked address itself
(``webhook_http``), so a DNS answer that changes in between (rebinding) gains nothing. An operator
allows private targets explicitly (a receiver on the same network; the tests' receiver on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL = 2000

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefused(Exception):
    """The URL may not be posted to: malformed, or its host resolves to a refused address."""


def check_url(url: str) -> str:
    """The URL, if its form is acceptable (http or https, a host, no credentials); else ``TargetRefused``."""
    url = url.strip()
    if not url or len(url) > MAX_URL:
        raise TargetRefused(f"Give a URL of at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused("That is not a valid URL.") from None
    if parts.scheme not in {"http", "https"}:
        raise TargetRefused("Use an http:// or https:// URL.")
    if not parts.hostname:
        raise TargetRefused("The URL needs a host name.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Put no user name or password in the URL; the signature authenticates us.")
    if port == 0:
        raise TargetRefused("That is not a valid port.")
    return url


def refused(address: IPAddress) -> bool:
    """Whether an address is off limits for webhooks (inside our network or not routable)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (an address literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"The host {host!r} could not be resolved.") from exc
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in found:
            found.append(address)
    if not found:
        raise TargetRefused(f"The host {host!r} has no address.")
    return found


def checked_address(url: str, *, allow_private: bool) -> IPAddress:
    """The address to connect to for ``url``: every address its host resolves to must be allowed."""
    parts = urlsplit(check_url(url))
    host = parts.hostname or ""
    addresses = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    if not allow_private:
        bad = [a for a in addresses if refused(a)]
        if bad:
            raise TargetRefused(
                f"The host {host!r} resolves to a private, loopback or link-local address ({bad[0]}); "
                "only public addresses are allowed."
            )
    return addresses[0]
