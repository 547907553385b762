"""The per-cohort exports (results, progress) and the certificates expiring in a period.

They read the live tables (a cohort is small), each in a fixed number of queries, and return
``tables.Table``s that the views send as CSV or XLSX through ``tables.download``. Whose rows
they read is decided before: ``cohorts_of(viewer)`` and ``Scope``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from certification.models import Certificate
from courses.models import Cohort, Course, Enrolment
from courses.selectors import cohorts_with_catalog, progress_of_many
from exams.models import Attempt, CourseResult

from .access import Viewer
from .figures.scope import Scope
from .tables import Table

# Who is listed in a cohort's exports: everyone admitted, and those who withdrew after admission.
LISTED = Q(state__in=Enrolment.ADMITTED_STATES) | Q(state=Enrolment.State.WITHDRAWN, teaching_hours_owed__isnull=False)

# A score as stored (CourseResult.percent, two places): SQLite's MAX returns 78.95 as 78.9500000000000.
PERCENT_PLACES = Decimal("0.01")


def cohorts_of(viewer: Viewer) -> QuerySet[Cohort]:
    """The cohorts the viewer may export: their institution's (or, for the office, every one or the one chosen)."""
    return Scope(viewer.institution_id).filter(cohorts_with_catalog(), "institution_id").order_by("-starts_on", "code")


def _listed(cohort: Cohort) -> list[Enrolment]:
    return list(
        cohort.enrolments.filter(LISTED)
        .select_related("trainee__trainee_profile__employer")
        .order_by("trainee__display_name", "pk")
    )


def _employment(trainee: User) -> list[str]:
    """The trainee's employer and employee number, blank where their profile has none."""
    profile = getattr(trainee, "trainee_profile", None)
    return [
        profile.employer.name if profile and profile.employer_id else "",
        profile.employee_number if profile else "",
    ]


def _person(enrolment: Enrolment) -> list[Any]:
    return [enrolment.trainee.display_name, *_employment(enrolment.trainee), enrolment.get_state_display()]


def _person_columns() -> list[str]:
    return [_("Trainee"), _("Employer"), _("Employee number"), _("Enrolment status")]


def _courses_of(cohort: Cohort) -> list[Course]:
    """The courses of the cohort's curriculum, by code: the exports' columns, course by course."""
    return [entry.course for entry in cohort.curriculum.entries.select_related("course").order_by("course__code")]


def cohort_results(cohort: Cohort) -> Table:
    """Trainees × courses of the cohort's curriculum: the best published score (percent), whether
    passed (by any graded, published attempt in this cohort's sittings) and the attempts started."""
    enrolments = _listed(cohort)
    courses = _courses_of(cohort)
    trainee_ids = [e.trainee_id for e in enrolments]
    best: dict[tuple[int, int], dict[str, Any]] = {}
    for row in (
        CourseResult.objects.filter(
            attempt__sitting__cohort=cohort,
            trainee_id__in=trainee_ids,
            published_at__isnull=False,
            attempt__state=Attempt.State.GRADED,
        )
        .order_by()
        .values("trainee_id", "course_id")
        .annotate(score=Max("percent"), passes=Count("pk", filter=Q(passed=True)))
    ):
        best[(row["trainee_id"], row["course_id"])] = row
    attempts: dict[tuple[int, int], int] = defaultdict(int)
    for row in (
        Attempt.objects.filter(sitting__cohort=cohort, trainee_id__in=trainee_ids)
        .order_by()
        .values("trainee_id", "paper__course_id")
        .annotate(n=Count("pk"))
    ):
        attempts[(row["trainee_id"], row["paper__course_id"])] = row["n"]
    columns: list[str] = _person_columns()
    for course in courses:
        columns += [
            _("%(course)s score (%%)") % {"course": course.code},
            _("%(course)s passed") % {"course": course.code},
            _("%(course)s attempts") % {"course": course.code},
        ]
    rows: list[Sequence[Any]] = []
    for e in enrolments:
        cells = _person(e)
        for course in courses:
            result = best.get((e.trainee_id, course.pk))
            cells += [
                "" if result is None else _percent(result["score"]),
                "" if result is None else (_("yes") if result["passes"] else _("no")),
                attempts[(e.trainee_id, course.pk)],
            ]
        rows.append(cells)
    return Table("results", _("Results of %(cohort)s") % {"cohort": cohort.name}, columns, rows, source=CourseResult)


def _percent(value: Decimal) -> Decimal:
    return value.quantize(PERCENT_PLACES)


def cohort_progress(cohort: Cohort) -> Table:
    """One row a trainee: hours owed, hours done by mode, percent and completion, and hours by course
    (as ``courses.selectors.progress`` counts them)."""
    enrolments = _listed(cohort)
    progress = progress_of_many(enrolments)
    courses = _courses_of(cohort)
    columns: list[str] = [
        *_person_columns(),
        _("Teaching hours owed"),
        _("Exam preparation hours owed"),
        _("Face-to-face"),
        _("Remote learning"),
        _("Self-study (confirmed)"),
        _("Exam preparation"),
        _("Percent of hours owed"),
        _("Training complete"),
    ]
    columns += [_("%(course)s hours") % {"course": course.code} for course in courses]
    rows: list[Sequence[Any]] = []
    for e in enrolments:
        p = progress[e.pk]
        by_course = {c.course.pk: c.hours for c in p.courses}
        rows.append(
            _person(e)
            + [
                e.teaching_hours_owed,
                e.exam_prep_hours_owed,
                p.face_to_face,
                p.remote,
                p.self_study,
                p.exam_prep,
                p.percent,
                _("yes") if p.complete else _("no"),
            ]
            + [by_course.get(course.pk, Decimal(0)) for course in courses]
        )
    return Table("progress", _("Progress of %(cohort)s") % {"cohort": cohort.name}, columns, rows, source=Enrolment)


def expiring_certificates(scope: Scope, starts: datetime.date, ends: datetime.date) -> Table:
    """Active and suspended certificates whose validity ends between ``starts`` and ``ends`` (both
    included), of the issuing institution(s) in ``scope``, soonest first."""
    certificates = scope.filter(
        Certificate.objects.filter(
            status__in=Certificate.CURRENT_STATES, valid_until__gte=starts, valid_until__lte=ends
        ).select_related("trainee__trainee_profile__employer", "tier", "track", "institution"),
        "institution_id",
    ).order_by("valid_until", "number")
    rows: list[Sequence[Any]] = []
    for c in certificates:
        rows.append(
            [
                c.number,
                c.trainee.display_name,
                *_employment(c.trainee),
                c.tier.name,
                c.track.name if c.track else "",
                c.institution.name,
                c.issued_on,
                c.valid_until,
                c.get_status_display(),
            ]
        )
    columns = [
        _("Certificate number"),
        _("Holder"),
        _("Employer"),
        _("Employee number"),
        _("Tier"),
        _("Track"),
        _("Issuing institution"),
        _("Issued on"),
        _("Valid until"),
        _("Status"),
    ]
    title = _("Certificates expiring from %(starts)s to %(ends)s") % {"starts": starts, "ends": ends}
    return Table("expiring", title, columns, rows, source=Certificate)
