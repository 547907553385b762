"""Demo certification (idempotent): the certificates trainee06 and trainee08 earned, each from their
completed assistant training and the exams they passed in it (``exams.demo.pass_the_exams``), issued by
``services.do_check_certification`` as the receiver of a published result would; trainee06's with 8 hours
of continuing education; and four continuing-education courses at inst-a and inst-b, one of them attended
by trainee06 (6 more confirmed hours).

Without those exams (the courses demo loaded without them) nothing is earned and no certificate is made.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from accounts.models import Institution, User
from exams.selectors import published_results

from . import services
from .models import CECourse, CEEnrolment, Certificate, ContinuingEducation

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
    _certificates()
    _ce_courses()


#: The demo's trainees whose training earned a certificate in the portal (``courses.demo``: a completed assistant
#: training, with its exams).
EARNERS = ("trainee06@demo.test", "trainee08@demo.test")


@transaction.atomic
def _certificates() -> None:
    today = timezone.localdate()
    for trainee in User.objects.filter(email__in=EARNERS).order_by("email"):
        # What the receiver of their published results does (and may have done already, after the courses demo
        # committed): idempotent.
        services.do_check_certification(trainee_id=trainee.pk)
        for certificate in Certificate.objects.filter(trainee=trainee, issued_on=today).select_related("curriculum"):
            _dated_when_earned(certificate)
    # trainee06's continuing education reported before the portal's courses (_ce_courses), at their certificate's
    # institution.
    certificate = (
        Certificate.objects.filter(trainee__email="trainee06@demo.test", status=Certificate.Status.ACTIVE)
        .select_related("trainee")
        .order_by("pk")
        .first()
    )
    if certificate is None:
        return
    holder = certificate.trainee
    ContinuingEducation.objects.get_or_create(
        trainee=holder,
        title="洗錢防制法規更新研討會",
        defaults={
            "institution_id": certificate.institution_id,
            "completed_on": today - datetime.timedelta(days=10),
            "hours": 8,
            "status": ContinuingEducation.Status.CONFIRMED,
            "decided_at": timezone.now(),
        },
    )


def _dated_when_earned(certificate: Certificate) -> None:
    """Date a certificate issued today (here, or by the receiver of the results) on the day its last result was
    published. The service issues on the day it finds a certificate earned, which for the demo is the day it loads;
    the results were published at the end of a training the demo dates in the past (trainee06's, some 55 days ago),
    and a tester reads the certificate beside them. Its validity runs from then, and its number is of that year (a
    number of this year, drawn by the service, goes unused when the two differ)."""
    courses = certificate.curriculum.entries.values_list("course_id", flat=True)
    published = (
        published_results(certificate.trainee_id)
        .filter(course_id__in=courses, passed=True)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if published is None:
        return
    earned = timezone.localdate(published)
    if earned >= certificate.issued_on:
        return
    dates: dict[str, object] = {
        "issued_on": earned,
        "period_starts_on": earned,
        "valid_until": earned + relativedelta(years=services.validity_years()),
    }
    if earned.year != certificate.issued_on.year:
        dates["number"] = services._next_number(certificate.curriculum, earned.year)
    Certificate.objects.filter(pk=certificate.pk).update(**dates)
    for field, value in dates.items():
        setattr(certificate, field, value)


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
