"""Webhook endpoints: registering one, and the rule its URL must meet (accounts.outbound)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from accounts import outbound
from hr_api.models import WebhookEndpoint

from .signing import new_secret

#: Each code :func:`vet_endpoint_url` refuses a URL with (accounts.outbound's ``OutboundRefused``; a test reads them
#: from its source), with what it means: the schema's word on a webhook URL (hr_api.schema).
URL_CODES = {
    "scheme": "not https (nor http where the portal allows it)",
    "userinfo": "a user name or password in the URL",
    "host": "a host that is not a valid host name (a number such as 2130706433, a bad IDNA name)",
    "port": "a port that is not 1 to 65535",
    "unresolvable": "a host name DNS does not resolve (the same URL may pass later)",
    "address": (
        "a host that is or resolves to an address that is not public: loopback, private, link-local, shared, "
        "documentation, multicast, reserved or unspecified, IPv4 or IPv6 (an IPv4 address inside IPv6 judged as IPv4)"
    ),
}


def check_endpoint_url(url: str) -> outbound.CheckedUrl:
    """The part of :func:`vet_endpoint_url` that needs no DNS (what the URL itself says: its scheme, user name,
    host, port, a literal address); raises :class:`accounts.outbound.OutboundRefused`."""
    return outbound.check_url(
        url, allow_http=settings.WEBHOOK_ALLOW_HTTP, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    )


def vet_endpoint_url(url: str) -> outbound.VettedUrl:
    """The outbound rule with the webhook settings; raises :class:`accounts.outbound.OutboundRefused`."""
    return outbound.vet_url(
        url, allow_http=settings.WEBHOOK_ALLOW_HTTP, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    )


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


@transaction.atomic
def do_register_endpoint(
    *, employer_id: int, url: str, events: Iterable[str], description: str = "", is_active: bool = True
) -> WebhookEndpoint:
    """A new endpoint with a new secret (shown to its employer once). ``url`` passed :func:`vet_endpoint_url`."""
    return WebhookEndpoint.objects.create(
        employer_id=employer_id,
        url=url,
        events=sorted(set(events)),
        description=description,
        is_active=is_active,
        secret=new_secret(),
    )
