"""The result e-mail, in the trainee's preferred language (sent from ``tasks``)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import selectors
from .models import CourseResult


@transaction.atomic
def send_result(*, result_id: int) -> bool:
    """Mail a published result once: the claim and the send share one transaction."""
    from .services import breakdown_by_area

    claimed = CourseResult.objects.filter(pk=result_id, published_at__isnull=False, mailed_at__isnull=True).update(
        mailed_at=timezone.now()
    )
    if not claimed:
        return False
    result = CourseResult.objects.select_related("trainee", "course", "attempt").get(pk=result_id)
    trainee = result.trainee
    with translation.override(trainee.preferred_language):
        items = list(selectors.attempt_items(result.attempt_id))
        context = {"result": result, "trainee": trainee, "breakdown": breakdown_by_area(items)}
        subject = render_to_string("exams/email/result_subject.txt", context).strip()
        text = render_to_string("exams/email/result.txt", context)
        html = render_to_string("exams/email/result.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [trainee.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
