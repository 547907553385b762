"""Exams: attempts per paper, the score distribution, and the essays waiting for a grader.

``AttemptFigure``: attempts at each course's paper by state, per institution (the sitting's
cohort's). ``ScoreBinFigure``: the published results of graded attempts in ten bins of the percent
score (0–10, 10–20 … 90–100; 100 goes in the last). ``BacklogFigure``: per institution, the essays
of submitted attempts no grader has marked yet, by how long they have waited at the recomputation
(less than a day; up to the service level ``EXAM_ESSAY_MARKING_DAYS``; past it), and the oldest.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F, IntegerField, Min, Q, Sum, Value
from django.db.models.functions import Cast, Floor, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from courses.models import Course
from exams.models import Attempt, AttemptQuestion, CourseResult, QuestionType

from . import summary_sql
from .scope import Scope

BINS = 10


class AttemptFigure(summary_sql.Summary):
    institution = summary_sql.ref(Institution, _("institution"))
    course = summary_sql.ref(Course, _("course"))
    state = models.CharField(_("state"), max_length=12, choices=Attempt.State.choices)
    attempts = models.PositiveIntegerField(_("attempts"))

    class Meta:
        verbose_name = _("attempt figure")
        verbose_name_plural = _("attempt figures")
        indexes = [models.Index(fields=["institution"], name="sup_attempt_institution_idx")]


class ScoreBinFigure(summary_sql.Summary):
    institution = summary_sql.ref(Institution, _("institution"))
    course = summary_sql.ref(Course, _("course"))
    bin = models.PositiveSmallIntegerField(_("score band"))  # 0: 0–10 %, … 9: 90–100 %
    results = models.PositiveIntegerField(_("results"))

    class Meta:
        verbose_name = _("score distribution figure")
        verbose_name_plural = _("score distribution figures")
        indexes = [models.Index(fields=["institution"], name="sup_scorebin_institution_idx")]


class BacklogFigure(summary_sql.Summary):
    institution = summary_sql.ref(Institution, _("institution"))
    waiting = models.PositiveIntegerField(_("essays waiting"))
    under_a_day = models.PositiveIntegerField(_("waiting less than a day"))
    within_service_level = models.PositiveIntegerField(_("waiting a day or more, within the service level"))
    overdue = models.PositiveIntegerField(_("past the service level"))
    oldest_submitted_at = models.DateTimeField(_("oldest submitted at"))

    class Meta:
        verbose_name = _("grading backlog figure")
        verbose_name_plural = _("grading backlog figures")


def recompute(now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    attempts = summary_sql.grouped(
        Attempt.objects.all(),
        {"institution": F("sitting__cohort__institution_id"), "course": F("paper__course_id"), "state": F("state")},
        {"attempts": Count("pk")},
    )
    bins = summary_sql.grouped(
        CourseResult.objects.filter(
            published_at__isnull=False, attempt__state=Attempt.State.GRADED, percent__isnull=False
        ),
        {
            "institution": F("attempt__sitting__cohort__institution_id"),
            "course": F("course_id"),
            "bin": Least(Cast(Floor(F("percent") / Value(10)), IntegerField()), Value(BINS - 1)),
        },
        {"results": Count("pk")},
    )
    service_level = now - datetime.timedelta(days=int(settings.EXAM_ESSAY_MARKING_DAYS))
    a_day_ago = now - datetime.timedelta(days=1)
    submitted = "attempt__submitted_at"
    backlog = summary_sql.grouped(
        AttemptQuestion.objects.filter(
            question__question_type=QuestionType.ESSAY, attempt__state=Attempt.State.GRADING, score__isnull=True
        ),
        {"institution": F("attempt__sitting__cohort__institution_id")},
        {
            "waiting": Count("pk"),
            "under_a_day": Count("pk", filter=Q(**{f"{submitted}__gt": a_day_ago})),
            "within_service_level": Count(
                "pk", filter=Q(**{f"{submitted}__lte": a_day_ago, f"{submitted}__gte": service_level})
            ),
            "overdue": Count("pk", filter=Q(**{f"{submitted}__lt": service_level})),
            "oldest_submitted_at": Min(submitted),
        },
    )
    with transaction.atomic():
        summary_sql.replace_all(AttemptFigure, attempts, ["institution", "course", "state", "attempts"])
        summary_sql.replace_all(ScoreBinFigure, bins, ["institution", "course", "bin", "results"])
        summary_sql.replace_all(
            BacklogFigure,
            backlog,
            ["institution", "waiting", "under_a_day", "within_service_level", "overdue", "oldest_submitted_at"],
        )


# --- reads ------------------------------------------------------------------------------------------


def bin_label(index: int) -> str:
    return f"{index * 10}–{index * 10 + 10}"


def attempts_by_paper(scope: Scope) -> list[dict[str, Any]]:
    """One row per course's paper: its code and title and the attempts in each state (one query)."""
    table: dict[int, dict[str, Any]] = {}
    for r in (
        scope.filter(AttemptFigure.objects.all())
        .values("course_id", "course__code", "course__title_zh", "course__title_en", "state")
        .annotate(n=Sum("attempts"))
        .order_by("course__code", "state")
    ):
        entry = table.setdefault(r["course_id"], {"course": r, "total": 0, **dict.fromkeys(Attempt.State.values, 0)})
        entry[r["state"]] = int(r["n"] or 0)
        entry["total"] += int(r["n"] or 0)
    return list(table.values())


def score_distribution(scope: Scope) -> list[int]:
    """The count of results in each of the ten bins (one query)."""
    counts = [0] * BINS
    for r in scope.filter(ScoreBinFigure.objects.all()).values("bin").annotate(n=Sum("results")).order_by("bin"):
        counts[r["bin"]] = int(r["n"] or 0)
    return counts


@dataclass(frozen=True)
class Backlog:
    institution: Institution
    waiting: int
    under_a_day: int
    within_service_level: int
    overdue: int
    oldest_submitted_at: datetime.datetime

    def oldest_age_days(self, now: datetime.datetime | None = None) -> int:
        return ((now or timezone.now()) - self.oldest_submitted_at).days


def backlog(scope: Scope) -> list[Backlog]:
    """Each institution's waiting essays (one query), the longest backlog first."""
    return [
        Backlog(
            institution=f.institution,
            waiting=f.waiting,
            under_a_day=f.under_a_day,
            within_service_level=f.within_service_level,
            overdue=f.overdue,
            oldest_submitted_at=f.oldest_submitted_at,
        )
        for f in scope.filter(BacklogFigure.objects.select_related("institution")).order_by(
            "-waiting", "institution__code"
        )
    ]
