"""Drill: the mail server is down (answers 421) when the daily reminders and a certificate e-mail go out.

The worker retries each task with growing waits; when the server is back every reminder is sent exactly once.
"""

from __future__ import annotations

import collections
import datetime
import itertools
import time

import pytest
from django.utils import timezone

from certification.models import ReminderSent
from certification.tasks import send_certificate_issued_reminder, send_daily_reminders
from tests.factories import CertificateFactory

from .conftest import wait_for

pytestmark = [pytest.mark.drill, pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EXPIRING = 8


def rounds(times: list[float], gap: float = 0.5) -> list[float]:
    """Start times of the bursts of refused sends (one burst per run of the tasks)."""
    starts: list[float] = []
    previous = None
    for t in sorted(times):
        if previous is None or t - previous > gap:
            starts.append(t)
        previous = t
    return starts


def test_reminders_wait_for_the_mail_server_and_go_once(celery_processes, smtp_sink):
    today = timezone.localdate()
    expiring = [CertificateFactory(valid_until=today + datetime.timedelta(days=20)) for _ in range(EXPIRING)]
    issued = CertificateFactory()
    # Each task's tries, told apart by whom they write to: the daily run's and the single e-mail's.
    tasks = {"daily run": {c.trainee.email for c in expiring}, "certificate e-mail": {issued.trainee.email}}
    smtp_sink.down = True
    worker = celery_processes("worker", REMINDER_RETRY_BASE_SECONDS=1)
    send_daily_reminders.delay()
    send_certificate_issued_reminder.delay(issued.pk)

    def fewest_rounds() -> int:
        return min(len(rounds(smtp_sink.refused_at(recipients))) for recipients in tasks.values())

    # Each task refused four times: its first run and retries after about 1, 2 and 4 seconds.
    wait_for(lambda: fewest_rounds() >= 4, timeout=90, interval=0.2, logs=(worker,),
             what=lambda: f"refused rounds {fewest_rounds()}")  # fmt: skip
    assert smtp_sink.messages == [] and not ReminderSent.objects.exists()
    smtp_sink.down = False
    expected = 2 * EXPIRING + 1  # expiring in 30 days and continuing education short, each; the new one
    wait_for(lambda: len(smtp_sink.received()) >= expected, timeout=90, interval=0.2, logs=(worker,),
             what=lambda: f"{len(smtp_sink.received())} of {expected} reminders sent")  # fmt: skip
    time.sleep(4)  # a duplicate would come now

    received = smtp_sink.received()
    assert len(received) == expected and max(collections.Counter(received).values()) == 1
    assert sorted(to for to, _ in received) == sorted([c.trainee.email for c in expiring] * 2 + [issued.trainee.email])
    assert ReminderSent.objects.count() == expected
    # The waits between one task's tries grow (back-off), for the daily run and the single e-mail alike.
    for task, recipients in tasks.items():
        starts = rounds(smtp_sink.refused_at(recipients))
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        print(f"\nsmtp drill, {task}: refused rounds at +{[round(s - starts[0], 1) for s in starts]} s")
        assert gaps[0] >= 0.8 and gaps[2] > gaps[0] and starts[3] - starts[0] >= 5, (task, gaps)
