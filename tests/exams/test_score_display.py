"""Scores read as numbers: a maximum of 10 is "10", never "1E+1" (what Decimal.normalize() prints) — issue 17."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from core.numbers import plain_number
from exams.imports import export_questions
from exams.models import EssayAnswer, Question
from exams.services import grading
from exams.services.grading import ExamError
from tests.conftest import logged_in, make_program_office
from tests.isolation import build_world


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("10"), "10"),
        (Decimal("10.00"), "10"),
        (Decimal("1E+1"), "10"),
        (Decimal("100.0"), "100"),
        (Decimal("7.50"), "7.5"),
        (Decimal("0.25"), "0.25"),
        (Decimal("0.00"), "0"),
        (Decimal("-0"), "0"),
        (3, "3"),
        (2.5, "2.5"),
    ],
)
def test_a_number_is_written_plainly(value, text):
    assert plain_number(value) == text


@pytest.fixture
def essay_of_ten(db):
    build_world()
    essay = EssayAnswer.objects.select_related("question").first()
    Question.objects.filter(pk=essay.question_id).update(max_score=Decimal("10.00"))
    essay.refresh_from_db()
    return EssayAnswer.objects.select_related("question").get(pk=essay.pk)


def test_the_grading_page_shows_a_maximum_of_ten_as_10(essay_of_ten):
    office = make_program_office(preferred_language="zh-hant")
    with translation.override("zh-hant"):
        url = reverse("admin:exams_essayanswer_change", args=[essay_of_ten.pk])
    html = logged_in(office).get(url).content.decode()
    assert "1E+1" not in html
    assert '<div class="readonly">10</div>' in html


def test_a_score_above_the_maximum_is_refused_with_the_maximum_written_plainly(essay_of_ten):
    with translation.override("zh-hant"), pytest.raises(ExamError) as refused:
        grading.do_grade_essay(item_id=essay_of_ten.pk, grader=make_program_office(), score=Decimal("11"))
    with translation.override("zh-hant"):
        assert str(refused.value) == "分數須介於 0 至 10。"


def test_the_question_export_writes_a_maximum_of_ten_as_10(essay_of_ten):
    data = export_questions(Question.objects.filter(pk=essay_of_ten.question_id))
    assert data.dict[0]["max_score"] == "10"
