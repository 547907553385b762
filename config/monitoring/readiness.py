"""The checks of ``/readyz``, each bounded in time so that the probe answers even when a part hangs.

A check returns nothing when the part answers and raises when it does not; ``run_checks`` turns that
into one line per part with its time, never the exception's text (it may name a host or a password).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.celery_app import app as celery_app

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    milliseconds: float


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def check_broker() -> None:
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=settings.READYZ_TIMEOUT_SECONDS)


def check_worker() -> None:
    """A worker answers Celery's ``ping`` control message within the time limit.

    A broadcast over the broker, not a task whose result is read: the probe leaves nothing on a queue
    and opens no result-store subscription, and a worker busy grading still answers (grading lag is
    its own metric).
    """
    answers = celery_app.control.ping(timeout=settings.READYZ_TIMEOUT_SECONDS)
    if not answers:
        raise RuntimeError("no worker answered")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
}


def run_checks() -> list[CheckResult]:
    results = []
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            ok = True
        except Exception:
            logger.warning("readiness check %s failed", name, exc_info=True)
            ok = False
        results.append(CheckResult(name, ok, round((time.perf_counter() - started) * 1000, 1)))
    return results
