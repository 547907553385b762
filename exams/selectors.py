"""Reads of the exams app. Other apps read results through these functions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, QuerySet, Sum
from django.utils import timezone

from courses.knowledge import KnowledgeArea
from courses.models import CurriculumCourse, Enrolment, SyllabusTopic, SyllabusVersion
from courses.selectors import syllabus_in_force

from .models import (
    Attempt,
    AttemptQuestion,
    BlueprintRow,
    CourseResult,
    Question,
    QuestionType,
    Sitting,
)


def passed_course_ids(trainee_id: int) -> set[int]:
    """Ids of the courses the trainee has passed (published results only)."""
    return set(
        CourseResult.objects.filter(trainee_id=trainee_id, passed=True, published_at__isnull=False).values_list(
            "course_id", flat=True
        )
    )


def published_results(trainee_id: int) -> QuerySet[CourseResult]:
    return CourseResult.objects.filter(trainee_id=trainee_id, published_at__isnull=False).select_related("course")


def is_eligible(*, trainee_id: int, sitting: Sitting) -> bool:
    """An approved (or in training) enrolment in the sitting's cohort whose curriculum has the course."""
    return (
        Enrolment.objects.filter(
            trainee_id=trainee_id, cohort_id=sitting.cohort_id, state__in=Enrolment.TRAINING_STATES
        ).exists()
        and CurriculumCourse.objects.filter(
            curriculum_id=sitting.cohort.curriculum_id, course_id=sitting.paper.course_id
        ).exists()
    )


RECENTLY_CLOSED = datetime.timedelta(days=14)


def sittings_for_trainee(trainee_id: int) -> QuerySet[Sitting]:
    """Sittings of the cohorts the trainee is eligible in, for courses of the curriculum: upcoming,
    open, and closed in the last two weeks (so the page can say the window closed)."""
    eligible = Enrolment.objects.filter(trainee_id=trainee_id, state__in=Enrolment.TRAINING_STATES)
    cohort_ids = eligible.values("cohort_id")
    return (
        Sitting.objects.filter(cohort_id__in=cohort_ids, closes_at__gt=timezone.now() - RECENTLY_CLOSED)
        .filter(paper__course__curriculum_entries__curriculum=F("cohort__curriculum"))
        .select_related("paper__course", "cohort__institution", "cohort__curriculum__tier", "cohort__curriculum__track")
        .order_by("opens_at", "pk")
        .distinct()
    )


def attempts_of(trainee_id: int) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(trainee_id=trainee_id)
        .select_related("paper__course", "sitting", "result")
        .order_by("-started_at")
    )


def attempt_items(attempt_id: int) -> QuerySet[AttemptQuestion]:
    return AttemptQuestion.objects.filter(attempt_id=attempt_id).select_related("question").order_by("position")


def attempt_sheet(attempt_id: int) -> QuerySet[AttemptQuestion, Any]:
    """The exam page's rows (``exam_form.SheetRow``): plain values, no model instances."""
    return (
        AttemptQuestion.objects.filter(attempt_id=attempt_id)
        .order_by("position")
        .values(
            "position",
            "option_order",
            "answer",
            "question__question_type",
            "question__text_zh",
            "question__text_en",
            "question__options",
        )
    )


def drawable_questions(*, course_id: int) -> QuerySet[Question]:
    return Question.objects.filter(course_id=course_id, status=Question.Status.ACTIVE).order_by("pk")


def breakdown_by_area(items: list[AttemptQuestion]) -> list[dict[str, Any]]:
    """Score and maximum per knowledge area, for the result page and mail (items with their question)."""
    areas: dict[str, dict[str, Any]] = {}
    for item in items:
        area = item.question.knowledge_area
        row = areas.setdefault(area, {"area": KnowledgeArea(area).label, "score": Decimal(0), "max_score": Decimal(0)})
        row["score"] += item.score or Decimal(0)
        row["max_score"] += item.question.max_score
    return list(areas.values())


