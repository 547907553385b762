"""On a 390 px phone the exam page, built in Python (exams/exam_form.py), keeps a question's number with its word
("Question 3", "第 3 題") and the essay's limit with its unit ("2000 characters", "最多 2000 字"), as
``|nowrap`` and ``{% filter keep_figures %}`` do in the templates (core/templatetags/nowrap.py); and the refusal
of one attempt too many reads as English ("your only attempt", never "all 1 attempts")."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from exams.exam_form import questions_html
from exams.models import QuestionType
from tests.page_text import breakable_figures, text_of

from .test_attempt_rules import check, finished, refusal

LANGUAGES = ["en", "zh-hant"]


def kept(text: str) -> str:
    return f'<span class="text-nowrap">{text}</span>'


def essay_row(position: int):
    return {
        "position": position, "option_order": [], "answer": "", "question__question_type": QuestionType.ESSAY,
        "question__text_zh": "請說明。", "question__text_en": "Explain.", "question__options": [],
    }  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_exam_form_keeps_the_question_number_and_the_essays_limit_whole(language):
    with translation.override(language):
        html = str(questions_html([essay_row(3)], essay_max_chars=2000))
    if language == "en":
        assert f'<legend class="card-header h6 mb-0 w-100">{kept("Question 3")} ' in html
        assert f"At most {kept('2000 characters')}." in html
    else:
        assert f'<legend class="card-header h6 mb-0 w-100">{kept("第 3 題")} ' in html
        assert f"最多 {kept('2000 字')}。" in html
    assert ("Question 3 (" if language == "en" else "第 3 題 (") in text_of(html)
    assert breakable_figures(f"<body>{html}", language) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("allowed", "message"),
    [(1, "You have used your only attempt."), (3, "You have used all 3 attempts.")],
)
def test_the_refusal_of_one_attempt_too_many_counts_in_english(world, allowed, message):
    world.paper.max_attempts = allowed
    now = world.sitting.opens_at + datetime.timedelta(minutes=1)
    used = [finished(at=now - datetime.timedelta(days=30), number=n) for n in range(1, allowed + 1)]
    with translation.override("en"):
        assert refusal(lambda: check(world, now=now, attempts_so_far=used)) == ("attempts_used_up", message)
