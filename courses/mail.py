"""E-mails of training delivery, in the trainee's preferred language (sent from ``tasks``)."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerError

from core.mail import send_templated_mail

from .models import Enrolment

log = logging.getLogger(__name__)

# A decision not mailed this long after it was made was lost (a broker outage, a mail server that
# kept refusing); older than the window it is left alone (decisions from before the mail existed).
DECISION_MAIL_SWEEP_AFTER = datetime.timedelta(minutes=10)
DECISION_MAIL_SWEEP_WINDOW = datetime.timedelta(days=7)


def portal_links(enrolment: Enrolment, language: str) -> dict[str, str]:
    """The portal's pages a mail about ``enrolment`` points to, absolute (``SITE_URL``), in ``language``:
    the enrolment's card on the dashboard, and the open cohorts."""
    site = settings.SITE_URL.rstrip("/")
    with translation.override(language):
        return {
            "dashboard_url": f"{site}{reverse('training:dashboard')}#enrolment-{enrolment.pk}",
            "cohorts_url": f"{site}{reverse('training:cohorts')}",
        }


def _mailed_enrolments() -> QuerySet[Enrolment]:
    """Enrolments with what their mails name: the trainee, the cohort's institution, the tier and track."""
    return Enrolment.objects.select_related("trainee", "cohort__institution", "curriculum__tier", "curriculum__track")


def send_enrolment_received(*, enrolment_id: int) -> bool:
    """Mail the trainee that their application was received (``services.do_apply``); nothing once the
    institution decided or the trainee withdrew (the decision mail says more). Returns whether a mail went out."""
    enrolment = _mailed_enrolments().filter(pk=enrolment_id, state=Enrolment.State.PENDING).first()
    if enrolment is None:
        return False
    trainee = enrolment.trainee
    language = trainee.preferred_language
    send_templated_mail(
        "courses/email/enrolment_received",
        to=trainee.email,
        language=language,
        context={"enrolment": enrolment, "trainee": trainee, **portal_links(enrolment, language)},
    )
    return True


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
    enrolment = _mailed_enrolments().get(pk=enrolment_id)
    trainee = enrolment.trainee
    language = trainee.preferred_language
    send_templated_mail(
        "courses/email/enrolment_decision",
        to=trainee.email,
        language=language,
        context={
            "enrolment": enrolment,
            "trainee": trainee,
            "approved": enrolment.state != Enrolment.State.REJECTED,
            **portal_links(enrolment, language),
        },
    )
    return True


def do_sweep_decision_mails(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Beat: enqueue again the decision mails that were lost; the number enqueued (the task claims
    ``decision_mailed_at``, so a mail already on its way is not sent twice)."""
    from .tasks import send_enrolment_decision_email

    now = now or timezone.now()
    lost = Enrolment.objects.filter(
        state__in=Enrolment.DECIDED_STATES,
        decision_mailed_at__isnull=True,
        decided_at__lte=now - DECISION_MAIL_SWEEP_AFTER,
        decided_at__gte=now - DECISION_MAIL_SWEEP_WINDOW,
    ).order_by("decided_at")
    count = 0
    try:
        for enrolment_id in lost.values_list("pk", flat=True)[:limit]:
            send_enrolment_decision_email.delay(enrolment_id)
            count += 1
    except (BrokerError, OSError, RuntimeError) as exc:
        log.warning("The decision mail sweep stopped, the broker is unreachable: %r", exc)
    return count
