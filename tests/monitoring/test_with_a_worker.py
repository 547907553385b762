"""/readyz and /metrics against a real worker process and broker (Redis in CI)."""

import os
import signal
import time

import pytest
from django.test import Client

from accounts.tasks import ping
from tests.conftest import celery_worker_process, wait_until

from .test_monitoring import sample

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_ready_with_a_worker_then_not_when_it_stops_and_the_worker_counts_its_tasks(settings, tmp_path):
    settings.READYZ_TIMEOUT_SECONDS = 2
    settings.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)
    operator = Client()
    with celery_worker_process(extra_env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}) as worker:
        assert wait_until(lambda: operator.get("/readyz").status_code == 200, timeout=60)
        checks = operator.get("/readyz").json()["checks"]
        assert all(check["ok"] for check in checks.values()), checks

        # The worker's own process writes how many tasks it ran and how long they took.
        for n in range(2):
            ping.delay(str(n))

        def runs() -> float | None:
            body = operator.get("/metrics").content.decode()
            return sample(body, "bcm_celery_tasks_total", task="accounts.tasks.ping", outcome="SUCCESS")

        assert wait_until(lambda: (runs() or 0) >= 2, timeout=60)
        body = operator.get("/metrics").content.decode()
        timed = sample(body, "bcm_celery_task_duration_seconds_count", task="accounts.tasks.ping")
        assert timed == runs()
        assert sample(body, "bcm_celery_broker_up") == 1

        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
        started = time.monotonic()
        response = operator.get("/readyz")
        assert response.status_code == 503
        assert time.monotonic() - started < settings.READYZ_TIMEOUT_SECONDS * 4 + 5
        checks = response.json()["checks"]
        assert checks["worker"]["ok"] is False
        assert checks["database"]["ok"] and checks["broker"]["ok"] and checks["cache"]["ok"]

        # With nobody to take it off the queue, a task waits there, and the scrape counts it.
        ping.delay("waiting")
        body = operator.get("/metrics").content.decode()
        waiting = sample(body, "bcm_celery_queue_depth", queue="celery")
        assert waiting is not None and waiting >= 1
