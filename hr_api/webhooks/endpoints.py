"""Webhook endpoints: registering one, and the rule its URL must meet.

The rule is accounts.outbound's (https to public addresses) and two more of a webhook URL's own, before any DNS
look-up (:func:`check_endpoint_url`): the port is 443 or 8443 (:data:`PORTS`) or none, so deliveries cannot be
aimed at a third party's mail, SSH or database port; and the URL holds only what RFC 3986 allows in a URI outside
its host (no space, ``<``, ``>``, ``"``, ``{``, ``}``, ``|``, ``\\``, ``^``, `````, ``[`` or ``]`` after the host, no
non-ASCII character there, no ``%`` without two hex digits, one ``#``): such a URL is refused (code
``characters``), not percent-encoded behind the client's back, so that every URL the API shows is a URI its schema
allows (``format: uri``). An internationalised host name is taken and kept in its IDNA form (:func:`uri_form`).
An endpoint stored before the rule is shown in that form too, and each delivery to it is refused at once with the
reason (hr_api.webhooks.deliveries runs :func:`vet_endpoint_url` before every attempt).
"""

from __future__ import annotations

import ipaddress
import re
import string
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote, urlsplit

import idna
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts import outbound
from accounts.models import Employer
from core.errors import DomainError
from hr_api.models import WebhookEndpoint

from .signing import new_secret

#: The ports a webhook URL may name (none is the scheme's: 443); any port where WEBHOOK_ALLOW_PRIVATE_ADDRESSES lets
#: a developer's local receiver through.
PORTS = (443, 8443)
#: RFC 3986's characters of a path segment (``pchar``) and ``/``, and of a query or fragment (``pchar``, ``/``, ``?``),
#: as regex alternatives: what a webhook URL may hold after its host (hr_api.schema's pattern is made of them).
PATH_CHAR = "[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2}"
QUERY_CHAR = "[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2}"
AFTER_HOST = f"(?:/(?:{PATH_CHAR})*)?(?:\\?(?:{QUERY_CHAR})*)?(?:#(?:{QUERY_CHAR})*)?"
_AFTER_HOST = re.compile(AFTER_HOST)
_URI_CHARACTER = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/?#%-]")
_AUTHORITY_CHARACTER = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%\[\]-]")
_PERCENT = re.compile("%[0-9A-Fa-f]{2}")
_HOST_AND_PORT = re.compile(r"(?P<host>[^:@\[\]]*)(?P<port>:[0-9]*)?")

#: Each code :func:`vet_endpoint_url` refuses a URL with (accounts.outbound's ``OutboundRefused``; a test reads them
#: from its source), with what it means: the schema's word on a webhook URL (hr_api.schema).
URL_CODES = {
    "scheme": "not https (nor http where the portal allows it)",
    "userinfo": "a user name or password in the URL",
    "host": "a host that is not a valid host name (a number such as 2130706433, a bad IDNA name)",
    "port": f"a port other than {' or '.join(map(str, PORTS))} (none: 443), or not a number from 1 to 65535",
    "characters": (
        'a character RFC 3986 does not allow in a URI after the host: a space, <, >, ", {, }, |, \\, ^, `, [, ] or a '
        "non-ASCII character (percent-encode it in UTF-8), a % without two hex digits, a second #; or a control "
        "character (a tab, a line break) anywhere"
    ),
    "unresolvable": "a host name DNS does not resolve (the same URL may pass later)",
    "address": (
        "a host that is or resolves to an address that is not public: loopback, private, link-local, shared, "
        "documentation, multicast, reserved or unspecified, IPv4 or IPv6 (an IPv4 address inside IPv6 judged as IPv4)"
    ),
}


def _shown(character: str) -> str:
    code = f"U+{ord(character):04X}"
    return code if character.isspace() or not character.isprintable() else f"“{character}” ({code})"


def _split(url: str) -> tuple[str, str, str]:
    """``url`` (stripped) as what comes before its host (``https://``), its authority (host and port, up to the first
    ``/``, ``?`` or ``#`` after ``//``) and the rest (path, query, fragment)."""
    url = url.strip()
    start = url.find("//") + 2 if "//" in url else 0
    end = min((i for i in (url.find(c, start) for c in "/?#") if i >= 0), default=len(url))
    return url[:start], url[start:end], url[end:]


