"""The result e-mail, in the trainee's preferred language (sent from ``tasks``)."""

from django.db import transaction
from django.utils import timezone

from core.mail import send_templated_mail

from . import selectors
from .models import CourseResult
from .services import grading


@transaction.atomic
def send_result(*, result_id: int) -> bool:
    """Mail a published result once: the claim and the send share one transaction."""
    claimed = CourseResult.objects.filter(pk=result_id, published_at__isnull=False, mailed_at__isnull=True).update(
        mailed_at=timezone.now()
    )
    if not claimed:
        return False
    result = CourseResult.objects.select_related("trainee", "course", "attempt").get(pk=result_id)
    trainee = result.trainee
    items = list(selectors.attempt_items(result.attempt_id))
    send_templated_mail(
        "exams/email/result",
        to=trainee.email,
        language=trainee.preferred_language,
        context={
            "result": result,
            "trainee": trainee,
            "percent": grading.shown_percent(result.percent) if result.percent is not None else None,
            "breakdown": selectors.breakdown_by_area(items),
        },
    )
    return True
