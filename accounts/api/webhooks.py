"""Signed webhook deliveries: record an event per endpoint, deliver it from Celery with back-off.

The body is the JSON of ``{"id", "type", "created_at", "data"}``; the signature is
HMAC-SHA256 with the endpoint's secret over ``"<timestamp>.<body>"``, sent as
``Webhook-Signature: v1=<hex>`` with ``Webhook-Id`` (the event id, for de-duplication) and
``Webhook-Timestamp`` (Unix seconds). README.md, "Verify a webhook", shows a receiver's check;
:func:`verify` is the same check in Python (a signature older than five minutes is refused).

Delivery is at least once: every attempt of one event carries the same ``Webhook-Id``. Attempts
time out after ``WEBHOOK_TIMEOUT_SECONDS`` and back off exponentially; they run on their own
``webhooks`` queue so that a receiver that hangs never holds up grading; a pending delivery whose
queued retry the broker lost is enqueued again by :func:`do_sweep_deliveries` (beat).
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
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError
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


SIGNATURE_TOLERANCE_SECONDS = 300


def verify(
    secret: str, headers: Any, body: bytes, *, tolerance: int = SIGNATURE_TOLERANCE_SECONDS, now: float | None = None
) -> bool:
    """A receiver's check: the signature matches and its timestamp is within ``tolerance`` seconds of now.

    ``headers`` is any mapping with ``Webhook-Timestamp`` and ``Webhook-Signature``. An older (or
    far-future) timestamp is refused even with a valid signature, so a captured delivery cannot be
    replayed later.
    """
    timestamp = str(headers.get("Webhook-Timestamp") or "")
    signature = str(headers.get("Webhook-Signature") or "")
    if not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


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
    """Deliver after commit; with the broker down the row stays pending for the sweeper."""
    from .tasks import deliver_webhook

    def send() -> None:
        if deliver_webhook.app.conf.task_always_eager:
            deliver_webhook.delay(delivery_id)
            return
        try:
            deliver_webhook.delay(delivery_id)
        except Exception as exc:  # the broker or the result backend is unreachable
            log.warning("Could not enqueue webhook delivery %s (the sweeper will): %r", delivery_id, exc)

    transaction.on_commit(send)


def backoff_seconds(attempts: int) -> int:
    """``WEBHOOK_BACKOFF_BASE_SECONDS`` (30 s), then twice as long each time, capped at 6 hours."""
    return min(settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1), 6 * 3600)


def do_sweep_deliveries(*, now: Any = None, limit: int = 5000) -> int:
    """Beat: enqueue again the pending deliveries whose queued attempt is overdue (lost with the broker).

    A copy that was not lost meets the row lock or finds the delivery not yet due, so this is safe.
    """
    from .tasks import deliver_webhook

    before = (now or timezone.now()) - timedelta(seconds=settings.WEBHOOK_SWEEP_AFTER_SECONDS)
    overdue = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True, created_at__lte=before) | Q(next_attempt_at__lte=before)
    )
    count = 0
    try:
        for delivery_id in overdue.order_by("pk").values_list("pk", flat=True)[:limit]:
            deliver_webhook.delay(delivery_id)
            count += 1
    except (BrokerError, OSError, RuntimeError) as exc:
        log.warning("The webhook sweep stopped, the broker is unreachable: %r", exc)
    return count


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
        if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now() + timedelta(seconds=1):
            # An early copy (the broker redelivered a retry still waiting elsewhere): its own copy comes.
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
