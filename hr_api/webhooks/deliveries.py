"""Deliveries: an event recorded for every endpoint that wants it, and each attempt to deliver it.

An attempt runs in Celery (``hr_api.tasks.deliver_webhook``) after the recording transaction
commits, through :func:`core.tasks.enqueue_on_commit`: with the broker down the delivery stays
pending and the sweep (:mod:`hr_api.webhooks.sweep`) enqueues it again.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import CharField
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone, translation

from accounts import outbound
from core.tasks import enqueue_on_commit
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.selectors import employer_holds_scope

from .endpoints import vet_endpoint_url
from .events import EVENT_SCOPES
from .signing import encode, sign

log = logging.getLogger(__name__)
USER_AGENT = "BCM-Portal-Webhooks/1"


@dataclass(frozen=True)
class Once:
    """An event about one thing that each endpoint gets once, however often it is announced.

    ``key`` names the field of the event's data that identifies the thing (a certificate's
    ``number``); ``since`` is when the thing came to be: older deliveries cannot be of it, which keeps
    the look-up to the last few rows (``created_at`` is indexed).
    """

    key: str
    since: datetime.datetime


def _already_told(endpoints: list[WebhookEndpoint], event: str, data: dict[str, Any], once: Once) -> set[int]:
    """The endpoints among ``endpoints`` that have a delivery of ``event`` about ``once``'s thing."""
    return set(
        WebhookDelivery.objects.filter(endpoint__in=endpoints, event=event, created_at__gte=once.since)
        # As text: a lookup on the JSON value itself would read the value as JSON on SQLite.
        .annotate(about=Cast(KT(f"payload__data__{once.key}"), output_field=CharField()))
        .filter(about=str(data[once.key]))
        .values_list("endpoint_id", flat=True)
    )


def emit(
    *, employer_id: int | None, event: str, data: dict[str, Any], once: Once | None = None
) -> list[WebhookDelivery]:
    """Record ``event`` for every active endpoint of the employer that wants it; deliver after commit.

    With ``once``, an endpoint that already has this event about the same thing gets no second
    delivery; the endpoints' rows are locked first, so that two announcements at the same time
    record it once too. Nor is an endpoint registered after the thing came to be owed it: a sweep's
    late announcement goes to those that were waiting for it, not to every newcomer.
    """
    if employer_id is None:
        return []
    if not _may_be_told(employer_id, event):
        # An endpoint made in admin, or a client whose scope was taken away since it subscribed: the
        # employer may no longer read these rows, so it is not told of their changes either (one query
        # for all its endpoints: the scope is the employer's clients', whichever endpoint wants the event).
        return []
    with transaction.atomic():
        wanting = WebhookEndpoint.objects.filter(employer_id=employer_id, is_active=True)
        if once is not None:
            wanting = wanting.filter(created_at__lte=once.since).select_for_update()
        endpoints = [e for e in wanting if event in e.events]
        if endpoints and once is not None:
            told = _already_told(endpoints, event, data, once)
            endpoints = [e for e in endpoints if e.pk not in told]
        if not endpoints:
            return []
        event_id = uuid.uuid4()
        payload = {
            "id": str(event_id),
            "type": event,
            "created_at": timezone.now().isoformat(),
            "data": json.loads(encode(data)),
        }
        deliveries = [
            WebhookDelivery.objects.create(endpoint=e, event_id=event_id, event=event, payload=payload)
            for e in endpoints
        ]
        for delivery in deliveries:
            _deliver_on_commit(delivery.pk)
    return deliveries


def _may_be_told(employer_id: int, event: str) -> bool:
    """Whether one of the employer's active clients still has the scope of the resource ``event`` tells of
    (:data:`~hr_api.webhooks.events.EVENT_SCOPES`); an event without one is told to no one (fail closed)."""
    scope = EVENT_SCOPES.get(event)
    if scope is None:
        log.error("Webhook event %s has no scope in EVENT_SCOPES: not delivered", event)
        return False
    return employer_holds_scope(employer_id, scope)


def _deliver_on_commit(delivery_id: int) -> None:
    from hr_api.tasks import deliver_webhook

    enqueue_on_commit(deliver_webhook, delivery_id)


def backoff_seconds(attempts: int) -> int:
    """``WEBHOOK_BACKOFF_BASE_SECONDS`` (30 s), then twice as long each time, capped at 6 hours."""
    return min(settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1), 6 * 3600)


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
        if not _may_be_told(delivery.endpoint.employer_id, delivery.event):
            # Recorded while the employer could read these rows; the program office has taken the scope
            # away since (a retry, a redelivery from admin): not sent, failed for good.
            _refuse_unscoped(delivery)
            return None
        return _send(delivery)


def _refuse_unscoped(delivery: WebhookDelivery) -> None:
    delivery.status = WebhookDelivery.Status.FAILED
    delivery.next_attempt_at = None
    delivery.last_status_code = None
    delivery.last_error = (
        f"Refused: no active API client of the employer has the scope {EVENT_SCOPES.get(delivery.event)} "
        f"that {delivery.event} needs"
    )[:500]
    delivery.save(update_fields=["status", "next_attempt_at", "last_status_code", "last_error"])
    log.info("Webhook delivery %s not sent: %s", delivery.pk, delivery.last_error)


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
        _deliver_on_commit(pk)
    return len(ids)
