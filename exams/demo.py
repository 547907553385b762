"""Demo exams (idempotent): the bank written for the demo (``exams.demo_questions``) and one paper for
every course, its blueprint drawing half the bank, and sittings of inst-a's
standard-retail cohort open from load time for 30 days for every course of its curriculum.

:func:`pass_the_exams` is what a trainee of the demo does at the end of a training the courses demo then marks
complete (trainee06's earlier assistant training, trainee08's online one): it sits every course's exam and
passes, so that the certificate the training earns comes from published results (``manage.py load_demo`` hands
it to ``courses.demo.load``, which cannot import this app)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from accounts.models import StaffMembership, User
from courses.models import Attendance, Cohort, Course, Enrolment, RemoteCompletion

from . import selectors
from .demo_questions import BY_COURSE
from .demo_questions.kit import DemoQuestion
from .models import OBJECTIVE_TYPES, Attempt, BlueprintRow, ExamPaper, Question, QuestionType, Sitting
from .services import attempts, grading, question_bank

NAMESPACE = uuid.UUID("6f1c2a52-3b0e-4d1b-9a57-0c4e1d5b2f10")
KIND_ORDER = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.ESSAY)

# A demo question by its place in the bank: (course code, question type, number within the type from 1).
ItemKey = tuple[str, str, int]


def bank(code: str) -> list[tuple[ItemKey, DemoQuestion]]:
    """The demo questions of course ``code``, each with its name in the bank (in the data's order)."""
    numbered: dict[str, int] = {}
    named = []
    for question in BY_COURSE.get(code, []):
        numbered[question.kind] = numbered.get(question.kind, 0) + 1
        named.append(((code, question.kind, numbered[question.kind]), question))
    return named


def family(key: ItemKey) -> uuid.UUID:
    code, kind, n = key
    return uuid.uuid5(NAMESPACE, f"{code}/{kind}/{n}")


def family_keys() -> dict[uuid.UUID, ItemKey]:
    """Every demo question's family, with its name in the bank (the simulated year names items so)."""
    return {family(key): key for code in BY_COURSE for key, _question in bank(code)}


def blueprint(questions: list[DemoQuestion]) -> list[tuple[str, int, str, int]]:
    """(type, difficulty, knowledge area, drawn) of a paper on ``questions``: half of each group of the
    same type, difficulty and area (so each draw has twice the candidates it needs), and the essay."""
    groups: dict[tuple[str, int, str], int] = {}
    for question in sorted(questions, key=lambda q: KIND_ORDER.index(q.kind)):
        group = (question.kind, question.difficulty, question.area)
        groups[group] = groups.get(group, 0) + 1
    return [
        (kind, difficulty, area, 1 if kind == QuestionType.ESSAY else n // 2)
        for (kind, difficulty, area), n in groups.items()
        if n // 2 or kind == QuestionType.ESSAY
    ]


def _demo_families(code: str) -> set[uuid.UUID]:
    """Every family an earlier demo bank of course ``code`` may have used (it named questions as this one does)."""
    return {family((code, kind, n)) for kind in KIND_ORDER for n in range(1, 21)}


def _bank(course: Course) -> None:
    """The course's live bank as written: missing questions made, changed ones revised (a version an
    attempt has shown stays as it was), and questions an earlier demo bank had beyond this one retired."""
    named = [(family(key), question) for key, question in bank(course.code)]
    live = {q.family: q for q in Question.objects.filter(course=course).exclude(status=Question.Status.RETIRED)}
    for fam, question in named:
        current = live.get(fam)
        wanted = {**question.fields(), "status": Question.Status.ACTIVE}
        if current is not None and any(getattr(current, field) != value for field, value in wanted.items()):
            question_bank.do_revise_question(question_id=current.pk, changes=wanted)
    # A family whose versions are all retired comes back as its next version.
    latest = dict(Question.objects.filter(course=course).values_list("family").annotate(v=Max("version")).order_by())
    Question.objects.bulk_create(
        Question(
            course=course, family=fam, version=latest.get(fam, 0) + 1, status=Question.Status.ACTIVE,
            **question.fields(),
        )
        for fam, question in named
        if fam not in live
    )  # fmt: skip
    gone = (_demo_families(course.code) & set(live)) - {fam for fam, _question in named}
    Question.objects.filter(family__in=gone).exclude(status=Question.Status.RETIRED).update(
        status=Question.Status.RETIRED
    )


def _bank_and_paper(course: Course) -> ExamPaper:
    paper, _ = ExamPaper.objects.get_or_create(
        course=course, defaults={"time_limit_minutes": 60, "pass_mark": 60, "max_attempts": 3, "retake_wait_days": 7}
    )
    _bank(course)
    wanted = {
        (kind, difficulty, area): count for kind, difficulty, area, count in blueprint(BY_COURSE.get(course.code, []))
    }
    for row in paper.blueprint.all():
        count = wanted.pop((row.question_type, row.difficulty, row.knowledge_area), None)
        if count is None:
            row.delete()  # a row of an earlier demo bank
        elif count != row.count:
            row.count = count
            row.save(update_fields=["count"])
    BlueprintRow.objects.bulk_create(
        BlueprintRow(paper=paper, question_type=kind, difficulty=difficulty, knowledge_area=area, count=count)
        for (kind, difficulty, area), count in wanted.items()
    )
    return paper


@transaction.atomic
def load() -> None:
    papers = {}
    for course in Course.objects.order_by("code"):
        papers[course.pk] = _bank_and_paper(course)
    cohort = (
        Cohort.objects.filter(
            institution__code="inst-a", curriculum__tier__code="standard", curriculum__track__code="retail"
        )
        .order_by("pk")
        .first()
    )
    if cohort is None:
        return  # courses' demo made no such cohort (inst-a not authorized today): nothing to sit
    now = timezone.now()
    # A sitting's place is typed by staff in both languages (English pages show the Chinese one without it).
    places = {}
    for language in ("zh-hant", "en"):
        with translation.override(language):
            places[language] = str(cohort.get_city_display())
    place, place_en = places["zh-hant"], places["en"]
    # Sittings an earlier demo made before places had an English name get it.
    Sitting.objects.filter(cohort=cohort, place=place, place_en="").update(place_en=place_en)
    for entry in cohort.curriculum.entries.select_related("course"):
        paper = papers[entry.course_id]
        if Sitting.objects.filter(cohort=cohort, paper=paper, closes_at__gt=now).exists():
            continue
        Sitting.objects.create(
            cohort=cohort, paper=paper, opens_at=now - datetime.timedelta(minutes=1),
            closes_at=now + datetime.timedelta(days=30), is_online=cohort.is_online or not cohort.city,
            place=place, place_en=place_en,
        )  # fmt: skip


# The demo's essays, as a trainee writes one, and the grader's note on it (the bank's rubric is per question; these
# answer any of its essays in outline).
ESSAY_ANSWER = (
    "一、先了解客戶的經營狀況、財務需求與風險承受度，並查核相關資料的真實性。\n"
    "二、依主管機關法規與本行授信、作業規範提出適合的方案，說明費用、風險與權利義務。\n"
    "三、辦理後持續追蹤客戶狀況與市場變化，適時調整建議，並將往來紀錄留存備查。"
)
ESSAY_NOTE = "架構完整，法規依據清楚；實例可再具體一些。"
ESSAY_SHARE = Decimal("0.8")  # of an essay's points the grader gives


def _exam_day(enrolment: Enrolment) -> datetime.date:
    """The day after the enrolment's last recorded class or module, the day of its exams; yesterday at the latest,
    so that every step of them has happened by the time the demo loads."""
    held = Attendance.objects.filter(enrolment=enrolment, hours__gt=0).aggregate(day=Max("session__held_on"))["day"]
    done = RemoteCompletion.objects.filter(enrolment=enrolment).aggregate(day=Max("completed_on"))["day"]
    last = max((day for day in (held, done) if day is not None), default=enrolment.cohort.starts_on)
    return min(last + datetime.timedelta(days=1), timezone.localdate() - datetime.timedelta(days=1))


def _staff(cohort: Cohort, role: str) -> User | None:
    membership = (
        StaffMembership.objects.filter(institution_id=cohort.institution_id, role=role).select_related("user").first()
    )
    return membership.user if membership is not None else None


def pass_the_exams(enrolment: Enrolment) -> None:
    """The trainee of ``enrolment`` (approved or in training, its hours recorded) sits the exam of every course of its
    curriculum the day after its last class, at a sitting its institution's admin schedules, answers every question
    (the objective ones right, the essay in outline), and submits; grading scores the answers and the institution's
    grader the essay two days later, which publishes a passed result. All through the services, at the times the
    steps happened (their ``now``). A course the trainee has passed, or sat, is left as it is; without the
    institution's admin or grader (accounts' demo did not run) nothing is sat."""
    cohort = enrolment.cohort
    admin, grader = _staff(cohort, StaffMembership.Role.ADMIN), _staff(cohort, StaffMembership.Role.GRADER)
    if admin is None or grader is None:
        return
    zone = timezone.get_current_timezone()
    day = _exam_day(enrolment)
    opens_at = datetime.datetime.combine(day, datetime.time(14, 0), tzinfo=zone)
    graded_at = min(opens_at + datetime.timedelta(days=2), timezone.now() - datetime.timedelta(minutes=1))
    places = {"place": "", "place_en": ""}
    if not cohort.is_online:
        for field, language in (("place", "zh-hant"), ("place_en", "en")):
            with translation.override(language):
                places[field] = str(cohort.get_city_display())
    passed = selectors.passed_course_ids(enrolment.trainee_id)
    for entry in cohort.curriculum.entries.select_related("course").order_by("course__code"):
        paper = _bank_and_paper(entry.course)
        if entry.course_id in passed or Attempt.objects.filter(trainee_id=enrolment.trainee_id, paper=paper).exists():
            continue
        sitting = attempts.do_schedule_sitting(
            by=admin, cohort=cohort, paper=paper, opens_at=opens_at,
            closes_at=opens_at + datetime.timedelta(minutes=paper.time_limit_minutes + 60),
            is_online=cohort.is_online, **places,
        )  # fmt: skip
        started = opens_at + datetime.timedelta(minutes=5)
        attempt = attempts.do_start_attempt(trainee=enrolment.trainee, sitting=sitting, now=started)
        for minute, item in enumerate(selectors.attempt_items(attempt.pk), start=1):
            question = item.question
            if question.question_type in OBJECTIVE_TYPES:
                payload: dict[str, object] = {"choices": [item.option_order.index(key) for key in question.correct]}
            else:
                payload = {"text": ESSAY_ANSWER}
            attempts.do_save_answer(
                attempt_id=attempt.pk, trainee_id=enrolment.trainee_id, position=item.position,
                payload={"question": item.position, **payload}, now=started + datetime.timedelta(minutes=3 * minute),
            )  # fmt: skip
        submitted = started + datetime.timedelta(minutes=paper.time_limit_minutes - 10)
        attempts.do_submit_attempt(attempt_id=attempt.pk, trainee_id=enrolment.trainee_id, now=submitted)
        grading.do_grade_attempt(attempt_id=attempt.pk, now=submitted + datetime.timedelta(minutes=1))
        for item in selectors.attempt_items(attempt.pk).filter(score__isnull=True):
            grading.do_grade_essay(
                item_id=item.pk, grader=grader, score=(item.question.max_score * ESSAY_SHARE).quantize(Decimal(1)),
                note=ESSAY_NOTE, now=graded_at,
            )  # fmt: skip
