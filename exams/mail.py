"""The result e-mail, in the trainee's preferred language (sent from ``tasks``)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.links import site_url
from core.mail import send_templated_mail

from . import selectors
from .models import CourseResult
from .services import grading, next_step


@transaction.atomic
def send_result(*, result_id: int) -> bool:
    """Mail a published result once: the claim and the send share one transaction.

    The mail says what comes next as the result page does (``services.next_step``, in the trainee's language) and
    links to the result page and to where the next step is taken, each link starting with ``SITE_URL``."""
    claimed = CourseResult.objects.filter(pk=result_id, published_at__isnull=False, mailed_at__isnull=True).update(
        mailed_at=timezone.now()
    )
    if not claimed:
        return False
    result = CourseResult.objects.select_related("trainee", "course", "attempt").get(pk=result_id)
    trainee = result.trainee
    items = list(selectors.attempt_items(result.attempt_id))
    site = site_url()
    with translation.override(trainee.preferred_language):  # the rule's words, the date and the links in it
        step = next_step.after_result(attempt_id=result.attempt_id, passed=bool(result.passed))
        links = {
            "result_url": site + reverse("exams:result", args=[result.attempt_id]),
            "my_exams_url": site + reverse("exams:home"),
            "certificates_url": site + reverse("certification:mine"),
        }
    send_templated_mail(
        "exams/email/result",
        to=trainee.email,
        language=trainee.preferred_language,
        context={
            "result": result,
            "trainee": trainee,
            "percent": grading.shown_percent(result.percent) if result.percent is not None else None,
            "breakdown": selectors.breakdown_by_area(items),
            "next_step": step,
            **links,
        },
    )
    return True
