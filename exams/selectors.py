"""Reads of the exams app. Other apps read results through these functions."""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.bilingual import in_current_language
from core.display import choice_label
from core.numbers import plain_number
from core.prepared import PreparedRows
from courses.knowledge import KnowledgeArea
from courses.models import CurriculumCourse, Enrolment, SyllabusTopic, SyllabusVersion
from courses.selectors import COHORT_NAME_COLUMNS, cohort_name, syllabus_in_force

from .models import (
    Attempt,
    AttemptQuestion,
    BlueprintRow,
    CourseResult,
    ExamPaper,
    Question,
    QuestionType,
    Sitting,
)


def passed_course_ids(trainee_id: int) -> set[int]:
    """Ids of the courses the trainee has passed (published results only)."""
    return {course_id for (course_id,) in _PASSED_COURSES(trainee_id)}


# The SQL composed once per connection (core.prepared): My exams reads it on every visit.
_PASSED_COURSES = PreparedRows(
    lambda trainee_id: CourseResult.objects.filter(
        trainee_id=trainee_id, passed=True, published_at__isnull=False
    ).values_list("course_id")
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


def sitting_visible_to(*, trainee_id: int, sitting: Sitting) -> bool:
    """Whether the trainee may know the sitting exists: it is one of theirs (:func:`is_eligible`, the sittings My
    exams lists), or they have sat it (their attempt names it). Any other sitting is, to them, no sitting at all."""
    return (
        is_eligible(trainee_id=trainee_id, sitting=sitting)
        or Attempt.objects.filter(trainee_id=trainee_id, sitting_id=sitting.pk).exists()
    )


RECENTLY_CLOSED = datetime.timedelta(days=14)


def sittings_for_trainee(trainee_id: int) -> QuerySet[Sitting]:
    """Sittings of the cohorts the trainee is eligible in, for courses of the curriculum: upcoming,
    open, and closed in the last two weeks (so the page can say the window closed)."""
    return (
        _sittings_of_cohorts(trainee_id)
        .filter(closes_at__gt=timezone.now() - RECENTLY_CLOSED)
        .select_related("paper__course", "cohort__institution", "cohort__curriculum__tier", "cohort__curriculum__track")
    )


def _sittings_of_cohorts(trainee_id: int) -> QuerySet[Sitting]:
    """Every sitting of the cohorts the trainee is eligible in, for courses of the curriculum.

    The enrolment is joined, not a ``cohort_id IN (subquery)``: with the course, paper, curriculum and
    names, the query joins more tables than PostgreSQL reorders (``join_collapse_limit``, 8), and the
    subquery form made it hash every sitting of the program before narrowing to the trainee's cohorts
    (23 ms a visit of My exams on the full bench data set, against 0.3 ms; issue 20)."""
    return (
        Sitting.objects.filter(
            cohort__enrolments__trainee_id=trainee_id, cohort__enrolments__state__in=Enrolment.TRAINING_STATES
        )
        .filter(paper__course__curriculum_entries__curriculum=F("cohort__curriculum"))
        .order_by("opens_at", "pk")
        .distinct()
    )


def attempts_of(trainee_id: int) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(trainee_id=trainee_id)
        .select_related("paper__course", "sitting", "result")
        .order_by("-started_at")
    )


# --- My exams (issue 20): its rows as values, by SQL composed once per connection (core.prepared) --------