def _bad_after_host(rest: str) -> int | None:
    """Where in ``rest`` (what follows the host) the first character RFC 3986 does not allow there is (a ``%``
    without two hex digits, a second ``#``), or None (:data:`AFTER_HOST` matches)."""
    if _AFTER_HOST.fullmatch(rest):
        return None
    fragment = False
    for at, character in enumerate(rest):
        if character == "%" and not _PERCENT.match(rest, at):
            return at
        if character == "#":
            if fragment:
                return at
            fragment = True
        elif not _URI_CHARACTER.fullmatch(character):
            return at
    return None  # not reached: what the pattern refuses, the walk finds


def bad_character(url: str) -> str | None:
    """The first character of ``url`` that RFC 3986 does not allow where it stands, or None: outside the host only a
    URI's characters; in the host any printable non-ASCII character too, which IDNA judges (accounts.outbound)."""
    head, authority, rest = _split(url)
    for character in head:
        if not _URI_CHARACTER.fullmatch(character):
            return character
    for character in authority:
        if (character.isascii() or character.isspace() or not character.isprintable()) and not (
            _AUTHORITY_CHARACTER.fullmatch(character)
        ):
            return character
    at = _bad_after_host(rest)
    return None if at is None else rest[at]


def check_endpoint_url(url: str) -> outbound.CheckedUrl:
    """The part of :func:`vet_endpoint_url` that needs no DNS (what the URL itself says: its scheme, user name,
    host, port, a literal address: accounts.outbound's; then the webhook's own port and characters); raises
    :class:`accounts.outbound.OutboundRefused`."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    checked = outbound.check_url(url, allow_http=settings.WEBHOOK_ALLOW_HTTP, allow_private=allow_private)
    if not allow_private and urlsplit(checked.url).port not in (None, *PORTS):
        raise outbound.OutboundRefused(
            "port",
            _("The URL's port may only be %(ports)s, or left out (443).") % {"ports": ", ".join(map(str, PORTS))},
        )
    if (character := bad_character(url)) is not None:
        raise outbound.OutboundRefused(
            "characters",
            _("The URL contains %(character)s, which a URL may not hold there (RFC 3986): percent-encode it.")
            % {"character": _shown(character)},
        )
    return checked


def vet_endpoint_url(url: str) -> outbound.VettedUrl:
    """The outbound rule with the webhook settings, after the webhook's own (:func:`check_endpoint_url`); raises
    :class:`accounts.outbound.OutboundRefused`."""
    check_endpoint_url(url)
    return outbound.vet_url(
        url, allow_http=settings.WEBHOOK_ALLOW_HTTP, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    )


def uri_form(url: str) -> str:
    """``url`` as an RFC 3986 URI: an internationalised host in its IDNA (``xn--``) form, and any character a URI may
    not hold after the host percent-encoded (UTF-8). A URL that passed the rule changes in its host only (the form
    it is stored in); one stored before the rule is shown so (and its deliveries are refused)."""
    head, authority, rest = _split(url)
    if not authority.isascii():
        parts = _HOST_AND_PORT.fullmatch(authority)
        try:
            if parts is None:
                raise idna.IDNAError(authority)
            host = parts["host"]
            ascii_host = idna.encode(host.rstrip("."), uts46=True).decode("ascii") + "." * host.endswith(".")
            authority = ascii_host.lower() + (parts["port"] or "")
        except (idna.IDNAError, UnicodeError):
            authority = quote(authority, safe=":@[]")
    while (at := _bad_after_host(rest)) is not None:
        rest = rest[:at] + quote(rest[at], safe="") + rest[at + 1 :]
    return head + authority + rest


def rule_before_syntax(syntax: URLValidator) -> Callable[[str], None]:
    """Django's URL syntax check (``syntax``, code ``invalid``), after the part of the portal's rule that reads a URL
    with a host (:func:`check_endpoint_url`): the syntax reads a host such as 2130706433, 0x7f000001 or 127.1 as no URL
    at all, the rule names it (``host``), as the schema says. A value without a scheme and a host is no URL at all
    (``invalid``). For the URL fields of the API and of the admin alike."""

    def validate(url: str) -> None:
        try:
            parts = urlsplit(url)
        except ValueError:  # an unclosed [ of an IPv6 host
            parts = None
        if parts is not None and parts.scheme and parts.netloc:
            try:
                check_endpoint_url(url)
            except outbound.OutboundRefused as exc:
                raise ValidationError(exc.message, code=exc.code) from None
        syntax(url)

    return validate


def with_rule_before_syntax(validators: list[Callable[[str], None]]) -> list[Callable[[str], None]]:
    """A URL field's validators, its syntax check preceded by the portal's rule (:func:`rule_before_syntax`)."""
    return [rule_before_syntax(v) if isinstance(v, URLValidator) else v for v in validators]


def stored_url(url: str) -> str:
    """The form a URL that passed the rule is kept (and compared) in, so that every spelling of one address is one URL
    (:data:`URL_ONCE`): :func:`uri_form`, normalised as RFC 3986 section 6.2.2 and 6.2.3 say: its scheme and host in
    lower case (``https://HR.Bank.example/hook`` is ``https://hr.bank.example/hook``); no port where it is the
    scheme's (``:443``), the port's number without leading zeros; an IPv6 literal in its short form, an IPv4 address
    written as IPv6 (``[::ffff:1.1.1.1]``) as the IPv4 address it is; an empty path as ``/``, without ``.`` and ``..``
    segments; a percent-encoded unreserved character (``%70``) decoded, any other percent-encoding in upper case; no
    empty query (``?``) and no fragment (``#…``: never sent to the receiver). What the portal sends is the same
    (requests decodes and drops alike). Within the model's length (an IDNA host is longer than its Unicode form);
    raises Django's ValidationError (``max_length``) beyond it."""
    head, authority, rest = _split(uri_form(url))
    head = head.lower()
    rest = rest.partition("#")[0]
    path, _mark, query = rest.partition("?")
    path = _without_dot_segments(_normal_percent(path)) or "/"
    query = _normal_percent(query)
    stored = head + _normal_authority(authority.lower(), default_port=_DEFAULT_PORTS.get(head)) + path
    stored += "?" + query if query else ""
    MaxLengthValidator(WebhookEndpoint._meta.get_field("url").max_length)(stored)
    return stored


_DEFAULT_PORTS = {"https://": 443, "http://": 80}
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")


def _normal_percent(text: str) -> str:
    """``text`` with each percent-encoded unreserved character decoded, any other percent-encoding in upper case."""

    def normal(match: re.Match[str]) -> str:
        character = chr(int(match[0][1:], 16))
        return character if character in _UNRESERVED else match[0].upper()

    return _PERCENT.sub(normal, text)


def _without_dot_segments(path: str) -> str:
    """``path`` without its ``.`` and ``..`` segments (RFC 3986 section 5.2.4, as urllib3 sends it)."""
    if "." not in path:
        return path
    segments: list[str] = []
    parts = path.split("/")
    for at, segment in enumerate(parts):
        last = at == len(parts) - 1
        if segment == ".":
            if last:
                segments.append("")
        elif segment == "..":
            if len(segments) > 1:
                segments.pop()
            if last:
                segments.append("")
        else:
            segments.append(segment)
    return "/".join(segments)


def _normal_authority(authority: str, *, default_port: int | None) -> str:
    """``authority`` (lower case) without the scheme's port, the port without leading zeros, an IPv6 literal in its
    short form and an IPv4 address written as IPv6 as that IPv4 address."""
    if authority.startswith("[") and "]" in authority:
        end = authority.index("]") + 1
        host, port = authority[:end], authority[end:]
        literal, percent, zone = host[1:-1].partition("%")
        try:
            address = ipaddress.IPv6Address(literal)
        except ValueError:
            pass
        else:
            mapped = address.ipv4_mapped
            host = str(mapped) if mapped is not None and not percent else f"[{address.compressed}{percent}{zone}]"
    else:
        host, colon, port = authority.partition(":")
        port = colon + port
    digits = port[1:]
    if not digits.isdigit() or int(digits) == default_port:
        return host
    return f"{host}:{int(digits)}"


# --- how many endpoints, and each URL once ---------------------------------------------------------------------------
#
# Every event becomes one delivery per active endpoint that wants it, each retried up to WEBHOOK_MAX_ATTEMPTS times:
# an employer registering the same URL sixty times turned one event into sixty deliveries to one host (an
# integrator's report). A URL is active once per employer (a partial unique constraint on the stored form,
# :func:`stored_url`), and an employer has at most WEBHOOK_ENDPOINTS_PER_EMPLOYER endpoints, active or not.

#: The codes of :class:`EndpointError`: both are the state of the employer's endpoints (409 in the API).
URL_TAKEN = "url_taken"
TOO_MANY_ENDPOINTS = "too_many_endpoints"
URL_TAKEN_MESSAGE = _(
    "Another active webhook endpoint of your employer has this URL: change that endpoint's events instead "
    "(one URL, one endpoint)."
)
TOO_MANY_MESSAGE = _(
    "Your employer has the most webhook endpoints it may have (%(limit)d, active or not): remove one it no "
    "longer uses first."
)
#: The partial unique constraint of hr_api.models.WebhookEndpoint that keeps an active URL once per employer.
URL_ONCE = "webhook_endpoint_url_once_per_employer"


class EndpointError(DomainError):
    """A webhook endpoint the employer's others refuse: ``url_taken`` (field ``url``) or ``too_many_endpoints``."""


def endpoint_limit() -> int:
    """``WEBHOOK_ENDPOINTS_PER_EMPLOYER`` (default 10): the most endpoints an employer has, active or not."""
    return settings.WEBHOOK_ENDPOINTS_PER_EMPLOYER


def check_endpoint(*, employer_id: int, url: str, is_active: bool, endpoint_id: int | None = None) -> None:
    """Whether the employer may have an endpoint with ``url`` (its stored form, :func:`stored_url`), active or not:
    a new one (``endpoint_id`` None), or one moved to it from another employer (the admin), within
    :func:`endpoint_limit`; and an active one at a URL none of its other active endpoints has. Raises
    :class:`EndpointError`. The API and the admin ask this (and the database's constraint settles a race,
    :func:`do_register_endpoint`)."""
    others = WebhookEndpoint.objects.filter(employer_id=employer_id).exclude(pk=endpoint_id)
    joining = (
        endpoint_id is None or not WebhookEndpoint.objects.filter(pk=endpoint_id, employer_id=employer_id).exists()
    )
    if joining and others.count() >= (limit := endpoint_limit()):
        raise EndpointError(TOO_MANY_ENDPOINTS, TOO_MANY_MESSAGE % {"limit": limit})
    if is_active and others.filter(url=url, is_active=True).exists():
        raise EndpointError(URL_TAKEN, URL_TAKEN_MESSAGE, field="url")


def _lock_employer(employer_id: int) -> None:
    """The employer's row locked, so two registrations at once count each other (the limit)."""
    list(Employer.objects.select_for_update().filter(pk=employer_id).values_list("pk", flat=True))


def _saved(endpoint: WebhookEndpoint, **save: Any) -> WebhookEndpoint:
    """``endpoint`` saved; a URL another active endpoint took at the same moment (the constraint) is ``url_taken``."""
    try:
        with transaction.atomic():
            endpoint.save(**save)
    except IntegrityError as exc:
        if URL_ONCE not in str(exc) and ".url" not in str(exc):  # PostgreSQL names it, SQLite its columns
            raise
        raise EndpointError(URL_TAKEN, URL_TAKEN_MESSAGE, field="url") from None
    return endpoint


@transaction.atomic
def do_register_endpoint(
    *, employer_id: int, url: str, events: Iterable[str], description: str = "", is_active: bool = True
) -> WebhookEndpoint:
    """A new endpoint with a new secret (shown to its employer once). ``url`` passed :func:`vet_endpoint_url` and is in
    its stored form (:func:`stored_url`). Refuses (:func:`check_endpoint`) ``too_many_endpoints`` and ``url_taken``."""
    _lock_employer(employer_id)
    check_endpoint(employer_id=employer_id, url=url, is_active=is_active)
    endpoint = WebhookEndpoint(
        employer_id=employer_id,
        url=url,
        events=sorted(set(events)),
        description=description,
        is_active=is_active,
        secret=new_secret(),
    )
    return _saved(endpoint, force_insert=True)


@transaction.atomic
def do_change_endpoint(endpoint: WebhookEndpoint, **values: Any) -> WebhookEndpoint:
    """``endpoint`` with the fields of ``values`` (``url`` in its stored form, ``events``, ``description``,
    ``is_active``) changed and saved, under the employer it has now (the admin may have moved it to another).
    Refuses ``url_taken`` for a URL (or a reactivation onto one) another of the employer's active endpoints has,
    and ``too_many_endpoints`` for an endpoint moved to an employer that has the most it may have."""
    _lock_employer(endpoint.employer_id)
    for name, value in values.items():
        setattr(endpoint, name, sorted(set(value)) if name == "events" else value)
    check_endpoint(employer_id=endpoint.employer_id, url=endpoint.url, is_active=endpoint.is_active,
                   endpoint_id=endpoint.pk)  # fmt: skip
    return _saved(endpoint)
