"""The beat job that finds again the deliveries whose queued attempt the broker lost."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.tasks import enqueue_each
from hr_api.models import WebhookDelivery

log = logging.getLogger(__name__)


def do_sweep_deliveries(*, now: Any = None, limit: int = 5000) -> int:
    """Beat: enqueue again the pending deliveries whose queued attempt is overdue (lost with the broker).

    A copy that was not lost meets the row lock or finds the delivery not yet due, so this is safe.
    """
    from hr_api.tasks import deliver_webhook

    before = (now or timezone.now()) - timedelta(seconds=settings.WEBHOOK_SWEEP_AFTER_SECONDS)
    overdue = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True, created_at__lte=before) | Q(next_attempt_at__lte=before)
    )
    deliveries = overdue.order_by("pk").values_list("pk", flat=True)[:limit]
    return enqueue_each(deliver_webhook, deliveries, sweep="webhook sweep", logger=log)
