"""The server calls out only to vetted public https URLs.

Every request the portal makes to a URL someone else chose (today: webhook deliveries) goes
through :func:`vet_url` and then :func:`post`:

- ``https`` only (plain ``http`` where the caller's setting allows it); no user name or password
  in the URL; a host that is a DNS name or a canonical IP address — ``2130706433``, ``0x7f.1`` and
  other spellings that ``inet_aton`` would read as an address are refused, as are names whose last
  label is a number;
- every address the host resolves to must be public: loopback, link-local, private (IPv6 site-local too), shared
  (carrier-grade NAT), documentation, multicast, reserved and unspecified addresses are refused,
  IPv4 and IPv6 alike, an IPv4 address inside IPv6 (``::ffff:127.0.0.1``, 6to4, Teredo) judged as
  IPv4 — unless the caller's setting allows private addresses (a developer's local receiver);
- :func:`post` connects to the address that was vetted, never to a second DNS answer (a name that
  resolved to a public address for the check and to 127.0.0.1 a moment later gains nothing),
  while TLS still sends the name (SNI) and verifies the certificate for it; it follows no
  redirect and ignores proxy variables of the environment (a proxy would resolve the name again).

:func:`check_url` is the part of :func:`vet_url` that needs no DNS (what the URL itself says); :func:`resolve` is
the one DNS lookup; tests replace it to make any name resolve anywhere.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import idna
import requests
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(Exception):
    """A URL the server will not call. Codes: scheme, userinfo, host, port, unresolvable, address.

    ``permanent`` is false only for ``unresolvable`` (DNS may answer later).
    """

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.permanent = code != "unresolvable"

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class VettedUrl:
    """A URL that passed :func:`vet_url`, with the addresses it was vetted for (the first is used)."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) form, without brackets
    port: int
    addresses: tuple[IPAddress, ...]


@dataclass(frozen=True)
class CheckedUrl:
    """A URL that passed :func:`check_url`: not yet looked up, so not one to call."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) form, without brackets
    port: int
    literal: IPAddress | None  # the host is this address (judged already), or None for a host name


# Ranges that are not public but that some Python versions' ``is_global`` tables leave out (IANA's special-purpose
# registries: every range there that is not "globally reachable", and a few that are but that no webhook receiver
# has): fec0::/10, the deprecated IPv6 site-local space, which Python calls global (and not private); 192.88.99.0/24,
# the deprecated 6to4 relay anycast, likewise (a 6to4 address 2002:c058:63xx:: is judged as it).
_NOT_PUBLIC = {
    "shared": [ipaddress.ip_network("100.64.0.0/10")],
    "private": [ipaddress.ip_network("fec0::/10")],
    "documentation": [
        ipaddress.ip_network(n)
        for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
    ],
    "reserved": [
        ipaddress.ip_network(n)
        for n in (
            "192.0.0.0/24",
            "192.88.99.0/24",
            "198.18.0.0/15",
            "240.0.0.0/4",
            "64:ff9b:1::/48",
            "100::/64",
            "2001::/23",
        )
    ],
}
KINDS = {
    "unspecified": _("unspecified address"),
    "loopback": _("loopback address"),
    "link-local": _("link-local address"),
    "multicast": _("multicast address"),
    "shared": _("shared address space"),
    "documentation": _("documentation address"),
    "reserved": _("reserved address"),
    "private": _("private address"),
}
_NUMBER = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (the one DNS lookup of an outbound call; tests replace it).

    Raises ``OSError`` (``socket.gaierror``) when the name does not resolve.
    """
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(a[4][0]).split("%", 1)[0]) for a in answers]


