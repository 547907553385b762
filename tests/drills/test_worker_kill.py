"""Drill: ``kill -9`` the worker (main and child processes) while it grades 1,000 submitted attempts.

A new worker finishes the work: every attempt is graded exactly once, each trainee gets one result
e-mail, each certificate earned is issued once (with one e-mail), and the HR system gets one event
per result and certificate, within the broker's visibility timeout plus a minute.
"""

from __future__ import annotations

import collections
import json
import time

import pytest
from django_celery_beat.models import PeriodicTask

from certification.models import Certificate
from exams.models import Attempt, CourseResult
from hr_api.models import WebhookDelivery

from . import world
from .conftest import wait_for

pytestmark = [pytest.mark.drill, pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ATTEMPTS = 1000
CERTIFIED = 50
VISIBILITY_TIMEOUT = 90  # the drill's; production keeps CELERY_VISIBILITY_TIMEOUT=3600 (README)


def test_a_killed_worker_loses_and_duplicates_nothing(celery_processes, smtp_sink, webhook_receiver):
    w = world.build(ATTEMPTS, certified=CERTIFIED, webhook_url=webhook_receiver.url, submitted=True)
    # Beat runs as in production: a kill between a grade's commit and its after-commit enqueues (its
    # mail, its webhook delivery) leaves rows that say what is owed, and the sweeps enqueue them. The
    # grading sweep runs every 20 s (config/beat.py, copied into the row when beat starts).
    env = {"CELERY_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT, "WEBHOOK_BACKOFF_BASE_SECONDS": 2,
           "EXAM_GRADING_SWEEP_AFTER_SECONDS": 60, "EXAM_GRADING_SWEEP_EVERY_SECONDS": 20,
           "WEBHOOK_SWEEP_AFTER_SECONDS": 30, **world.RECEIVER_ENV}  # fmt: skip
    sweep = PeriodicTask.objects.get(task="exams.tasks.sweep_grading")
    PeriodicTask.objects.exclude(pk=sweep.pk).update(enabled=False)
    celery_processes("beat", **env)
    first = celery_processes("worker", concurrency=4, **env)
    graded = CourseResult.objects.filter(attempt__paper=w.paper, published_at__isnull=False)
    wait_for(
        lambda: graded.count() >= 150, timeout=180, interval=0.05, what="the first worker grading 150", logs=(first,)
    )
    first.kill()
    killed_at = time.monotonic()
    done_before = graded.count()
    assert done_before < ATTEMPTS, "the worker finished before it could be killed"
    assert first.process.poll() is not None

    second = celery_processes("worker", concurrency=4, **env)
    mails = sum(1 for _to, subject in smtp_sink.received())

    def progress() -> str:
        return (
            f"graded {graded.count()}, unmailed "
            f"{CourseResult.objects.filter(attempt__paper=w.paper, mailed_at__isnull=True).count()}, "
            f"certificates {Certificate.objects.count()}, mails {len(smtp_sink.received())}, deliveries "
            f"{dict(collections.Counter(WebhookDelivery.objects.values_list('status', flat=True)))}; pending: "
            f"{list(WebhookDelivery.objects.exclude(status='delivered').values('event', 'attempts', 'last_error'))}"
        )

    def all_done() -> bool:
        return (
            graded.count() == ATTEMPTS
            and not CourseResult.objects.filter(attempt__paper=w.paper, mailed_at__isnull=True).exists()
            and Certificate.objects.filter(trainee_id__in=w.certified_ids).count() == CERTIFIED
            and len(smtp_sink.received()) >= ATTEMPTS + CERTIFIED
            and not WebhookDelivery.objects.exclude(status="delivered").exists()
            and WebhookDelivery.objects.count() == ATTEMPTS + CERTIFIED
        )

    wait_for(all_done, timeout=VISIBILITY_TIMEOUT + 60 - (time.monotonic() - killed_at), interval=1,
             what=progress, logs=(second,))  # fmt: skip
    took = time.monotonic() - killed_at
    time.sleep(3)  # anything duplicated would arrive now

    # Graded exactly once.
    assert Attempt.objects.filter(paper=w.paper, state="graded").count() == ATTEMPTS
    assert CourseResult.objects.filter(attempt__paper=w.paper).count() == ATTEMPTS
    # One result e-mail per trainee and one certificate e-mail per certificate; nothing else, nothing twice.
    received = smtp_sink.received()
    per_message = collections.Counter(received)
    assert [m for m, count in per_message.items() if count > 1] == []
    result_mails = collections.Counter(to for to, subject in received if "certificate" not in subject.lower())
    cert_mails = collections.Counter(to for to, subject in received if "certificate" in subject.lower())
    assert sorted(result_mails) == sorted(u.email for u in w.users) and set(result_mails.values()) == {1}
    assert sorted(cert_mails) == sorted(u.email for u in w.users if u.pk in w.certified_ids)
    assert set(cert_mails.values()) == {1}
    # One certificate per certified trainee.
    certificates = collections.Counter(Certificate.objects.values_list("trainee_id", flat=True))
    assert set(certificates) == w.certified_ids and set(certificates.values()) == {1}
    # One event per result and per certificate; a receiver that drops ids it has seen (README) acts once.
    events = [json.loads(d["body"]) for d in webhook_receiver.delivered]
    by_subject = collections.Counter(
        (e["type"], e["data"].get("exam_result") or e["data"].get("number"))
        for e in {e["id"]: e for e in events}.values()
    )
    assert len(by_subject) == ATTEMPTS + CERTIFIED and set(by_subject.values()) == {1}
    redelivered = len(events) - len({e["id"] for e in events})
    print(
        f"\nworker-kill drill: killed after {done_before} of {ATTEMPTS} graded; the new worker finished in "
        f"{took:.0f} s (visibility timeout {VISIBILITY_TIMEOUT} s); {mails} mails before the restart; "
        f"webhook copies with an id already delivered: {redelivered}"
    )
    assert took <= VISIBILITY_TIMEOUT + 60
