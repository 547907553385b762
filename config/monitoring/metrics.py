"""The Prometheus metrics (prometheus_client, the project's own client library).

Written by every process as it works: request time per view and method, responses per status, task
run time and outcome. With ``PROMETHEUS_MULTIPROC_DIR`` set (``Procfile``, ``Procfile.dev``) each
gunicorn and Celery process writes its own file there and ``/metrics`` adds them up, so one scrape
sees the whole machine; without it each process counts for itself (tests, ``manage.py shell``).

Read at scrape time, from the database and the broker: the depth of each Celery queue and the
grading lag (the age of the oldest submitted attempt the worker has not graded yet).

django-prometheus was the first choice but is not installable here; its middleware also updates
about fifteen series per request, and the request floor (issue 20) is what this portal is short of.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from kombu.exceptions import ChannelError
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

# An attacker chooses the method and the path: neither may mint a new series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNRESOLVED_VIEW = "<unresolved>"

REQUEST_SECONDS = Histogram(
    "bcm_http_request_duration_seconds",
    "Time from the first middleware to the response, per view (URL name) and method.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RESPONSES = Counter("bcm_http_responses", "Responses per view, method and status code.", ["view", "method", "status"])
TASK_SECONDS = Histogram(
    "bcm_celery_task_duration_seconds",
    "Run time of each Celery task, per task name.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0),
)
TASKS = Counter(
    "bcm_celery_tasks", "Celery task runs per task name and outcome (SUCCESS, FAILURE, RETRY).", ["task", "outcome"]
)


# The series of each (view, method, status) seen by this process: ``labels()`` checks and locks on
# every call, and these are on every request. Bounded as the series are (URL names, known methods,
# the status codes views answer with); a series, once made, lives as long as its metric.
_request_series: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(*, view: str, method: str, status: int, seconds: float) -> None:
    key = (view, method if method in KNOWN_METHODS else "OTHER", status)  # never the visitor's own method
    series = _request_series.get(key)
    if series is None:
        series = _request_series[key] = (
            REQUEST_SECONDS.labels(key[0], key[1]),
            RESPONSES.labels(key[0], key[1], str(status)),
        )
    series[0].observe(seconds)
    series[1].inc()


def observe_task(*, task: str, outcome: str, seconds: float | None) -> None:
    if seconds is not None:
        TASK_SECONDS.labels(task).observe(seconds)
    TASKS.labels(task, outcome or "UNKNOWN").inc()


class ScrapeTimeCollector(Collector):
    """The gauges that are read when Prometheus asks, not kept by any process."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from _queue_depths()
        yield from _grading_lag()


def _queue_depths() -> Iterator[GaugeMetricFamily]:
    from config.celery_app import app as celery_app

    up = GaugeMetricFamily("bcm_celery_broker_up", "1 when the broker answered this scrape.")
    depth = GaugeMetricFamily("bcm_celery_queue_depth", "Messages waiting in each Celery queue.", labels=["queue"])
    try:
        with celery_app.connection_for_read() as broker:
            broker.ensure_connection(max_retries=1, timeout=settings.READYZ_TIMEOUT_SECONDS)
            channel = broker.default_channel
            for queue in settings.MONITORED_QUEUES:
                depth.add_metric([queue], _waiting_in(channel, queue))
        up.add_metric([], 1)
    except Exception:
        logger.warning("the broker did not answer the metrics scrape", exc_info=True)
        up.add_metric([], 0)
    yield up
    yield depth


def _waiting_in(channel: Any, queue: str) -> int:
    try:
        return channel.queue_declare(queue=queue, passive=True).message_count
    except ChannelError:  # Redis keeps no empty list: a queue with nothing waiting "does not exist"
        return 0


def _grading_lag() -> Iterator[GaugeMetricFamily]:
    from exams.selectors import ungraded_submissions

    try:
        waiting = ungraded_submissions().aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    except DatabaseError:  # the rest of the scrape is what an operator needs most while the database is down
        logger.warning("the database did not answer the metrics scrape", exc_info=True)
        return
    lag = (timezone.now() - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0.0
    yield GaugeMetricFamily(
        "bcm_grading_lag_seconds", "Age of the oldest submitted attempt not graded yet (0: none waiting).", value=lag
    )
    yield GaugeMetricFamily(
        "bcm_grading_backlog", "Submitted attempts the worker has not graded yet.", value=waiting["count"]
    )


def exposition() -> bytes:
    """The text Prometheus scrapes: the processes' metrics, then the scrape-time gauges."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        processes = CollectorRegistry()
        MultiProcessCollector(processes, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        processes = REGISTRY
    scrape_time = CollectorRegistry()
    scrape_time.register(ScrapeTimeCollector())
    return generate_latest(processes) + generate_latest(scrape_time)
