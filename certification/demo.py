"""Demo certification (idempotent): trainee06's assistant certificate from their completed
assistant training at inst-a, with 8 hours of continuing education; and four continuing-education
courses at inst-a and inst-b, one of them attended by trainee06 (6 more confirmed hours).

The demo has no exam results for that earlier training, so the certificate is written here
rather than earned through ``services.do_issue_certificate``; every later change goes through
the services as usual.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, User
from courses.models import Enrolment

from . import services, status_list
from .models import CECourse, CEEnrolment, Certificate, CertificateStatusChange, ContinuingEducation

# (institution, title zh-Hant, title English, hours, mode, place zh, place en, starts in days, days, seats)
CE_COURSES = [
    ("inst-a", "銀行客戶經理商務往來及營銷禮儀", "Business etiquette and marketing manners for bank customer managers",
     "6", "face_to_face", "臺北金融研訓中心 301 教室", "Taipei Banking Training Centre, room 301", 21, 1, 30),
    ("inst-a", "銀行大客戶營銷技巧", "Marketing to a bank's key accounts",
     "12", "face_to_face", "臺北金融研訓中心 302 教室", "Taipei Banking Training Centre, room 302", 35, 2, 24),
    ("inst-b", "國際業務及貿易融資的市場營銷", "Marketing international business and trade finance",
     "8", "live_remote", "", "", 28, 2, 60),
    # Held already: trainee06 attended it (below).
    ("inst-b", "銀行客戶經理業務風險防範", "Risk prevention in a customer manager's work",
     "6", "live_remote", "", "", -20, 1, 60),
]  # fmt: skip
CE_DESCRIPTION = {
    "zh": "後續教育課程：出席時數由機構登錄後，即計入證書換證所需的後續教育時數。",
    "en": "Continuing education: once the institution records your attendance, the hours count toward renewal.",
}


def load() -> None:
    _certificate()
    _ce_courses()


@transaction.atomic
def _certificate() -> None:
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


@transaction.atomic
def _ce_courses() -> None:
    """The four courses, published through the services; trainee06 enrolled in the one held and
    attended it (recorded by inst-b's admin, so the hours are confirmed)."""
    institutions = {i.code: i for i in Institution.objects.filter(code__in=["inst-a", "inst-b"])}
    if len(institutions) < 2:
        return
    today = timezone.localdate()
    held = None
    for code, title_zh, title_en, hours, mode, place_zh, place_en, starts_in, days, seats in CE_COURSES:
        starts_on = today + datetime.timedelta(days=starts_in)
        course, created = CECourse.objects.get_or_create(
            institution=institutions[code],
            title_zh=title_zh,
            defaults={
                "title_en": title_en, "description_zh": CE_DESCRIPTION["zh"], "description_en": CE_DESCRIPTION["en"],
                "hours": Decimal(hours), "mode": mode, "place_zh": place_zh, "place_en": place_en,
                "starts_on": starts_on, "ends_on": starts_on + datetime.timedelta(days=days - 1), "capacity": seats,
            },
        )  # fmt: skip
        if created:
            # Published (and, for the one held, enrolled in) before it started.
            services.do_publish_ce_course(course=course, today=min(today, starts_on - datetime.timedelta(days=10)))
        if starts_in < 0:
            held = course
    holder = User.objects.filter(email="trainee06@demo.test").first()
    if held is None or holder is None or CEEnrolment.objects.filter(holder=holder, course=held).exists():
        return
    if not Certificate.objects.filter(trainee=holder, status=Certificate.Status.ACTIVE).exists():
        return
    enrolment = services.do_enrol_ce(holder=holder, course=held, today=held.starts_on - datetime.timedelta(days=5))
    recorder = User.objects.filter(email="admin@inst-b.demo.test").first()
    services.do_record_ce_attendance(enrolment=enrolment, hours=held.hours, by=recorder)
