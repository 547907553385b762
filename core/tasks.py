"""Enqueuing work after commit, in a way a broker outage cannot lose; how a mail task retries."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)

#: The options of a task that sends mail (``@shared_task(**MAIL_RETRY)``): it retries with back-off while
#: the mail server is unreachable (an ``OSError``), so it must be safe to run again (each says why).
MAIL_RETRY: dict[str, Any] = {
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 8,
}


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` once the current transaction commits (at once outside one).

    The contract with the caller: the rows it committed already say what is owed (an attempt still
    ``submitted``, a delivery still ``pending``, a result not yet mailed), and a beat sweep enqueues
    it again from those rows. So a broker outage is logged, never raised to the user who made the
    change, and the task must be idempotent (it may run twice). Under eager Celery (unit tests) a
    failing task fails the test.
    """

    def send() -> None:
        if task.app.conf.task_always_eager:
            task.delay(*args, **kwargs)
            return
        try:
            task.delay(*args, **kwargs)
        except Exception as exc:
            log.warning("Could not enqueue %s%r (the sweeper will): %r", task.name, args, exc)

    transaction.on_commit(send)
