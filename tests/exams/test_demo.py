"""The demo: a bank and a paper for every course; trainee01 can sit an exam right after loading."""

import pytest
from django.db.models import Count, Sum

import accounts.demo
import courses.demo
import exams.demo
from accounts.models import User
from courses.models import Course
from exams.models import ExamPaper, Question, QuestionType, Sitting
from exams.services import attempts

pytestmark = pytest.mark.django_db


def test_the_demo_loads_twice_and_trainee01_can_sit_right_away():
    for _ in range(2):
        accounts.demo.load()
        courses.demo.load()
        exams.demo.load()
    assert ExamPaper.objects.count() == Course.objects.count()
    for paper in ExamPaper.objects.all():
        bank = Question.objects.filter(course=paper.course, status="active")
        for row in paper.blueprint.all():
            candidates = bank.filter(
                question_type=row.question_type, difficulty=row.difficulty, knowledge_area=row.knowledge_area
            ).count()
            # Twice the questions each row draws (the course's one essay is in every paper).
            assert candidates >= (1 if row.question_type == QuestionType.ESSAY else 2 * row.count), row
        assert set(bank.values_list("question_type", flat=True)) == set(QuestionType.values)
        assert not bank.filter(text_zh="").exists() and not bank.filter(text_en="").exists()
    sittings = Sitting.objects.filter(cohort__code="INST-A-STANDARD-RETAIL")
    assert sittings.count() == sittings.values("paper").annotate(n=Count("pk")).count() > 0
    trainee = User.objects.get(email="trainee01@demo.test")
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=sittings.first())
    assert attempt.items.count() == attempt.paper.blueprint.aggregate(n=Sum("count"))["n"]
