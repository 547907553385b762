from celery import shared_task


@shared_task
def ping(value: str) -> str:
    """A task that does nothing but answer: the health check of the queue, and the task floor."""
    return value
