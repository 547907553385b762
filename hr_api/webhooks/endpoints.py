"""Webhook endpoints: registering one, and the rule its URL must meet (accounts.outbound)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from accounts import outbound
from hr_api.models import WebhookEndpoint

from .signing import new_secret


def vet_endpoint_url(url: str) -> outbound.VettedUrl:
    """The outbound rule with the webhook settings; raises :class:`accounts.outbound.OutboundRefused`."""
    return outbound.vet_url(
        url, allow_http=settings.WEBHOOK_ALLOW_HTTP, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
    )


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
