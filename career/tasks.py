import datetime

from celery import shared_task


@shared_task
def sweep_compliance() -> dict[str, int]:
    """Beat: settle grades whose flag disagrees with their certificates; announce lost events."""
    from .services import register

    return register.do_sweep_compliance()


@shared_task(bind=True, max_retries=6)
def send_compliance_digests(self, day: str | None = None) -> dict[str, int]:
    """Beat, each morning: yesterday's compliance changes to each bank's HR staff (once per person and day).
    Refused mails are retried with back-off for the same day; the people already mailed hold their claim."""
    from django.utils import timezone

    from .services import register

    the_day = datetime.date.fromisoformat(day) if day else timezone.localdate() - datetime.timedelta(days=1)
    result = register.do_send_digests(day=the_day)
    if result["failed"]:
        raise self.retry(args=[the_day.isoformat()], countdown=300 * (2**self.request.retries))
    return result
