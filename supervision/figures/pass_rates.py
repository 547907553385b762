"""Pass rates: of the trainees who sat a course's paper, how many passed at the first attempt, and
how many passed at all, by course, tier, track, institution, cohort and quarter.

One row of ``PassRateFigure`` is a (cohort, course, quarter): the trainees whose *first* graded,
published attempt at the course's paper was in that cohort's sitting and published in that
quarter (local time). ``first_passed`` of them passed that attempt; ``passed`` passed the course by
any graded, published attempt (the later ones counted where the first one was). Each trainee and
course is counted once, so every breakdown adds up to the same total.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Institution
from courses.models import Cohort, Course, Tier, Track
from exams.models import Attempt, CourseResult

from . import periods, summary_sql
from .scope import Scope
from .statistics import Rate


class PassRateFigure(summary_sql.Summary):
    institution = summary_sql.ref(Institution, _("institution"))
    cohort = summary_sql.ref(Cohort, _("cohort"))
    tier = summary_sql.ref(Tier, _("tier"))
    track = summary_sql.ref(Track, _("track"), null=True)
    course = summary_sql.ref(Course, _("course"))
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    candidates = models.PositiveIntegerField(_("sat (trainee–course pairs)"))
    first_passed = models.PositiveIntegerField(_("passed at the first attempt"))
    passed = models.PositiveIntegerField(_("passed"))

    class Meta:
        verbose_name = _("pass-rate figure")
        verbose_name_plural = _("pass-rate figures")
        indexes = [models.Index(fields=["institution"], name="sup_passrate_institution_idx")]


def _counted() -> models.QuerySet[CourseResult]:
    """The results that count: published, of a graded attempt."""
    return CourseResult.objects.filter(published_at__isnull=False, attempt__state=Attempt.State.GRADED)


def recompute() -> None:
    earlier = _counted().filter(
        trainee_id=OuterRef("trainee_id"),
        course_id=OuterRef("course_id"),
        attempt__number__lt=OuterRef("attempt__number"),
    )
    passed_ever = _counted().filter(trainee_id=OuterRef("trainee_id"), course_id=OuterRef("course_id"), passed=True)
    cohort = "attempt__sitting__cohort"
    rows = summary_sql.grouped(
        _counted().filter(~Exists(earlier)).annotate(passed_ever=Exists(passed_ever)),
        {
            "institution": F(f"{cohort}__institution_id"),
            "cohort": F(f"{cohort}_id"),
            "tier": F(f"{cohort}__curriculum__tier_id"),
            "track": F(f"{cohort}__curriculum__track_id"),
            "course": F("course_id"),
            "year": ExtractYear("published_at"),
            "quarter": ExtractQuarter("published_at"),
        },
        {
            "candidates": Count("pk"),
            "first_passed": Count("pk", filter=Q(passed=True)),
            "passed": Count("pk", filter=Q(passed_ever=True)),
        },
    )
    summary_sql.replace_all(
        PassRateFigure,
        rows,
        ["institution", "cohort", "tier", "track", "course", "year", "quarter", "candidates", "first_passed", "passed"],
    )


# --- reads ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassRateRow:
    key: Any
    label: str
    candidates: int
    first: Rate
    overall: Rate


BREAKDOWNS: dict[str, Any] = {
    "course": _("Course"),
    "tier": _("Tier"),
    "track": _("Track"),
    "institution": _("Institution"),
    "cohort": _("Cohort"),
    "quarter": _("Quarter"),
}


def _sums() -> dict[str, Sum]:
    """The sums a row of pass rates is made of (:func:`_make` reads them)."""
    return {"n": Sum("candidates"), "first": Sum("first_passed"), "overall": Sum("passed")}


def _rows(scope: Scope, group: list[str]) -> list[dict[str, Any]]:
    return list(scope.filter(PassRateFigure.objects.all()).values(*group).annotate(**_sums()).order_by(*group))


def _make(key: Any, label: str, row: dict[str, Any]) -> PassRateRow:
    n = int(row["n"] or 0)
    return PassRateRow(key, label, n, Rate(int(row["first"] or 0), n), Rate(int(row["overall"] or 0), n))


def total(scope: Scope) -> PassRateRow:
    row = scope.filter(PassRateFigure.objects.all()).aggregate(**_sums())
    return _make(None, str(_("All")), row)


def by(scope: Scope, breakdown: str) -> list[PassRateRow]:
    """The pass rates broken down by ``breakdown`` (a key of ``BREAKDOWNS``): one query, and one for
    the cohorts' names."""
    from supervision.names import course_label

    labels: Callable[[dict[str, Any]], tuple[Any, str]]
    if breakdown == "course":
        group = ["course_id", "course__code", "course__title_zh", "course__title_en"]
        labels = lambda r: (r["course_id"], course_label(r))  # noqa: E731
    elif breakdown == "tier":
        group = ["tier_id", "tier__level", "tier__name_zh", "tier__name_en"]
        labels = lambda r: (r["tier_id"], _bilingual(r, "tier__name"))  # noqa: E731
    elif breakdown == "track":
        group = ["track_id", "track__position", "track__name_zh", "track__name_en"]
        labels = lambda r: (r["track_id"], _bilingual(r, "track__name") if r["track_id"] else str(_("no track")))  # noqa: E731
    elif breakdown == "institution":
        group = ["institution_id", "institution__code", "institution__name_zh", "institution__name_en"]
        labels = lambda r: (r["institution_id"], _bilingual(r, "institution__name"))  # noqa: E731
    elif breakdown == "quarter":
        return by_quarter(scope)
    elif breakdown == "cohort":
        return by_cohort(scope)[0]
    else:
        raise ValueError(breakdown)
    result = []
    for row in _rows(scope, group):
        key, label = labels(row)
        result.append(_make(key, label, row))
    return result


