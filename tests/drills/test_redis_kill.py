"""Drill: ``kill -9`` Redis while 1,000 trainees submit their attempts.

Every submission is saved and the trainee sees "grading pending", never an error page. Redis comes
back empty (what it held is lost); the beat sweep, driven by the database, enqueues what is missing
and all 1,000 are graded, none twice.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django_celery_beat.models import PeriodicTask

from exams.models import Attempt, CourseResult

from . import world
from .conftest import wait_for

pytestmark = [pytest.mark.drill, pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ATTEMPTS = 1000
KILL_AT, RESTART_AT = 300, 600  # Redis is dead while these submissions are made
SWEEP_AFTER = 20
RECOVERY = 40  # submissions the web process may still fail to enqueue after the restart


def test_submissions_survive_a_redis_kill_and_the_sweep_grades_the_rest(
    celery_processes, drill_broker, smtp_sink, caplog
):
    w = world.build(ATTEMPTS)
    # The grading sweep of config/beat.py, run every few seconds for the drill (production: every minute).
    sweep = PeriodicTask.objects.get(task="exams.tasks.sweep_grading")
    PeriodicTask.objects.exclude(pk=sweep.pk).update(enabled=False)
    env = {"EXAM_GRADING_SWEEP_AFTER_SECONDS": SWEEP_AFTER, "EXAM_GRADING_SWEEP_EVERY_SECONDS": 5,
           "CELERY_VISIBILITY_TIMEOUT": 300}  # fmt: skip
    worker = celery_processes("worker", queues="celery", concurrency=4, **env)
    beat = celery_processes("beat", **env)

    lock = threading.Lock()
    submitted = 0
    outage = {"start": None, "end": None}
    pages: dict[int, tuple[int, int, bool]] = {}  # attempt -> (submit status, result status, pending shown)
    order: dict[int, int] = {}  # attempt -> its place among the submissions

    def submit(user, attempt) -> None:
        nonlocal submitted
        with lock:
            submitted += 1
            n = submitted
            order[attempt.pk] = n
        if n == KILL_AT:
            drill_broker.kill()
            outage["start"] = time.monotonic()
        if n == RESTART_AT:
            drill_broker.start()
            outage["end"] = time.monotonic()
        try:
            client = Client()
            client.force_login(user)
            response = client.post(f"/en/exams/attempts/{attempt.pk}/submit/")
            page = client.get(response.headers.get("Location", "")) if response.status_code == 302 else response
            text = page.content.decode()
            pages[attempt.pk] = (response.status_code, page.status_code,
                                 'data-state="grading-pending"' in text or 'id="result-summary"' in text)  # fmt: skip
        finally:
            connection.close()

    caplog.set_level(logging.WARNING, logger="core.tasks")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(submit, w.users, w.attempts))
    submitting = time.monotonic() - started

    assert outage["start"] and outage["end"]
    # Every submission saved, every trainee on the result page, none on an error page.
    assert Attempt.objects.filter(paper=w.paper, state="open").count() == 0
    statuses = collections.Counter((s, p, shown) for s, p, shown in pages.values())
    assert statuses == {(302, 200, True): ATTEMPTS}, statuses
    refused = [order[r.args[1][0]] for r in caplog.records if "Could not enqueue" in r.getMessage()]
    lost = len(refused)
    assert lost >= RESTART_AT - KILL_AT - 10, "the outage should have refused those enqueues"
    # Once Redis is back the web process enqueues again, without a restart of its own.
    assert [n for n in refused if n > RESTART_AT + RECOVERY] == []

    graded = CourseResult.objects.filter(attempt__paper=w.paper)
    unmailed = graded.filter(mailed_at__isnull=True)
    took = wait_for(lambda: graded.count() == ATTEMPTS and not unmailed.exists(), timeout=300, interval=1,
                    what=lambda: f"graded {graded.count()} of {ATTEMPTS}, {unmailed.count()} not mailed",
                    logs=(worker, beat))  # fmt: skip
    time.sleep(3)  # a duplicate would come now
    assert graded.count() == ATTEMPTS == len(set(graded.values_list("attempt_id", flat=True)))
    assert Attempt.objects.filter(paper=w.paper, state="graded").count() == ATTEMPTS
    # The worker rode out the outage itself (config/broker.py); nobody restarted it.
    assert worker.process.poll() is None and beat.process.poll() is None
    mails = collections.Counter(to for to, _subject in smtp_sink.received())
    assert sorted(mails) == sorted(u.email for u in w.users) and set(mails.values()) == {1}
    print(
        f"\nredis-kill drill: {ATTEMPTS} submitted in {submitting:.0f} s, Redis dead for "
        f"{outage['end'] - outage['start']:.1f} s ({lost} enqueues refused, nobody saw an error); all graded "
        f"and mailed once {took:.0f} s later"
    )