@dataclass(frozen=True)
class SittingRow:
    """A sitting as My exams lists it, with what ``services.attempts.check_start_attempt`` reads."""

    pk: int
    paper_id: int
    course_id: int
    course: str  # as ``str(course)``
    cohort_code: str
    cohort_name: str  # as ``cohort.name``
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    is_online: bool
    place: str
    place_en: str
    time_limit_minutes: int
    max_attempts: int
    retake_wait_days: int

    def as_sitting(self) -> Sitting:
        """An unsaved Sitting with its paper: what the start rules read, without a query."""
        paper = ExamPaper(
            pk=self.paper_id,
            course_id=self.course_id,
            time_limit_minutes=self.time_limit_minutes,
            max_attempts=self.max_attempts,
            retake_wait_days=self.retake_wait_days,
        )
        sitting = Sitting(pk=self.pk, paper=paper, opens_at=self.opens_at, closes_at=self.closes_at)
        sitting.is_online, sitting.place, sitting.place_en = self.is_online, self.place, self.place_en
        return sitting

    @property
    def place_name(self) -> str:
        """As ``Sitting.place_name``: the place in the current language."""
        return in_current_language(self.place, self.place_en)


@dataclass(frozen=True)
class HistoryRow:
    """An attempt as My exams lists it, with its result's percent and pass (None without a result)."""

    pk: int
    number: int
    state: str
    started_at: datetime.datetime
    submitted_at: datetime.datetime | None
    paper_id: int
    course: str  # as ``str(course)``
    percent: Decimal | None
    passed: bool | None

    def get_state_display(self) -> str:
        return choice_label(Attempt.State, self.state)

    def as_attempt(self) -> Attempt:
        """An unsaved Attempt: what the start rules read (state, submission time), without a query."""
        return Attempt(pk=self.pk, number=self.number, state=self.state, submitted_at=self.submitted_at)


def _course_name(code: str, title_zh: str, title_en: str) -> str:
    """A course as ``str(course)`` names it, from its columns: the rows below read no Course."""
    return f"{code} {in_current_language(title_zh, title_en)}"


_SITTING_ROWS = PreparedRows(
    lambda trainee_id: _sittings_of_cohorts(trainee_id).values_list(
        "pk", "paper_id", "opens_at", "closes_at", "is_online", "place", "place_en", "paper__course_id",
        "paper__course__code", "paper__course__title_zh", "paper__course__title_en", "paper__time_limit_minutes",
        "paper__max_attempts", "paper__retake_wait_days", "cohort__code",
        *(f"cohort__{column}" for column in COHORT_NAME_COLUMNS),
    )
)  # fmt: skip


def sitting_rows_for_trainee(trainee_id: int, *, now: datetime.datetime) -> list[SittingRow]:
    """``sittings_for_trainee`` as rows: the same sittings in the same order (closed in the last two weeks
    or later; the window is applied here so that the SQL takes the trainee's id only)."""
    rows = []
    for row in _SITTING_ROWS(trainee_id):
        (pk, paper_id, opens_at, closes_at, is_online, place, place_en, course_id, code, title_zh, title_en,
         minutes, max_attempts, wait_days, cohort_code, *name) = row  # fmt: skip
        if closes_at <= now - RECENTLY_CLOSED:
            continue
        rows.append(
            SittingRow(
                pk=pk,
                paper_id=paper_id,
                course_id=course_id,
                course=_course_name(code, title_zh, title_en),
                cohort_code=cohort_code,
                cohort_name=cohort_name(name),
                opens_at=opens_at,
                closes_at=closes_at,
                is_online=is_online,
                place=place,
                place_en=place_en,
                time_limit_minutes=minutes,
                max_attempts=max_attempts,
                retake_wait_days=wait_days,
            )
        )
    return rows


_HISTORY_ROWS = PreparedRows(
    lambda trainee_id: Attempt.objects.filter(trainee_id=trainee_id)
    .order_by("-started_at")
    .values_list(
        "pk", "number", "state", "started_at", "submitted_at", "paper_id", "paper__course__code",
        "paper__course__title_zh", "paper__course__title_en", "result__percent", "result__passed",
    )
)  # fmt: skip


