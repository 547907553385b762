"""The demo's question bank is written, not generated: at least 15 questions a course, in both
languages, with one essay and its rubric, and no placeholder text in any row the demo loads."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.apps import apps
from django.db import models

import accounts.demo
import career.demo
import certification.demo
import courses.demo
import exams.demo
import exchange.demo
import hr_api.demo
from courses.models import Course
from exams.demo_questions import BY_COURSE
from exams.models import BlueprintRow, ExamPaper, KnowledgeArea, Question, QuestionType
from exams.services import attempts
from exams.services.question_bank import question_data_problems

# Text a generator or a hurried author leaves behind (the demo bank's old rows were "【…】示範題 2
# （multiple）：下列何者正確？" with options "選項B（BCM-101 multiple 2）").
PLACEHOLDER = re.compile(
    r"示範題|示範資料|測試題|申論題\s*\d|選項\s*[A-H]\b|\bOption [A-H]\b|\bDemo question\b|\bEssay \d\b|lorem|ipsum"
    r"|placeholder|sample question|\bTODO\b|\bFIXME\b|\bTBD\b|\bxxx\b",
    re.IGNORECASE,
)
# In the question bank even the word "test" is suspect (elsewhere the demo's addresses end in .demo.test).
BANK_PLACEHOLDER = re.compile(PLACEHOLDER.pattern + r"|\btest\b", re.IGNORECASE)


def bank_texts(question: Question) -> list[str]:
    texts = [question.text_zh, question.text_en, question.rubric_zh, question.rubric_en]
    for option in question.options:
        texts += [option["zh"], option["en"]]
    return texts


def load_the_demo() -> None:
    # The demos `manage.py load_demo` runs, but for the simulated year (supervision's own tests load it).
    demos = (accounts.demo, courses.demo, exams.demo, certification.demo, career.demo, exchange.demo, hr_api.demo)
    for module in demos:
        module.load()


def test_the_placeholder_check_catches_the_old_generated_rows():
    for text in (
        "【銀行客戶經理概論】示範題 2（multiple）：下列何者正確？",
        "選項B（BCM-101 multiple 2）",
        "[Introduction to Bank Customer Management] Demo question 2 (multiple): which is right?",
        "Option B (BCM-101 multiple 2)",
        "Lorem ipsum dolor sit amet",
        "TODO: write the question",
        "A test question",
    ):
        assert BANK_PLACEHOLDER.search(text), text
    assert not BANK_PLACEHOLDER.search("Which of these are money-market instruments?")


@pytest.mark.django_db
def test_every_course_of_the_catalog_has_a_written_bank():
    assert set(BY_COURSE) == set(Course.objects.values_list("code", flat=True))
    for code, questions in BY_COURSE.items():
        kinds = Counter(q.kind for q in questions)
        assert len(questions) >= 15, code
        assert kinds[QuestionType.ESSAY] == 1 and set(kinds) == set(QuestionType.values), (code, kinds)
        for question in questions:
            data = question.fields()
            assert not question_data_problems(data), (code, question.text_en)
            assert question.area in KnowledgeArea.values
            if question.kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
                assert len(question.options) == 4, (code, question.text_en)  # three or two plausible distractors
            texts = [data["text_zh"], data["text_en"], data["rubric_zh"], data["rubric_en"]]
            texts += [text for option in data["options"] for text in (option["zh"], option["en"])]
            assert not [t for t in texts if BANK_PLACEHOLDER.search(t)], (code, question.text_en)


@pytest.mark.django_db
def test_the_loaded_bank_is_real_and_fills_every_paper():
    load_the_demo()
    for course in Course.objects.order_by("code"):
        bank = list(Question.objects.filter(course=course, status=Question.Status.ACTIVE))
        assert len(bank) >= 15, course.code
        essays = [q for q in bank if q.question_type == QuestionType.ESSAY]
        assert len(essays) == 1 and essays[0].rubric_zh.strip() and essays[0].rubric_en.strip(), course.code
        for question in bank:
            assert question.text_zh.strip() and question.text_en.strip(), question.pk
            for option in question.options:
                assert str(option["zh"]).strip() and str(option["en"]).strip(), question.pk
            found = [text for text in bank_texts(question) if BANK_PLACEHOLDER.search(text)]
            assert not found, f"{course.code} question {question.pk} holds placeholder text: {found}"
        paper = ExamPaper.objects.get(course=course)
        drawn = attempts.draw_questions(paper=paper, seed=course.pk)
        assert len(drawn) == sum(row.count for row in paper.blueprint.all()) >= 8


@pytest.mark.django_db
def test_no_text_field_of_any_demo_row_holds_placeholder_text():
    load_the_demo()
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            and not isinstance(f, models.EmailField)
            and not f.choices
        ]
        if not fields:
            continue
        for row in model._base_manager.values("pk", *fields).iterator():
            for name in fields:
                value = row[name]
                text = value if isinstance(value, str) else str(value) if value is not None else ""
                match = PLACEHOLDER.search(text)
                if match:
                    found.append(f"{model._meta.label}[{row['pk']}].{name}: {match.group(0)!r}")
    assert not found, found


@pytest.mark.django_db
def test_loading_over_an_earlier_generated_bank_leaves_only_the_written_one():
    accounts.demo.load()
    courses.demo.load()
    course = Course.objects.get(code="BCM-101")
    label = "BCM-101 single 1"
    Question.objects.create(
        family=exams.demo.family(("BCM-101", QuestionType.SINGLE, 1)), course=course, knowledge_area="economics",
        difficulty=2, question_type=QuestionType.SINGLE, status=Question.Status.ACTIVE,
        text_zh="【銀行客戶經理概論】示範題 1（single）：下列何者正確？",
        text_en="[Introduction to Bank Customer Management] Demo question 1 (single): which is right?",
        options=[{"key": k, "zh": f"選項{k}（{label}）", "en": f"Option {k} ({label})"} for k in "ABCD"], correct=["B"],
    )  # fmt: skip
    Question.objects.create(
        family=exams.demo.family(("BCM-101", QuestionType.ESSAY, 2)), course=course, knowledge_area="finance",
        difficulty=3, question_type=QuestionType.ESSAY, status=Question.Status.ACTIVE, max_score=10,
        text_zh="【銀行客戶經理概論】申論題 2：請說明你如何向客戶解釋本課程的一個重點。",
        text_en="[Introduction to Bank Customer Management] Essay 2: explain one key point of this course.",
        rubric_zh="觀念正確 4 分；舉例 3 分；表達清楚 3 分。",
        rubric_en="Sound concept 4; an example 3; clear writing 3.",
    )  # fmt: skip
    paper = ExamPaper.objects.create(course=course)
    BlueprintRow.objects.create(
        paper=paper, question_type=QuestionType.SINGLE, difficulty=2, knowledge_area="economics", count=3
    )

    exams.demo.load()
    live = list(Question.objects.filter(course=course).exclude(status=Question.Status.RETIRED))
    assert len(live) == len(BY_COURSE["BCM-101"]) >= 15
    assert not [q.pk for q in live if any(BANK_PLACEHOLDER.search(text) for text in bank_texts(q))]
    assert sorted(
        (row.question_type, row.difficulty, row.knowledge_area, row.count) for row in paper.blueprint.all()
    ) == sorted(exams.demo.blueprint(BY_COURSE["BCM-101"]))
    assert len(attempts.draw_questions(paper=paper, seed=1)) == 8
