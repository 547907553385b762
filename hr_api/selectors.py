"""Reads of the HR API's own rows."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ApiClient, WebhookEndpoint


def endpoints_of(employer_id: int) -> QuerySet[WebhookEndpoint]:
    """An employer's webhook endpoints: the only ones its HR system sees or changes."""
    return WebhookEndpoint.objects.filter(employer_id=employer_id)


def employer_holds_scope(employer_id: int, scope: str) -> bool:
    """Whether one of the employer's clients that can still get a token has ``scope``."""
    return ApiClient.objects.filter(
        employer_id=employer_id, employer__is_active=True, revoked_at__isnull=True, **{f"can_{scope}": True}
    ).exists()
