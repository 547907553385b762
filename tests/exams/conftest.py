"""The exams' cast: inst-a runs a standard retail cohort with an open sitting; trainee Alice is
approved in it; Bob is approved in inst-b's cohort (the outsider); graders and admins of both."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts.scoping import INSTITUTION_ADMIN_GROUP, INSTITUTION_GRADER_GROUP
from courses.models import Enrolment
from exams.models import AttemptQuestion, BlueprintRow, ExamPaper, Question, QuestionType, Sitting
from exams.services.grading import score_answer
from tests.factories import CohortFactory, InstitutionFactory, StaffMembershipFactory, UserFactory

SECRET = "opt-secret"  # every option key starts with it: it must never reach a trainee's browser
RUBRIC = "RUBRIC-SECRET"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_question(course, kind=QuestionType.SINGLE, difficulty=2, area="economics", status="active", n=0) -> Question:
    data = {"course": course, "question_type": kind, "difficulty": difficulty, "knowledge_area": area, "status": status,
            "text_zh": f"題目{n}", "text_en": f"Question {n}"}  # fmt: skip
    if kind == QuestionType.ESSAY:
        data.update(rubric_zh=f"{RUBRIC} 評分", rubric_en=f"{RUBRIC} rubric", max_score=10)
    elif kind == QuestionType.TRUE_FALSE:
        data.update(options=[{"key": f"{SECRET}-t", "zh": "對", "en": "True"}, {"key": f"{SECRET}-f", "zh": "錯", "en": "False"}],
                    correct=[f"{SECRET}-t"])  # fmt: skip
    else:
        data["options"] = [{"key": f"{SECRET}-{k}", "zh": f"選項{k}", "en": f"Option {k}"} for k in "abcd"]
        data["correct"] = [f"{SECRET}-a", f"{SECRET}-c"] if kind == QuestionType.MULTIPLE else [f"{SECRET}-b"]
        data["max_score"] = 2 if kind == QuestionType.MULTIPLE else 1
    return Question.objects.create(**data)


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


def staff(institution, group: str) -> Client:
    role = "grader" if group == INSTITUTION_GRADER_GROUP else "admin"
    membership = StaffMembershipFactory(institution=institution, role=role)
    membership.user.groups.add(Group.objects.get_or_create(name=group)[0])
    from core.permissions import grant_group_permissions
    from exams.permissions import GROUP_PERMISSIONS

    grant_group_permissions("exams", GROUP_PERMISSIONS)
    client = Client()
    client.force_login(membership.user)
    client.user = membership.user
    return client


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db) -> SimpleNamespace:
    inst_a = InstitutionFactory(code="inst-a")
    inst_b = InstitutionFactory(code="inst-b")
    cohort = CohortFactory(institution=inst_a)
    other_cohort = CohortFactory(institution=inst_b)
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course)
    alice = UserFactory(email="alice@example.test", preferred_language="en")
    bob = UserFactory(email="bob@example.test")
    approve(alice, cohort)
    approve(bob, other_cohort)
    sitting = open_sitting(paper, cohort)
    other_sitting = open_sitting(paper, other_cohort)
    return SimpleNamespace(
        inst_a=inst_a, inst_b=inst_b, cohort=cohort, other_cohort=other_cohort, course=course, paper=paper,
        alice=alice, bob=bob, sitting=sitting, other_sitting=other_sitting,
    )  # fmt: skip


@pytest.fixture
def office() -> Client:
    user = UserFactory(is_staff=True, is_superuser=True)
    client = login(user)
    client.user = user
    return client


@pytest.fixture
def admin_a(world) -> Client:
    return staff(world.inst_a, INSTITUTION_ADMIN_GROUP)


@pytest.fixture
def admin_b(world) -> Client:
    return staff(world.inst_b, INSTITUTION_ADMIN_GROUP)


@pytest.fixture
def grader_a(world) -> Client:
    return staff(world.inst_a, INSTITUTION_GRADER_GROUP)


@pytest.fixture
def grader_b(world) -> Client:
    return staff(world.inst_b, INSTITUTION_GRADER_GROUP)
