"""Signed webhook deliveries: record an event per endpoint, deliver it from Celery with back-off.

The body is the JSON of ``{"id", "type", "created_at", "data"}``; the signature is
HMAC-SHA256 with the endpoint's secret over ``"<timestamp>.<body>"``, sent as
``Webhook-Signature: v1=<hex>`` with ``Webhook-Id`` (the event id, for de-duplication) and
``Webhook-Timestamp`` (Unix seconds). README.md, "Verify a webhook", shows a receiver's check.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from .models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
EVENTS = [e.value for e in WebhookEndpoint.Event]
USER_AGENT = "BCM-Portal-Webhooks/1"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def emit(*, employer_id: int | None, event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Record ``event`` for every active endpoint of the employer that wants it; deliver after commit."""
    if employer_id is None:
        return []
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(employer_id=employer_id, is_active=True) if event in e.events
    ]
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event,
        "created_at": timezone.now().isoformat(),
        "data": json.loads(encode(data)),
    }
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(endpoint=e, event_id=event_id, event=event, payload=payload)
            for e in endpoints
        ]
        for delivery in deliveries:
            enqueue(delivery.pk)
    return deliveries


def enqueue(delivery_id: int) -> None:
    from .tasks import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.delay(delivery_id))


def backoff_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min, 4 min … capped at 6 hours."""
    return min(30 * 2 ** max(0, attempts - 1), 6 * 3600)


def attempt_delivery(delivery_id: int) -> int | None:
    """Send one delivery once. Returns the seconds to wait before a retry, or None when done.

    Holds the delivery's row lock for the one short request (``WEBHOOK_TIMEOUT_SECONDS``), so
    two workers never send it at once; the second skips it.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        return _send(delivery)


def _send(delivery: WebhookDelivery) -> int | None:
    body = encode(delivery.payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Webhook-Id": str(delivery.event_id),
        "Webhook-Timestamp": timestamp,
        "Webhook-Signature": sign(delivery.endpoint.secret, timestamp, body),
        "Webhook-Event": delivery.event,
    }
    status_code: int | None = None
    error = ""
    try:
        response = requests.post(
            delivery.endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    wait: int | None = None
    if not error:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        wait = backoff_seconds(delivery.attempts)
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
    delivery.save(
        update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at"]
    )
    if error:
        log.info("Webhook delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
    return wait


@transaction.atomic
def do_redeliver(*, deliveries: Iterable[WebhookDelivery]) -> int:
    """Send again (program office, in admin): same event id, so a receiver can drop a duplicate."""
    ids = [d.pk for d in deliveries]
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=None
    )
    for pk in ids:
        enqueue(pk)
    return len(ids)
