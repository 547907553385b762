"""The task floor: a task that does nothing, run by the same worker as grading."""

from celery import shared_task


@shared_task
def noop() -> None:
    return None
