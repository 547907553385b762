from celery import shared_task

from . import mail


@shared_task
def ping(value: str) -> str:
    """A task that does nothing but answer: the health check of the queue, and the task floor."""
    return value


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def send_account_email(to: str, subject: str, text: str, html: str) -> None:
    """Account mail (verification, password reset) rendered by the request that asked for it.

    Retries with back-off while the mail server is unreachable.
    """
    mail.send_rendered(to=to, subject=subject, text=text, html=html)
