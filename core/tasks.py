"""Enqueuing work after commit, in a way a broker outage cannot lose; a sweep's enqueuing again; how a mail task
retries."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

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


#: What ``delay`` raises while the broker is down: kombu's connection error, a refused or reset socket, and
#: Celery's own when it has no connection to give.
BROKER_DOWN = (BrokerError, OSError, RuntimeError)


@contextmanager
def stops_while_broker_down(sweep: str, logger: logging.Logger) -> Iterator[None]:
    """Around a beat sweep's enqueuing: a broker outage ends it quietly, with a line naming ``sweep`` in the sweep's
    own ``logger``. What it did not enqueue is still owed in the rows it read, so its next run finds it again."""
    try:
        yield
    except BROKER_DOWN as exc:
        logger.warning("The %s stopped, the broker is unreachable: %r", sweep, exc)


def enqueue_each(task: Any, first_arguments: Iterable[Any], *more: Any, sweep: str, logger: logging.Logger) -> int:
    """A sweep's enqueuing of ``task(first, *more)`` for each of ``first_arguments``, stopped by a broker outage
    (:func:`stops_while_broker_down`); the number enqueued."""
    count = 0
    with stops_while_broker_down(sweep, logger):
        for first in first_arguments:
            task.delay(first, *more)
            count += 1
    return count
