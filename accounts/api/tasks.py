"""Webhook delivery: one attempt per run, retried with exponential back-off."""

from celery import shared_task

from . import webhooks


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> None:
    wait = webhooks.attempt_delivery(delivery_id)
    if wait is not None:
        raise self.retry(countdown=wait)


@shared_task
def sweep_webhook_deliveries() -> int:
    """Beat, every minute: enqueue again the pending deliveries whose queued attempt was lost."""
    return webhooks.do_sweep_deliveries()
