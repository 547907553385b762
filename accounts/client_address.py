"""The client's address: the one rule for every limit, lock-out and audit entry that names an address.

``X-Forwarded-For`` is whatever the sender wrote, unless the sender is one of our own reverse
proxies (``settings.TRUSTED_PROXIES``, from ``DJANGO_TRUSTED_PROXIES``). So the header is read
only when the peer (``REMOTE_ADDR``) is a trusted proxy, and then from the right: each trusted
proxy appended the address it saw, and the first address that is not one of ours is the client.
Whatever a client wrote to the left of that is ignored, so a new header per request gains nothing.

A limit counts a client by :func:`client_network`: an IPv6 client is usually given a whole /64
(a subscriber, a server, a cloud instance) and picks any address in it, so counting full IPv6
addresses would give it 2**64 allowances.

``X-Forwarded-Proto`` follows the same rule (:class:`ForwardedProtoMiddleware`): Django believes it for
``request.is_secure()`` (``SECURE_PROXY_SSL_HEADER``), so it is dropped from any request whose peer is not a
trusted proxy, before anything asks.

A small function rather than django-ipware: ipware prefers ``X-Forwarded-For`` from any sender
unless configured otherwise, and matches trusted proxies by string prefix against the header's
entries rather than checking the peer; the rule here is a dozen lines of :mod:`ipaddress`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d: one client, one key.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted_proxy(address: IPAddress) -> bool:
    return any(address in network for network in settings.TRUSTED_PROXIES)


def _peer(request: HttpRequest) -> IPAddress | None:
    """The address the request came from (``REMOTE_ADDR``): the client, or one of our proxies."""
    return _parse(str(request.META.get("REMOTE_ADDR") or ""))


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` ("" if the peer has none), in canonical form."""
    peer = _peer(request)
    if peer is None:
        return ""
    if not _is_trusted_proxy(peer):
        return str(peer)
    nearest = peer
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # Not an address where a trusted proxy should have written one: trust no further.
            return str(nearest)
        if not _is_trusted_proxy(address):
            return str(address)
        nearest = address
    return str(nearest)  # the request came from inside the proxies' own network


def client_network(request: HttpRequest) -> str:
    """The client of ``request`` as a limit counts it ("" if none): an IPv6 address by its /64
    network (``2001:db8:1:2::/64``), an IPv4 address (an IPv4-mapped one too) as itself — people
    behind one NAT share that address already."""
    address = client_ip(request)
    if not address:
        return ""
    parsed = ipaddress.ip_address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return address


class ForwardedProtoMiddleware:
    """The scheme header of ``SECURE_PROXY_SSL_HEADER`` (``X-Forwarded-Proto``) only from a trusted proxy.

    Django takes a request carrying it as HTTPS: ``request.is_secure()``, so the HTTPS redirect, Secure
    cookies, absolute addresses and CSRF's Referer rule. Our proxy sets it for the scheme the client used;
    from anyone else it is whatever the sender wrote, so it is removed from the request. Early in
    ``MIDDLEWARE``: before ``SecurityMiddleware`` and anything else that asks ``is_secure()``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = settings.SECURE_PROXY_SSL_HEADER
        if header and header[0] in request.META:
            peer = _peer(request)
            if peer is None or not _is_trusted_proxy(peer):
                del request.META[header[0]]
        return self.get_response(request)
