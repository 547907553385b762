"""Drill: the employer's webhook receiver hangs, then is down, then comes back.

Deliveries time out, are retried with growing waits, and arrive once each (by event id) when the
receiver is back; meanwhile grading, on its own queue, is never held up.
"""

from __future__ import annotations

import collections
import itertools
import json
import time

import pytest
import standardwebhooks

from exams.models import CourseResult
from hr_api.models import WebhookDelivery

from . import world
from .conftest import wait_for

pytestmark = [pytest.mark.drill, pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ATTEMPTS = 24
TIMEOUT = 2


def test_a_hanging_or_dead_receiver_never_holds_up_grading(celery_processes, webhook_receiver):
    webhook_receiver.mode = "hang"
    env = {"WEBHOOK_TIMEOUT_SECONDS": TIMEOUT, "WEBHOOK_BACKOFF_BASE_SECONDS": 1, "WEBHOOK_MAX_ATTEMPTS": 12,
           **world.RECEIVER_ENV}  # fmt: skip
    grading = celery_processes("worker", queues="celery", **env)
    delivering = celery_processes("worker", queues="webhooks", pool="threads", concurrency=24, **env)
    w = world.build(ATTEMPTS, webhook_url=webhook_receiver.url, submitted=True)
    started = time.monotonic()

    graded = CourseResult.objects.filter(attempt__paper=w.paper, published_at__isnull=False)
    took = wait_for(lambda: graded.count() == ATTEMPTS, timeout=60, interval=0.2, logs=(grading,),
                    what=lambda: f"graded {graded.count()} of {ATTEMPTS} while the receiver hangs")  # fmt: skip
    # Grading finished although every delivery so far hung until its timeout.
    assert took < 30
    deliveries = WebhookDelivery.objects.filter(event="exam.result_published")
    # A delivery row is written by the announcement that follows the grading's commit, a moment later.
    wait_for(lambda: deliveries.count() == ATTEMPTS, timeout=15, interval=0.2, logs=(grading,),
             what=lambda: f"{deliveries.count()} of {ATTEMPTS} deliveries recorded")  # fmt: skip
    assert not deliveries.filter(status="delivered").exists()
    wait_for(lambda: deliveries.filter(attempts__gte=2).count() == ATTEMPTS, timeout=90, interval=0.5,
             logs=(delivering,), what="two timed-out attempts of every delivery")  # fmt: skip
    assert all("Timeout" in e for e in deliveries.values_list("last_error", flat=True))

    webhook_receiver.go_down()
    wait_for(lambda: all("ConnectionError" in e for e in deliveries.values_list("last_error", flat=True)),
             timeout=90, interval=0.5, logs=(delivering,), what="an attempt at the dead receiver")  # fmt: skip
    webhook_receiver.come_up()
    wait_for(lambda: deliveries.filter(status="delivered").count() == ATTEMPTS, timeout=120, interval=0.5,
             logs=(delivering,), what=lambda: f"{deliveries.filter(status='delivered').count()} delivered")  # fmt: skip
    time.sleep(3)

    events = [json.loads(d["body"]) for d in webhook_receiver.delivered]
    per_result = collections.Counter(e["data"]["exam_result"] for e in events)
    assert sorted(per_result) == sorted(graded.values_list("pk", flat=True)) and set(per_result.values()) == {1}
    receiver = standardwebhooks.Webhook(world.WEBHOOK_SECRET)  # the Standard Webhooks check (README)
    assert all(receiver.verify(d["body"], d["headers"]) for d in webhook_receiver.delivered)
    # Growing waits between the attempts at each event (the attempts at the dead receiver never reached it).
    assert set(deliveries.values_list("status", flat=True)) == {"delivered"}
    assert min(deliveries.values_list("attempts", flat=True)) >= 4
    for times in webhook_receiver.tried_at.values():
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert len(gaps) >= 2 and gaps[0] >= TIMEOUT + 1 - 0.3 and gaps[-1] > gaps[0], gaps
    print(f"\nwebhook drill: {ATTEMPTS} graded in {took:.1f} s while the receiver hung (timeout {TIMEOUT} s); "
          f"all delivered once after {time.monotonic() - started:.0f} s")  # fmt: skip