def by_quarter(scope: Scope, today: datetime.date | None = None) -> list[PassRateRow]:
    """The pass rates by quarter (one query): every quarter from the first with figures to the
    current one (``today``: the site's local date), a quarter nobody sat in as a row of 0 trainees.
    A row's key is (year, quarter)."""
    rows = {datetime.date(r["year"], 3 * r["quarter"] - 2, 1): r for r in _rows(scope, ["year", "quarter"])}
    series = periods.series(
        rows,
        periods.QUARTERS,
        lambda _start: {"n": 0, "first": 0, "overall": 0},
        reaching=periods.ending_with(today, 1, periods.QUARTERS),
    )
    return [_make(quarter_of(start), quarter_label(start), row) for start, row in series]


def quarter_of(start: datetime.date) -> tuple[int, int]:
    """(year, quarter) of the quarter starting on ``start``."""
    return start.year, (start.month - 1) // 3 + 1


def quarter_label(start: datetime.date) -> str:
    """The quarter as the active language names it ("Q4 2026", "2026 年第 4 季"), in the pages, the
    charts and the downloads alike."""
    year, quarter = quarter_of(start)
    return gettext("Q%(quarter)s %(year)s") % {"year": year, "quarter": quarter}


def by_cohort(scope: Scope, largest: int | None = None) -> tuple[list[PassRateRow], int]:
    """The pass rates by cohort — only the ``largest`` by trainee–course pairs, when given (every cohort
    of the country is thousands, and naming each is most of the page's time) — and how many there are.

    With ``largest`` the database picks them (ties to the earlier cohort) and counts the cohorts: three
    queries and ``largest`` rows whatever the number of cohorts; the rows come in the cohorts' order."""
    if largest is None:
        shown = _rows(scope, ["cohort_id"])
        count = len(shown)
    else:
        figures = scope.filter(PassRateFigure.objects.all())
        shown = list(
            figures.values("cohort_id")
            .annotate(**_sums())
            .order_by(F("n").desc(nulls_last=True), "cohort_id")[:largest]
        )
        shown.sort(key=lambda r: r["cohort_id"])
        count = figures.values("cohort_id").distinct().count()
    names = cohort_names([r["cohort_id"] for r in shown])
    return [_make(r["cohort_id"], names.get(r["cohort_id"], "?"), r) for r in shown], count


def _bilingual(row: dict[str, Any], prefix: str) -> str:
    from accounts.bilingual import in_current_language

    return in_current_language(row[f"{prefix}_zh"] or "", row[f"{prefix}_en"] or "")


def cohort_names(ids: list[int]) -> dict[int, str]:
    """Each cohort's name (institution · tier · track · start month), in one query of a few columns."""
    from supervision.names import cohort_name, with_names

    return {row["pk"]: cohort_name(row) for row in with_names(Cohort.objects.filter(pk__in=ids), "pk")}
