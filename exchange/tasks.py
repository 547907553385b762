from celery import shared_task

from core.tasks import MAIL_RETRY

from . import digest


@shared_task
def send_digests() -> int:
    """Beat, hourly: enqueue a digest for each person with new posts in their cohorts' discussions."""
    return digest.do_enqueue_digests()


@shared_task(**MAIL_RETRY)
def send_exchange_digest(user_id: int) -> int:
    """One person's digest of the posts new to them; each post is mailed to them once (``PostNotification``)."""
    return digest.send_digest(user_id=user_id)
