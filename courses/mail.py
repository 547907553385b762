"""E-mails of training delivery, in the trainee's preferred language (sent from ``tasks``)."""

from django.db import transaction
from django.utils import timezone

from core.mail import send_templated_mail

from .models import Enrolment


@transaction.atomic
def send_enrolment_decision(*, enrolment_id: int) -> bool:
    """Mail the approval or rejection once: the claim and the send share one transaction.

    The conditional update claims the mail; if sending raises, the claim rolls back and a retry
    may send. Returns whether a mail went out.
    """
    claimed = Enrolment.objects.filter(
        pk=enrolment_id,
        decision_mailed_at__isnull=True,
        state__in=Enrolment.DECIDED_STATES,
    ).update(decision_mailed_at=timezone.now())
    if not claimed:
        return False
    enrolment = Enrolment.objects.select_related(
        "trainee", "cohort__institution", "curriculum__tier", "curriculum__track"
    ).get(pk=enrolment_id)
    trainee = enrolment.trainee
    send_templated_mail(
        "courses/email/enrolment_decision",
        to=trainee.email,
        language=trainee.preferred_language,
        context={"enrolment": enrolment, "trainee": trainee, "approved": enrolment.state != Enrolment.State.REJECTED},
    )
    return True