def history_of(trainee_id: int) -> list[HistoryRow]:
    """``attempts_of`` as rows, newest first."""
    history = []
    for row in _HISTORY_ROWS(trainee_id):
        pk, number, state, started_at, submitted_at, paper_id, code, title_zh, title_en, percent, passed = row
        history.append(
            HistoryRow(
                pk=pk,
                number=number,
                state=state,
                started_at=started_at,
                submitted_at=submitted_at,
                paper_id=paper_id,
                course=_course_name(code, title_zh, title_en),
                percent=percent,
                passed=passed,
            )
        )
    return history


def attempt_items(attempt_id: int) -> QuerySet[AttemptQuestion]:
    return AttemptQuestion.objects.filter(attempt_id=attempt_id).select_related("question").order_by("position")


_SHEET_COLUMNS = (
    "position", "option_order", "answer", "question__question_type", "question__text_zh", "question__text_en",
    "question__options",
)  # fmt: skip
_JSON_COLUMNS = {"option_order", "answer", "question__options"}


def attempt_sheet(attempt_id: int) -> list[dict[str, Any]]:
    """The exam page's rows (``exam_form.SheetRow``): plain values, no model instances, by SQL composed once
    per connection (core.prepared).

    The JSON columns are read as their text and decoded by :func:`_decoded`, which keeps what it decoded:
    through the JSON field's converter, decoding 150 values was as much work as the rest of the read
    (issue 20), and the options of a question and the few orders of its options recur on every page that
    draws it. The values are shared between pages: read them, never change them.
    """
    rows = []
    for row in _SHEET(attempt_id):
        sheet_row = dict(zip(_SHEET_COLUMNS, row, strict=True))
        for column in _JSON_COLUMNS:
            if sheet_row[column] is not None:  # SQL NULL; JSON null is the text "null"
                sheet_row[column] = _decoded(sheet_row[column])
        rows.append(sheet_row)
    return rows


_decoded = functools.lru_cache(maxsize=8192)(json.loads)

# The JSON columns as text, under names of their own (sheet_text_0 …), in _SHEET_COLUMNS' order.
_AS_TEXT = {column: f"sheet_text_{i}" for i, column in enumerate(c for c in _SHEET_COLUMNS if c in _JSON_COLUMNS)}
_SHEET = PreparedRows(
    lambda attempt_id: (
        AttemptQuestion.objects.filter(attempt_id=attempt_id)
        .order_by("position")
        .annotate(**{name: Cast(column, TextField()) for column, name in _AS_TEXT.items()})
        .values_list(*(_AS_TEXT.get(column, column) for column in _SHEET_COLUMNS))
    )
)


@dataclass(frozen=True)
class SheetHead:
    """What the exam page reads of the trainee's attempt."""

    pk: int
    state: str
    deadline: datetime.datetime
    essay_max_chars: int
    course: str  # as ``str(course)``


_SHEET_HEAD = PreparedRows(
    lambda attempt_id, trainee_id: Attempt.objects.filter(pk=attempt_id, trainee_id=trainee_id).values_list(
        "pk", "state", "deadline", "paper__essay_max_chars", "paper__course__code", "paper__course__title_zh",
        "paper__course__title_en",
    )
)  # fmt: skip


def sheet_head(*, attempt_id: int, trainee_id: int) -> SheetHead | None:
    """The trainee's attempt as the exam page shows it, or None when it is not theirs (or not there)."""
    rows = _SHEET_HEAD(attempt_id, trainee_id)
    if not rows:
        return None
    pk, state, deadline, essay_max_chars, code, title_zh, title_en = rows[0]
    return SheetHead(
        pk=pk, state=state, deadline=deadline, essay_max_chars=essay_max_chars,
        course=_course_name(code, title_zh, title_en),
    )  # fmt: skip


def drawable_questions(*, course_id: int) -> QuerySet[Question]:
    return Question.objects.filter(course_id=course_id, status=Question.Status.ACTIVE).order_by("pk")


def breakdown_by_area(items: list[AttemptQuestion]) -> list[dict[str, Any]]:
    """Score and maximum per knowledge area, for the result page and mail (items with their question)."""
    return _breakdown((item.question.knowledge_area, item.score, item.question.max_score) for item in items)


