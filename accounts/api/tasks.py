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


# The HR API's mails to a person (accounts.api.services): retried while the mail server is away;
# a second run sends a second mail with a fresh link, never a wrong one.
EMPLOYMENT_MAIL_RETRY = {"autoretry_for": (OSError,), "retry_backoff": True, "retry_backoff_max": 600, "max_retries": 8}


@shared_task(**EMPLOYMENT_MAIL_RETRY)
def send_employment_request_email(profile_id: int, site_url: str) -> bool:
    from .services import send_employment_request_mail

    return send_employment_request_mail(profile_id=profile_id, site_url=site_url)


@shared_task(**EMPLOYMENT_MAIL_RETRY)
def send_email_change_request_email(profile_id: int, site_url: str) -> bool:
    from .services import send_email_change_request_mail

    return send_email_change_request_mail(profile_id=profile_id, site_url=site_url)


@shared_task(**EMPLOYMENT_MAIL_RETRY)
def send_new_email_verification_email(profile_id: int, site_url: str) -> bool:
    from .services import send_new_email_verification_mail

    return send_new_email_verification_mail(profile_id=profile_id, site_url=site_url)
