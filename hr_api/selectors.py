"""Reads of the HR API's own rows."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import WebhookEndpoint


def endpoints_of(employer_id: int) -> QuerySet[WebhookEndpoint]:
    """An employer's webhook endpoints: the only ones its HR system sees or changes."""
    return WebhookEndpoint.objects.filter(employer_id=employer_id)
