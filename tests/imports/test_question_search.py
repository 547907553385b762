"""The question bank's admin list finds questions by their course's code (BCM-304), as well as by their words."""

from __future__ import annotations

import pytest
from django.test import Client

from exams.services import question_bank
from tests.conftest import in_english, logged_in
from tests.factories import curriculum_of
from tests.imports.rows import question_row

pytestmark = pytest.mark.django_db


def make_question(course, **changes) -> None:
    row = question_row(course.code, **changes)
    question_bank.do_create_question(data={
        "course_id": course.pk, "knowledge_area": row["knowledge_area"], "difficulty": 2, "question_type": "single",
        "status": "active", "text_zh": row["text_zh"], "text_en": row["text_en"],
        "options": [{"key": "A", "zh": "甲", "en": "a"}, {"key": "B", "zh": "乙", "en": "b"}], "correct": ["A"],
        "rubric_zh": "", "rubric_en": "", "max_score": 1,
    })  # fmt: skip


def test_a_search_for_a_course_code_finds_its_questions(program_office):
    first, second = [entry.course for entry in curriculum_of("standard", "retail").entries.select_related("course")[:2]]
    for n in range(3):
        make_question(first, text_zh=f"第一科題目{n}", text_en=f"First course question {n}")
    make_question(second, text_zh="第二科題目", text_en="Second course question")
    client: Client = logged_in(in_english(program_office))
    response = client.get("/en/admin/exams/question/", {"q": first.code})
    assert response.status_code == 200
    found = {question.text_en for question in response.context["cl"].result_list}
    assert found == {f"First course question {n}" for n in range(3)}
    by_words = client.get("/en/admin/exams/question/", {"q": "第二科"}).context["cl"].result_list
    assert [question.course for question in by_words] == [second]
