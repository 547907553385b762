"""Webhook delivery: one attempt per run, retried with exponential back-off; and the beat sweep.

The names are those the tasks had as accounts.api's (before issue 16): queued messages, the
``webhooks`` queue's route (settings.CELERY_TASK_ROUTES) and the beat schedule name them.
"""

from celery import shared_task

from .webhooks import deliveries, sweep


@shared_task(name="accounts.api.tasks.deliver_webhook", bind=True, max_retries=None, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> None:
    wait = deliveries.attempt_delivery(delivery_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task(name="accounts.api.tasks.sweep_webhook_deliveries")
def sweep_webhook_deliveries() -> int:
    """Beat, every minute: enqueue again the pending deliveries whose queued attempt was lost."""
    return sweep.do_sweep_deliveries()
