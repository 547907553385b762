"""E-mails of training delivery, in the trainee's preferred language (sent from ``tasks``)."""

import datetime
import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from core import owed_mail
from core.links import site_url
from core.mail import send_templated_mail
from core.tasks import enqueue_each

from . import selectors
from .models import Cohort, Enrolment, OwedReceipt

log = logging.getLogger(__name__)

# A decision not mailed this long after it was made was lost (a broker outage, a mail server that
# kept refusing); older than the window it is left alone (decisions from before the mail existed).
DECISION_MAIL_SWEEP_AFTER = datetime.timedelta(minutes=10)
DECISION_MAIL_SWEEP_WINDOW = datetime.timedelta(days=7)
# An "application received" mail still owed this long after the enrolment was lost (a broker outage, a mail server
# that kept refusing): the sweep enqueues it again; sooner, the on-commit enqueue may still be on its way. Owed
# longer than the window, the sweep gives it up, logged (an address the mail server refuses for good is not tried
# forever; the dashboard shows the application all the same).


#: The enrolments whose decision mail is due once: the institution decided (approved or rejected) and nothing came
#: after, or it withdrew the enrolment, giving its reason (``services.do_withdraw_enrolment_by_institution``; a
#: trainee's own withdrawal and their employer's give none and are not mailed).
DECISION_DUE = Q(state__in=Enrolment.DECIDED_STATES) | (Q(state=Enrolment.State.WITHDRAWN) & ~Q(withdrawal_reason=""))


def portal_links(enrolment: Enrolment, language: str) -> dict[str, str]:
    """The portal's pages a mail about ``enrolment`` points to, absolute (``SITE_URL``), in ``language``:
    the enrolment's card on the dashboard, and the open cohorts."""
    site = site_url()
    with translation.override(language):
        return {
            "dashboard_url": f"{site}{reverse('training:dashboard')}#enrolment-{enrolment.pk}",
            "cohorts_url": f"{site}{reverse('training:cohorts')}",
        }


def _mailed_enrolments() -> QuerySet[Enrolment]:
    """Enrolments with what their mails name: the trainee, the cohort's institution, the tier and track."""
    return Enrolment.objects.select_related("trainee", "cohort__institution", "curriculum__tier", "curriculum__track")


def _receipt_is_moot(enrolment: Enrolment) -> bool:
    """The "application received" mail would say nothing true or reach nobody: the institution decided or the
    trainee withdrew (the decision mail says more), the account was deactivated, or its address is under
    ``.invalid`` (a stand-in's, a placeholder)."""
    trainee = enrolment.trainee
    return enrolment.state != Enrolment.State.PENDING or not trainee.is_active or trainee.email.endswith(".invalid")


@transaction.atomic
def send_enrolment_received(*, enrolment_id: int) -> bool:
    """Mail the trainee the "application received" mail their enrolment is owed (``services.do_apply``, or
    ``services.do_enrol`` for an employer's HR system, whose name the mail gives as the one who applied on their
    behalf), in their language, with a link to their dashboard. Returns whether a mail went out.

    Once: the :class:`OwedReceipt` row is claimed (``core.owed_mail.claim``) and the mail sent in one transaction;
    only a worker lost between the mail server's acceptance and the commit mails twice. A receipt that became moot
    (:func:`_receipt_is_moot`) is cleared without a mail."""
    owed = owed_mail.claim(OwedReceipt.objects.select_related("employer").filter(enrolment_id=enrolment_id))
    if owed is None:
        return False
    enrolment = _mailed_enrolments().filter(pk=enrolment_id).first()
    if enrolment is None or _receipt_is_moot(enrolment):
        return False
    trainee = enrolment.trainee
    language = trainee.preferred_language
    send_templated_mail(
        "courses/email/enrolment_received",
        to=trainee.email,
        language=language,
        context={
            "enrolment": enrolment,
            "trainee": trainee,
            "employer": owed.employer,
            **portal_links(enrolment, language),
        },
    )
    return True


