"""Reads of certification: eligibility, certificates, continuing-education hours."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, Sum

from accounts.models import User
from courses import selectors as course_selectors
from courses.models import Curriculum, Enrolment
from exams import selectors as exam_selectors

from .models import CECourse, CEEnrolment, Certificate, ContinuingEducation


def passed_course_ids(trainee_id: int) -> set[int]:
    """Courses the trainee has a passed exam in (at any tier: the exam subjects are national)."""
    return set(exam_selectors.passed_course_ids(trainee_id))


def current_certificate(*, trainee_id: int, curriculum_id: int) -> Certificate | None:
    return Certificate.objects.filter(
        trainee_id=trainee_id, curriculum_id=curriculum_id, status__in=Certificate.CURRENT_STATES
    ).first()


def curricula_in_progress(*, trainee_id: int) -> list[int]:
    """Curricula of the trainee's approved, in-training or completed enrolments."""
    return list(
        Enrolment.objects.filter(
            trainee_id=trainee_id,
            state__in=Enrolment.ADMITTED_STATES,
        )
        .values_list("curriculum_id", flat=True)
        .distinct()
    )


def qualifying_enrolment(*, trainee_id: int, curriculum: Curriculum) -> Enrolment | None:
    """The enrolment that earns ``curriculum``'s certificate, or None.

    Earned when every course of the curriculum has a passed exam and the hours the enrolment
    owes are attended (a completed enrolment counts as attended).
    """
    needed = set(curriculum.entries.values_list("course_id", flat=True))
    if not needed or not needed <= passed_course_ids(trainee_id):
        return None
    enrolments = list(
        Enrolment.objects.filter(
            trainee_id=trainee_id,
            curriculum=curriculum,
            state__in=Enrolment.ADMITTED_STATES,
        )
        .select_related("cohort__institution")
        .order_by("-state", "-pk")
    )
    for enrolment in enrolments:
        if enrolment.state == Enrolment.State.COMPLETED:
            return enrolment
    progress = course_selectors.progress_of_many(enrolments)
    for enrolment in enrolments:
        if progress[enrolment.pk].complete:
            return enrolment
    return None


def ce_hours(*, trainee_id: int, start: datetime.date, end: datetime.date) -> Decimal:
    total = ContinuingEducation.objects.filter(
        trainee_id=trainee_id,
        status=ContinuingEducation.Status.CONFIRMED,
        completed_on__gte=start,
        completed_on__lte=end,
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def with_catalog(queryset: QuerySet[Certificate] | None = None) -> QuerySet[Certificate]:
    queryset = Certificate.objects.all() if queryset is None else queryset
    return queryset.select_related("trainee", "tier", "track", "institution")


def certificates_of(trainee: User) -> QuerySet[Certificate]:
    return with_catalog(Certificate.objects.filter(trainee=trainee))


def by_code(code: str) -> Certificate | None:
    if not code or len(code) > 40:
        return None
    return with_catalog().filter(verification_code=code).first()


def by_number(number: str) -> Certificate | None:
    from .numbers import is_valid_number, normalize

    if not is_valid_number(number):
        return None
    return with_catalog().filter(number=normalize(number)).first()


def can_download(user: User | AnonymousUser, certificate: Certificate) -> bool:
    """The holder, their institution's staff (issuing or the cohort's) and the program office."""
    from accounts.scoping import institution_of, is_program_office

    if not getattr(user, "is_authenticated", False):
        return False
    if certificate.trainee_id == user.pk or is_program_office(user):
        return True
    institution = institution_of(user)
    return institution is not None and institution.pk == certificate.institution_id


def mask_name(name: str) -> str:
    """王小明 → 王*明, 王明 → 王*, Alice Chen → A**** C***: enough to recognise, not to harvest."""
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def activities_of(trainee: User) -> QuerySet[ContinuingEducation]:
    return ContinuingEducation.objects.filter(trainee=trainee).select_related("institution", "ce_enrolment__course")[
        :50
    ]


def certificates_of_employer(employer_id: int, *, employee_id: int | None = None) -> QuerySet[Certificate]:
    """The certificates of an employer's employees (or of one of them): the only ones its HR system
    (hr_api) sees.

    The people are a subquery, not a join through accounts_user (as ``trainee__trainee_profile``
    is): with the join PostgreSQL spent 8 ms planning each page of the API's list at full size, and
    0.8 ms this way (issue 9, EXPLAIN ANALYZE in the note).
    """
    from accounts.selectors import employees_of

    people = employees_of(employer_id)
    if employee_id is not None:
        people = people.filter(pk=employee_id)
    return Certificate.objects.filter(trainee_id__in=people.values("user_id"))


# --- continuing-education courses ----------------------------------------------------------


def holds_active_certificate(user_id: int) -> bool:
    """Whether the person holds an active certificate: who may take continuing-education courses and
    report activities (``services.check_holder``)."""
    return Certificate.objects.filter(trainee_id=user_id, status=Certificate.Status.ACTIVE).exists()


def published_ce_courses(today: datetime.date) -> QuerySet[CECourse]:
    """Published courses not over yet, soonest first, with their institution (one query for a page)."""
    return (
        CECourse.objects.filter(is_published=True, ends_on__gte=today)
        .select_related("institution")
        .order_by("starts_on", "pk")
    )


def ce_enrolments_of(holder: User) -> QuerySet[CEEnrolment]:
    """The person's own continuing-education enrolments (someone else's id is not among them)."""
    return CEEnrolment.objects.filter(holder=holder).select_related("course__institution")


def ce_states_by_course(holder_id: int, course_ids: list[int]) -> dict[int, CEEnrolment]:
    """The person's enrolment per course, for the courses of one page (one query)."""
    rows = CEEnrolment.objects.filter(holder_id=holder_id, course_id__in=course_ids)
    return {row.course_id: row for row in rows}
