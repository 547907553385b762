from celery import shared_task


@shared_task
def check_certification(trainee_id: int) -> list[int]:
    """Issue what the trainee has earned; safe to run any number of times."""
    from . import services

    return [c.pk for c in services.do_check_certification(trainee_id=trainee_id)]


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


@shared_task
def send_certificate_issued_reminder(certificate_id: int) -> bool:
    from . import reminders

    return reminders.send_certificate_issued(certificate_id=certificate_id)


@shared_task
def send_result_published_reminder(result_id: int) -> bool:
    from . import reminders

    return reminders.send_result_published(result_id=result_id)


@shared_task
def send_daily_reminders() -> dict[str, int]:
    """Beat: every scheduled reminder kind; each mails a person at most once per object."""
    from . import reminders

    return reminders.send_daily()