def breakdown_of_attempt(attempt_id: int) -> list[dict[str, Any]]:
    """``breakdown_by_area`` of the attempt's items, read as three columns a question (core.prepared)."""
    return _breakdown(_BREAKDOWN_COLUMNS(attempt_id))


_BREAKDOWN_COLUMNS = PreparedRows(
    lambda attempt_id: (
        AttemptQuestion.objects.filter(attempt_id=attempt_id)
        .order_by("position")
        .values_list("question__knowledge_area", "score", "question__max_score")
    )
)


#: The catalog's order of the knowledge areas (``courses.knowledge``), which the start page lists them in
#: (``exam_coverage``): the result page and mail list them the same way, whatever order the questions were drawn in.
_AREA_ORDER = {area.value: position for position, area in enumerate(KnowledgeArea)}


def _breakdown(items: Iterable[tuple[str, Decimal | None, Decimal]]) -> list[dict[str, Any]]:
    """Per knowledge area in the catalog's order (as the start page lists them): (area, score or None, maximum)
    summed, and its questions counted (``questions``, as the start page counts them from the blueprint:
    ``exam_coverage``);
    ``key`` is the area's value, ``area`` its name as a heading writes it ("Finance", in the language it is shown in),
    ``score_shown`` and ``max_shown`` the score and maximum as the result page and e-mail write them, in one format
    whatever the sum (``core.numbers.plain_number``: "7.5", "12", never "7.50" beside "3")."""
    areas: dict[str, dict[str, Any]] = {}
    for area, score, max_score in items:
        row = areas.setdefault(
            area,
            {"key": area, "area": capfirst(KnowledgeArea(area).label), "questions": 0, "score": Decimal(0),
             "max_score": Decimal(0)},
        )  # fmt: skip
        row["questions"] += 1
        row["score"] += score or Decimal(0)
        row["max_score"] += max_score
    for row in areas.values():
        row["score_shown"], row["max_shown"] = plain_number(row["score"]), plain_number(row["max_score"])
    return sorted(areas.values(), key=lambda row: _AREA_ORDER[row["key"]])


@dataclass(frozen=True)
class ResultHead:
    """What the result page reads of an attempt of the trainee's, and its result once published."""

    pk: int
    state: str
    number: int
    course: str  # as ``str(course)``
    pass_mark: int
    percent: Decimal | None
    passed: bool | None
    published: bool


_RESULT_HEAD = PreparedRows(
    lambda attempt_id, trainee_id: Attempt.objects.filter(pk=attempt_id, trainee_id=trainee_id).values_list(
        "pk", "state", "number", "paper__course__code", "paper__course__title_zh", "paper__course__title_en",
        "paper__pass_mark", "result__percent", "result__passed", "result__published_at",
    )
)  # fmt: skip


def result_head(*, attempt_id: int, trainee_id: int) -> ResultHead | None:
    """The trainee's attempt with its result in one query, or None when it is not theirs (or not there)."""
    rows = _RESULT_HEAD(attempt_id, trainee_id)
    if not rows:
        return None
    pk, state, number, code, title_zh, title_en, pass_mark, percent, passed, published_at = rows[0]
    return ResultHead(
        pk=pk, state=state, number=number, course=_course_name(code, title_zh, title_en),
        pass_mark=pass_mark, percent=percent, passed=passed, published=published_at is not None,
    )  # fmt: skip


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

    @property
    def in_syllabus(self) -> bool:
        """Whether the syllabus lists the area: the catalog's course page has an ``#area-<area>`` anchor
        only for an area some topic of the version in force carries (``courses.views.course_detail``)."""
        return bool(self.topics)


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


def _topics_in_force_from(on: datetime.date) -> QuerySet[SyllabusTopic]:
    """Topics of the syllabus versions in force on ``on`` or later (not ended before it)."""
    return SyllabusTopic.objects.filter(Q(version__in_force_until__isnull=True) | Q(version__in_force_until__gte=on))