def results_of_employer(employer_id: int) -> QuerySet[CourseResult]:
    """The published results of an employer's employees: the only ones its HR system (hr_api) sees
    (a result is nobody's to read before it is published)."""
    return CourseResult.objects.filter(trainee__trainee_profile__employer_id=employer_id, published_at__isnull=False)


def ungraded_submissions() -> QuerySet[Attempt]:
    """Submitted attempts the worker has not graded yet (essays waiting for a person are not among them)."""
    return Attempt.objects.filter(state=Attempt.State.SUBMITTED)


def question_count(paper_id: int) -> int:
    """How many questions an attempt at the paper draws (the blueprint's rows added up)."""
    return BlueprintRow.objects.filter(paper_id=paper_id).aggregate(n=Sum("count"))["n"] or 0


@dataclass(frozen=True)
class AreaCoverage:
    """One knowledge area of a paper's blueprint: how many questions it draws, and the syllabus topics
    of the same area that teach it."""

    area: str
    label: str
    questions: int
    topics: list[SyllabusTopic]


def exam_coverage(
    *, paper_id: int, course_id: int, on: datetime.date
) -> tuple[SyllabusVersion | None, list[AreaCoverage]]:
    """What an exam covers: its blueprint's knowledge areas in the catalog's order, each with the topics
    of the syllabus in force on ``on`` (a cohort's start date) tagged by that area. Three queries."""
    counts = dict(
        BlueprintRow.objects.filter(paper_id=paper_id)
        .values("knowledge_area")
        .annotate(n=Sum("count"))
        .values_list("knowledge_area", "n")
    )
    syllabus = syllabus_in_force(course_id, on=on)
    topics = list(syllabus.topics.all()) if syllabus is not None else []
    areas = [
        AreaCoverage(
            area=area.value,
            label=str(area.label),
            questions=counts[area.value],
            topics=[t for t in topics if t.knowledge_area == area.value],
        )
        for area in KnowledgeArea
        if counts.get(area.value)
    ]
    return syllabus, areas


def has_essay(attempt_id: int) -> bool:
    return AttemptQuestion.objects.filter(attempt_id=attempt_id, question__question_type=QuestionType.ESSAY).exists()


def waiting_essays(institution_id: int | None = None) -> QuerySet[AttemptQuestion]:
    """Essays of submitted attempts no grader has marked yet, oldest submission first; of one
    institution (its sittings' cohorts) when ``institution_id`` is given, else of every institution."""
    essays = AttemptQuestion.objects.filter(
        question__question_type=QuestionType.ESSAY, attempt__state=Attempt.State.GRADING, score__isnull=True
    )
    if institution_id is not None:
        essays = essays.filter(attempt__sitting__cohort__institution_id=institution_id)
    return essays.order_by("attempt__submitted_at", "pk")


@dataclass(frozen=True)
class Waiting:
    """How many essays wait for a grader and when the oldest of them was submitted (None: none wait)."""

    count: int
    oldest: datetime.datetime | None


def waiting_summary(institution_id: int | None = None) -> Waiting:
    found = waiting_essays(institution_id).order_by().aggregate(count=Count("pk"), oldest=Min("attempt__submitted_at"))
    return Waiting(count=found["count"], oldest=found["oldest"])


def waiting_by_institution() -> dict[int, Waiting]:
    """The waiting essays of every institution that has some, in one query."""
    rows = (
        waiting_essays()
        .order_by()
        .values("attempt__sitting__cohort__institution_id")
        .annotate(count=Count("pk"), oldest=Min("attempt__submitted_at"))
    )
    return {
        row["attempt__sitting__cohort__institution_id"]: Waiting(count=row["count"], oldest=row["oldest"])
        for row in rows
    }


def open_attempt(*, trainee_id: int, paper_id: int) -> Attempt | None:
    """The trainee's attempt at the paper whose clock runs (at most one: a constraint keeps it so)."""
    return Attempt.objects.filter(trainee_id=trainee_id, paper_id=paper_id, state=Attempt.State.OPEN).first()