@transaction.atomic
def send_enrolment_decision(*, enrolment_id: int) -> bool:
    """Mail the approval, the rejection or the institution's withdrawal (:data:`DECISION_DUE`) once: the claim and
    the send share one transaction. The mail tells the enrolment's state when it is sent.

    The conditional update claims the mail; if sending raises, the claim rolls back and a retry
    may send. Returns whether a mail went out.
    """
    claimed = (
        Enrolment.objects.filter(pk=enrolment_id, decision_mailed_at__isnull=True)
        .filter(DECISION_DUE)
        .update(decision_mailed_at=timezone.now())
    )
    if not claimed:
        return False
    enrolment = _mailed_enrolments().get(pk=enrolment_id)
    trainee = enrolment.trainee
    language = trainee.preferred_language
    withdrawn = enrolment.state == Enrolment.State.WITHDRAWN
    approved = enrolment.state != Enrolment.State.REJECTED
    send_templated_mail(
        "courses/email/enrolment_withdrawn" if withdrawn else "courses/email/enrolment_decision",
        to=trainee.email,
        language=language,
        context={
            "enrolment": enrolment,
            "trainee": trainee,
            "approved": approved,
            **(training_under_way(enrolment.cohort) if approved and not withdrawn else {}),
            **portal_links(enrolment, language),
        },
    )
    return True


def training_under_way(cohort: Cohort, *, today: datetime.date | None = None) -> dict[str, object]:
    """What an approval mail says of the training's dates on the day it is sent (local date): ``started`` (its
    first day has passed: trainees approved late join it at its ``next_session``, ``None`` when none is planned yet)
    and ``ended`` (``Cohort.has_ended``: its last day has passed, or its institution finished it, early perhaps; the
    session form's list of cohorts applies the same rule). A training starting today is not started yet: it starts on
    that day, as the mail says of one to come."""
    today = today or timezone.localdate()
    started, ended = cohort.starts_on < today, cohort.has_ended(today)
    next_session = selectors.next_session_of_cohort(cohort.pk, today=today) if started and not ended else None
    return {"started": started, "ended": ended, "next_session": next_session}


def do_sweep_decision_mails(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Beat: enqueue again the decision mails (withdrawals by the institution too) that were lost; the number
    enqueued (the task claims ``decision_mailed_at``, so a mail already on its way is not sent twice)."""
    from .tasks import send_enrolment_decision_email

    now = now or timezone.now()
    since, until = now - DECISION_MAIL_SWEEP_WINDOW, now - DECISION_MAIL_SWEEP_AFTER
    decided = Q(state__in=Enrolment.DECIDED_STATES, decided_at__lte=until, decided_at__gte=since)
    withdrawn = Q(state=Enrolment.State.WITHDRAWN, withdrawn_at__lte=until, withdrawn_at__gte=since)
    withdrawn &= ~Q(withdrawal_reason="")
    lost = Enrolment.objects.filter(decided | withdrawn, decision_mailed_at__isnull=True).order_by("updated_at", "pk")
    return enqueue_each(
        send_enrolment_decision_email,
        lost.values_list("pk", flat=True)[:limit],
        sweep="decision mail sweep",
        logger=log,
    )


def do_sweep_owed_receipts(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Beat: enqueue again the "application received" mails still owed :data:`core.owed_mail.SWEEP_AFTER` after the
    enrolment (their on-commit enqueue lost to a broker outage, or a mail server that kept refusing); the number
    enqueued. Idempotent: the task claims the row, so a mail already on its way is not sent twice. One owed longer
    than :data:`core.owed_mail.GIVE_UP_AFTER` is given up (deleted, logged)."""
    from .tasks import send_enrolment_received_email

    sweep = "application receipt sweep"
    owed = owed_mail.due(OwedReceipt, now=now or timezone.now(), sweep=sweep, logger=log)
    receipts = owed.values_list("enrolment_id", flat=True)[:limit]
    return enqueue_each(send_enrolment_received_email, receipts, sweep=sweep, logger=log)