def syllabus_areas(course_id: int, *, on: datetime.date | None = None) -> set[str] | None:
    """The knowledge areas the course's syllabus lists: those of the topics of its versions in force on
    ``on`` (today by default) or coming into force later, where the bank's questions belong. ``None``
    when the program office has published no such version: there is nothing to hold the bank to."""
    areas = set(
        _topics_in_force_from(on or timezone.localdate())
        .filter(version__course_id=course_id)
        .values_list("knowledge_area", flat=True)
        .distinct()
    )
    return areas or None


def questions_outside_syllabus(*, on: datetime.date | None = None) -> QuerySet[Question]:
    """Live (not retired) questions whose knowledge area the course's syllabus does not list
    (``syllabus_areas``): written before the rule, they wait for the program office to move them to
    an area of the syllabus or retire them. A course without a syllabus has none."""
    topics = _topics_in_force_from(on or timezone.localdate()).filter(version__course_id=OuterRef("course_id"))
    return (
        Question.objects.exclude(status=Question.Status.RETIRED)
        .filter(Exists(topics))
        .exclude(Exists(topics.filter(knowledge_area=OuterRef("knowledge_area"))))
    )


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


@dataclass(frozen=True)
class BankShortfall:
    """A blueprint row the active questions of its course cannot fill (``row`` is None: the blueprint is
    empty, so nothing can be drawn)."""

    row: BlueprintRow | None
    available: int = 0

    def __str__(self) -> str:
        if self.row is None:
            return str(_("the blueprint has no rows"))
        return _("%(type)s · difficulty %(difficulty)s · %(area)s: %(count)s needed, %(available)s in the bank") % {
            "type": self.row.get_question_type_display(), "difficulty": self.row.difficulty,
            "area": self.row.get_knowledge_area_display(), "count": self.row.count, "available": self.available,
        }  # fmt: skip


def bank_shortfalls(*, paper_ids: Iterable[int]) -> dict[int, list[BankShortfall]]:
    """What keeps each paper from being drawn (``attempts.draw_from``'s rule: active questions of the
    paper's course of each row's type, difficulty and knowledge area, as many as the row asks); papers the
    bank can fill are absent. Three queries whatever the number of papers."""
    papers = dict(ExamPaper.objects.filter(pk__in=list(paper_ids)).values_list("pk", "course_id"))
    rows: dict[int, list[BlueprintRow]] = {pk: [] for pk in papers}
    for row in BlueprintRow.objects.filter(paper_id__in=papers).order_by("pk"):
        rows[row.paper_id].append(row)
    in_bank = {
        (c["course_id"], c["question_type"], c["difficulty"], c["knowledge_area"]): c["n"]
        for c in Question.objects.filter(course_id__in=set(papers.values()), status=Question.Status.ACTIVE)
        .values("course_id", "question_type", "difficulty", "knowledge_area")
        .annotate(n=Count("pk"))
    }
    shortfalls: dict[int, list[BankShortfall]] = {}
    for paper_id, paper_rows in rows.items():
        short = [
            BankShortfall(row, available)
            for row in paper_rows
            if (available := in_bank.get((papers[paper_id], row.question_type, row.difficulty, row.knowledge_area), 0))
            < row.count
        ]
        if short or not paper_rows:
            shortfalls[paper_id] = short or [BankShortfall(None)]
    return shortfalls


def upcoming_sittings_of(*, paper_id: int) -> list[str]:
    """The sittings of a paper not yet closed, as "cohort (local opening day)", soonest first."""
    sittings = (
        Sitting.objects.filter(paper_id=paper_id, closes_at__gt=timezone.now())
        .order_by("opens_at")
        .values_list("cohort__code", "opens_at")
    )
    return [f"{code} ({timezone.localdate(opens_at).isoformat()})" for code, opens_at in sittings]
