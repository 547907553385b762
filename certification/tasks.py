from collections.abc import Callable
from typing import Any

from celery import shared_task


def _mail_or_retry(task: Any, send: Callable[[], bool]) -> bool:
    """``send()``; a mail server that refuses or is down (``OSError``) retries ``task`` with the reminders'
    back-off (``reminders.retry_countdown``)."""
    from . import reminders

    try:
        return send()
    except OSError as exc:
        raise task.retry(exc=exc, countdown=reminders.retry_countdown(task.request.retries)) from exc


@shared_task
def check_certification(trainee_id: int) -> list[int]:
    """Issue what the trainee has earned; safe to run any number of times."""
    from . import services

    return [c.pk for c in services.do_check_certification(trainee_id=trainee_id)]


@shared_task
def sweep_follow_ups() -> dict[str, int]:
    """Beat, every five minutes: enqueue again the checks, issued mails and announcements that were lost."""
    from . import services

    return services.do_sweep_follow_ups()


@shared_task
def announce_certificate_issued(certificate_id: int) -> bool:
    """Announce ``certificate_issued`` when the issuing process lost it; once (the claim says so)."""
    from . import services

    return services.do_announce_issued(certificate_id=certificate_id)


@shared_task
def render_certificate_pdf(certificate_id: int) -> str:
    """Render (or find cached) the PDF of the certificate's current status."""
    from . import pdf
    from .models import Certificate

    return str(pdf.ensure_pdf(Certificate.objects.get(pk=certificate_id)))


@shared_task
def expire_lapsed_certificates() -> int:
    from . import services

    return services.do_expire_lapsed()


@shared_task(bind=True, max_retries=8)
def send_certificate_issued_reminder(self, certificate_id: int) -> bool:
    """Once per certificate; a mail server that refuses or is down is retried with back-off."""
    from . import reminders

    return _mail_or_retry(self, lambda: reminders.send_certificate_issued(certificate_id=certificate_id))


@shared_task(bind=True, max_retries=8)
def send_daily_reminders(self, today: str | None = None) -> dict[str, int]:
    """Beat: every scheduled reminder kind; each mails a person at most once per object.

    When the mail server refused some, the whole run is retried with back-off for the same day
    (the ones sent hold their claim and are skipped).
    """
    import datetime

    from django.utils import timezone

    from . import reminders

    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    counts = reminders.send_daily(day)
    if counts["failed"]:
        raise self.retry(args=[day.isoformat()], countdown=reminders.retry_countdown(self.request.retries))
    return counts


@shared_task(bind=True, max_retries=8)
def send_ce_enrolment_confirmation(self, enrolment_id: int) -> bool:
    """The continuing-education enrolment confirmation, once (the enrolment holds the claim)."""
    from . import services

    return _mail_or_retry(self, lambda: services.do_send_ce_confirmation(enrolment_id=enrolment_id))
