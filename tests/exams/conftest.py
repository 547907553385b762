"""The exams' world, on the cast (tests/conftest.py): inst-a runs a standard retail cohort with an open
sitting; Alice (the cast's trainee, who reads English) is approved in it; Bob (the other trainee) is
approved in inst-b's cohort, the outsider. The office and the institutions' admins and graders are the
cast's, as logged-in clients that know their person (``client.user``)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from courses import services as training
from courses.models import Enrolment
from exams.models import AttemptQuestion, BlueprintRow, ExamPaper, Question, QuestionType, Sitting
from exams.services.grading import score_answer
from tests.conftest import in_english
from tests.factories import CohortFactory

SECRET = "opt-secret"  # every option key starts with it: it must never reach a trainee's browser
RUBRIC = "RUBRIC-SECRET"


def make_question(
    course, kind=QuestionType.SINGLE, difficulty=2, area="economics", *, status="active", n=0
) -> Question:
    data = {"course": course, "question_type": kind, "difficulty": difficulty, "knowledge_area": area, "status": status,
            "text_zh": f"題目{n}", "text_en": f"Question {n}"}  # fmt: skip
    if kind == QuestionType.ESSAY:
        data.update(rubric_zh=f"{RUBRIC} 評分", rubric_en=f"{RUBRIC} rubric", max_score=10)
    elif kind == QuestionType.TRUE_FALSE:
        data.update(options=[{"key": f"{SECRET}-t", "zh": "對", "en": "True"},
                             {"key": f"{SECRET}-f", "zh": "錯", "en": "False"}],
                    correct=[f"{SECRET}-t"])  # fmt: skip
    else:
        data["options"] = [{"key": f"{SECRET}-{k}", "zh": f"選項{k}", "en": f"Option {k}"} for k in "abcd"]
        data["correct"] = [f"{SECRET}-a", f"{SECRET}-c"] if kind == QuestionType.MULTIPLE else [f"{SECRET}-b"]
        data["max_score"] = 2 if kind == QuestionType.MULTIPLE else 1
    return Question.objects.create(**data)


def save_syllabus(course, topics, start, end):
    """A syllabus version of ``course`` with ``topics``, in force from ``start`` to ``end`` (None: open)."""
    texts = {
        "learning_outcomes_zh": "目標", "learning_outcomes_en": "Outcome", "textbook_title_zh": "教材",
        "textbook_title_en": "Textbook", "textbook_edition": 1, "textbook_year": 2024,
        "textbook_isbn": "9789867261007", "textbook_publisher_zh": "台灣金融研訓院",
        "textbook_publisher_en": "Taiwan Academy of Banking and Finance",
    }  # fmt: skip
    return training.do_save_syllabus_version(
        course=course, in_force_from=start, in_force_until=end, texts=texts, topics=topics
    )


def make_paper(course, *, essay=False, per_row=1, **kwargs) -> ExamPaper:
    paper = ExamPaper.objects.create(course=course, **{"time_limit_minutes": 60, "retake_wait_days": 7, **kwargs})
    rows = [(QuestionType.SINGLE, 2, "economics"), (QuestionType.MULTIPLE, 3, "finance"),
            (QuestionType.TRUE_FALSE, 1, "law")]  # fmt: skip
    if essay:
        rows.append((QuestionType.ESSAY, 3, "psychology"))
    n = 0
    for kind, difficulty, area in rows:
        BlueprintRow.objects.create(
            paper=paper, question_type=kind, difficulty=difficulty, knowledge_area=area, count=per_row
        )
        for _ in range(2 * per_row):
            n += 1
            make_question(course, kind, difficulty, area, n=n)
    return paper


def score_item(item: AttemptQuestion, scoring: str) -> Decimal:
    """``exams.services.grading.score_answer`` of a drawn question with its answer (model instances)."""
    question = item.question
    return score_answer(
        answer=item.answer,
        correct=question.correct,
        max_score=question.max_score,
        question_type=question.question_type,
        scoring=scoring,
    )


def approve(trainee, cohort) -> Enrolment:
    return Enrolment.objects.create(
        trainee=trainee, cohort=cohort, curriculum=cohort.curriculum, state=Enrolment.State.APPROVED,
        teaching_hours_owed=64, teaching_days_owed=8, exam_prep_hours_owed=8, exam_prep_days_owed=1,
    )  # fmt: skip


def open_sitting(paper, cohort, **kwargs) -> Sitting:
    now = timezone.now()
    values = {"opens_at": now - datetime.timedelta(hours=1), "closes_at": now + datetime.timedelta(days=1),
              "place": "臺北市"} | kwargs  # fmt: skip
    return Sitting.objects.create(paper=paper, cohort=cohort, **values)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def client_of(user) -> Client:
    """A client logged in as ``user`` that knows who it is (``client.user``)."""
    client = login(user)
    client.user = user
    return client


@pytest.fixture
def world(institution, other_institution, trainee, other_trainee) -> SimpleNamespace:
    inst_a, inst_b = institution, other_institution
    cohort = CohortFactory(institution=inst_a)
    other_cohort = CohortFactory(institution=inst_b)
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course)
    alice, bob = in_english(trainee), other_trainee
    approve(alice, cohort)
    approve(bob, other_cohort)
    sitting = open_sitting(paper, cohort)
    other_sitting = open_sitting(paper, other_cohort)
    return SimpleNamespace(
        inst_a=inst_a, inst_b=inst_b, cohort=cohort, other_cohort=other_cohort, course=course, paper=paper,
        alice=alice, bob=bob, sitting=sitting, other_sitting=other_sitting,
    )  # fmt: skip


@pytest.fixture
def office(program_office) -> Client:
    return client_of(program_office)


@pytest.fixture
def admin_a(world, institution_admin) -> Client:
    return client_of(institution_admin)


@pytest.fixture
def admin_b(world, other_institution_admin) -> Client:
    return client_of(other_institution_admin)


@pytest.fixture
def grader_a(world, institution_grader) -> Client:
    return client_of(institution_grader)


@pytest.fixture
def grader_b(world, other_institution_grader) -> Client:
    return client_of(other_institution_grader)


@pytest.fixture
def essay_world(world):
    """The world's paper with an essay question besides its single, multiple and true-or-false ones."""
    BlueprintRow.objects.create(
        paper=world.paper, question_type="essay", difficulty=3, knowledge_area="psychology", count=1
    )
    make_question(world.course, QuestionType.ESSAY, 3, "psychology")
    return world


@pytest.fixture
def attempt(essay_world):
    """Alice's attempt at the essay world's sitting."""
    from exams.services import attempts

    return attempts.do_start_attempt(trainee=essay_world.alice, sitting=essay_world.sitting)
