"""Signed webhook deliveries: record an event per endpoint, deliver it from Celery with back-off.

Signed by the Standard Webhooks specification (https://www.standardwebhooks.com/), so a receiver
can check a delivery with that specification's libraries (``standardwebhooks`` on PyPI, npm …):
the body is the JSON of ``{"id", "type", "created_at", "data"}``; ``Webhook-Id`` is the event id
(for de-duplication), ``Webhook-Timestamp`` Unix seconds, and ``Webhook-Signature`` is
``v1,<base64>`` of the HMAC-SHA256 of ``"<id>.<timestamp>.<body>"``, keyed with the bytes that
the endpoint's secret ``whsec_<base64>`` encodes. Receivers refuse a timestamp more than five
minutes from their clock (the libraries do). README.md, "Verify a webhook", shows the check.

Endpoint URLs are vetted by :mod:`accounts.outbound` when they are registered or changed and again
before every attempt (DNS changes), and each attempt connects to the address just vetted. A URL the
rule refuses fails its delivery at once, without retries, with the reason in ``last_error``.

Delivery is at least once: every attempt of one event carries the same ``Webhook-Id``. Attempts
time out after ``WEBHOOK_TIMEOUT_SECONDS`` and back off exponentially; they run on their own
``webhooks`` queue so that a receiver that hangs never holds up grading; a pending delivery whose
queued retry the broker lost is enqueued again by :func:`do_sweep_deliveries` (beat).
"""

from __future__ import annotations

import base64
import binascii
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
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerError
from rest_framework.utils.encoders import JSONEncoder

from accounts import outbound

from hr_api.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
EVENTS = [e.value for e in WebhookEndpoint.Event]
USER_AGENT = "BCM-Portal-Webhooks/1"
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification asks for 24 to 64 random bytes


def new_secret() -> str:
    """``whsec_`` and the standard base64 of a random key, as the specification's libraries read it."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signing_key(secret: str) -> bytes:
    """The HMAC key a ``whsec_…`` secret encodes; ``ValueError`` when it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error:
        raise ValueError("a webhook secret is whsec_ and standard base64") from None
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def sign(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """``v1,<base64>``: HMAC-SHA256 of ``"<msg_id>.<timestamp>.<body>"`` with the secret's key."""
    mac = hmac.new(signing_key(secret), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


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
    status_code: int | None = None
    error = ""
    refused = False
    try:
        target = vet_endpoint_url(delivery.endpoint.url)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Webhook-Id": str(delivery.event_id),
            "Webhook-Timestamp": timestamp,
            "Webhook-Signature": sign(delivery.endpoint.secret, str(delivery.event_id), timestamp, body),
            "Webhook-Event": delivery.event,
        }
        response = outbound.post(target, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except outbound.OutboundRefused as exc:
        # The rule refuses the URL (or DNS does not answer, which may pass: retried like any failure).
        refused = exc.permanent
        with translation.override("en"):
            error = f"{'Refused' if refused else 'Not sent'}: {exc.message}"[:500]
    except ValueError as exc:  # a secret not in the whsec_ form: nothing can be signed
        refused = True
        error = f"Refused: the endpoint's signing secret is not valid ({exc})"[:500]
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
    elif refused or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
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