def address_kind(address: IPAddress) -> str | None:
    """Why ``address`` is not public (``loopback``, ``private`` …), or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:127.0.0.1 is 127.0.0.1
            return address_kind(address.ipv4_mapped)
        for embedded in (address.sixtofour, address.teredo[1] if address.teredo else None):
            if embedded is not None and address_kind(embedded) is not None:
                return address_kind(embedded)
    flags = [
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
    ]
    for kind, flag in flags:
        if flag:
            return kind
    for kind, networks in _NOT_PUBLIC.items():
        if any(address in network for network in networks if network.version == address.version):
            return kind
    if address.is_private:
        return "private"
    if address.is_reserved or not address.is_global:
        return "reserved"
    return None


def _ascii_host(raw: str) -> str:
    try:
        host = idna.encode(raw.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise OutboundRefused("host", _("The URL's host is not a valid host name.")) from None
    return host.lower()


def check_url(url: str, *, allow_http: bool = False, allow_private: bool = False) -> CheckedUrl:
    """What :func:`vet_url` refuses in the URL itself, before any DNS look-up: its scheme, a user name or password,
    a host that is no host name (a number such as ``2130706433``, a bad IDNA name), its port, and a host that is a
    literal address (judged as :func:`vet_url` judges every address); raises :class:`OutboundRefused` with a
    translated message. The arguments are :func:`vet_url`'s.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise OutboundRefused("port", _("The URL's port is not valid.")) from None
    scheme = parts.scheme.lower()
    if scheme != "https" and not (allow_http and scheme == "http"):
        message = _("Only https URLs are allowed.") if not allow_http else _("Only https or http URLs are allowed.")
        raise OutboundRefused("scheme", message)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise OutboundRefused("userinfo", _("The URL may not contain a user name or password."))
    raw_host = parts.hostname or ""
    if not raw_host:
        raise OutboundRefused("host", _("The URL has no host."))
    if port == 0:
        raise OutboundRefused("port", _("The URL's port is not valid."))
    port = port or (443 if scheme == "https" else 80)
    literal: IPAddress | None
    try:
        literal = ipaddress.ip_address(raw_host.split("%", 1)[0] if ":" in raw_host else raw_host)
        host = str(literal)
    except ValueError:
        literal = None
        host = _ascii_host(raw_host)
        with contextlib.suppress(ValueError):  # an IDNA spelling of an address (full-width digits) is an address
            literal = ipaddress.ip_address(host)
    if literal is None and _NUMBER.match(host.rsplit(".", 1)[-1]):
        # 2130706433, 0x7f.1, 127.1, 0177.0.0.1: inet_aton reads these as addresses; no DNS name ends in a number.
        raise OutboundRefused("host", _("The URL's host is not a valid host name."))
    if literal is not None and not allow_private:
        _refuse_non_public([literal])
    return CheckedUrl(url=url.strip(), scheme=scheme, host=host, port=port, literal=literal)


def vet_url(url: str, *, allow_http: bool = False, allow_private: bool = False) -> VettedUrl:
    """Check ``url`` (:func:`check_url`) and resolve its host; raise :class:`OutboundRefused` with a translated
    message.

    ``allow_http`` lets plain ``http`` through; ``allow_private`` lets non-public addresses through
    (a developer's or a test's local receiver). Both are off in production.
    """
    checked = check_url(url, allow_http=allow_http, allow_private=allow_private)
    host, port = checked.host, checked.port
    if checked.literal is not None:
        addresses: list[IPAddress] = [checked.literal]
    else:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError):
            addresses = []
        if not addresses:
            raise OutboundRefused("unresolvable", _("The URL's host %(host)s could not be resolved.") % {"host": host})
        if not allow_private:
            _refuse_non_public(addresses)
    return VettedUrl(url=checked.url, scheme=checked.scheme, host=host, port=port, addresses=tuple(addresses))


def _refuse_non_public(addresses: Iterable[IPAddress]) -> None:
    """Raise ``address`` for the first of ``addresses`` that is not public."""
    for address in addresses:
        kind = address_kind(address)
        if kind is not None:
            raise OutboundRefused(
                "address",
                _("The URL's host leads to %(address)s (%(kind)s); only public addresses are allowed.")
                % {"address": address, "kind": KINDS[kind]},
            )


# --- connecting to the vetted address -------------------------------------------------------


class _PinnedConnectionMixin:
    """Opens the TCP connection to ``pinned_address``; the host name stays for Host, SNI and the certificate."""

    pinned_address: str
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        self._dns_host = self.pinned_address
        try:
            return super()._new_conn()  # type: ignore[misc]
        finally:
            self._dns_host = name


def _normal_host(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host.lower().rstrip(".")


class _PinnedAdapter(HTTPAdapter):
    def __init__(self, target: VettedUrl) -> None:
        self.target = target
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        address = str(self.target.addresses[0])
        pools = {}
        for scheme, pool, connection in (
            ("http", HTTPConnectionPool, HTTPConnection),
            ("https", HTTPSConnectionPool, HTTPSConnection),
        ):
            pinned = type(
                f"Pinned{connection.__name__}", (_PinnedConnectionMixin, connection), {"pinned_address": address}
            )
            pools[scheme] = type(f"Pinned{pool.__name__}", (pool,), {"ConnectionCls": pinned})
        self.poolmanager.pool_classes_by_scheme = pools

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if _normal_host(parts.hostname or "") != _normal_host(self.target.host) or port != self.target.port:
            raise requests.exceptions.InvalidURL(f"{request.url} is not the vetted URL")
        return super().send(request, *args, **kwargs)


def post(
    target: VettedUrl, *, data: bytes, headers: dict[str, str], timeout: float, verify: Any = True
) -> requests.Response:
    """POST ``data`` to a vetted URL, connecting to its vetted address; no redirects, no proxies.

    ``verify`` is requests' (a CA bundle path in tests); raises ``requests.RequestException``.
    """
    with requests.Session() as session:
        session.trust_env = False  # no proxy from the environment: it would resolve the name again
        adapter = _PinnedAdapter(target)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session.post(
            target.url, data=data, headers=headers, timeout=timeout, allow_redirects=False, verify=verify
        )
