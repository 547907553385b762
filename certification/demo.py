"""Demo certification (idempotent): trainee06's assistant certificate from their completed
assistant training at inst-a, with 8 hours of continuing education.

The demo has no exam results for that earlier training, so the certificate is written here
rather than earned through ``services.do_issue_certificate``; every later change goes through
the services as usual.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from courses.models import Enrolment

from . import services, status_list
from .models import Certificate, CertificateStatusChange, ContinuingEducation


@transaction.atomic
def load() -> None:
    trainee = User.objects.filter(email="trainee06@demo.test").first()
    if trainee is None:
        return
    enrolment = (
        Enrolment.objects.filter(trainee=trainee, state=Enrolment.State.COMPLETED, curriculum__tier__code="assistant")
        .select_related("cohort__institution", "curriculum__tier", "curriculum__track")
        .first()
    )
    if enrolment is None or Certificate.objects.filter(trainee=trainee, curriculum=enrolment.curriculum).exists():
        return
    today = timezone.localdate()
    issued_on = today - datetime.timedelta(days=50)
    certificate = Certificate.objects.create(
        number=services._next_number(enrolment.curriculum, issued_on.year),
        trainee=trainee,
        curriculum=enrolment.curriculum,
        tier=enrolment.curriculum.tier,
        track=enrolment.curriculum.track,
        institution=enrolment.cohort.institution,
        enrolment=enrolment,
        issued_on=issued_on,
        period_starts_on=issued_on,
        valid_until=issued_on + relativedelta(years=services.validity_years()),
        status_list_index=status_list.free_index(),
    )
    CertificateStatusChange.objects.create(certificate=certificate, old_status="", new_status="active", action="issue")
    ContinuingEducation.objects.create(
        trainee=trainee,
        institution=enrolment.cohort.institution,
        title="洗錢防制法規更新研討會",
        completed_on=today - datetime.timedelta(days=10),
        hours=8,
        status=ContinuingEducation.Status.CONFIRMED,
        decided_at=timezone.now(),
    )
