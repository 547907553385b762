"""A paper the question bank cannot fill is told to the office when it saves it and to the institution
when it schedules a sitting of it, and flagged on the papers' list — not found by a cohort on exam day."""

from __future__ import annotations

import pytest

from exams.models import BlueprintRow, ExamPaper, Question, QuestionType

from .conftest import make_paper, make_question
from .test_admin_grading_and_sittings import LANGUAGES, messages_of, url
from .test_bank_and_admin import sitting_form

pytestmark = pytest.mark.django_db

SHORT = {"zh-hant": "題庫尚不足以組成試卷", "en": "The question bank cannot fill the paper"}


def paper_form(paper: ExamPaper, extra_row: dict | None = None) -> dict:
    rows = list(paper.blueprint.order_by("pk"))
    form = {
        "course": paper.course_id, "time_limit_minutes": paper.time_limit_minutes, "pass_mark": paper.pass_mark,
        "multiple_scoring": paper.multiple_scoring, "max_attempts": paper.max_attempts,
        "retake_wait_days": paper.retake_wait_days, "essay_max_chars": paper.essay_max_chars,
        "blueprint-TOTAL_FORMS": len(rows) + (1 if extra_row else 0), "blueprint-INITIAL_FORMS": len(rows),
        "blueprint-MIN_NUM_FORMS": 0, "blueprint-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i, row in enumerate(rows):
        form |= {f"blueprint-{i}-id": row.pk, f"blueprint-{i}-paper": paper.pk,
                 f"blueprint-{i}-question_type": row.question_type, f"blueprint-{i}-difficulty": row.difficulty,
                 f"blueprint-{i}-knowledge_area": row.knowledge_area, f"blueprint-{i}-count": row.count}  # fmt: skip
    if extra_row:
        form |= {f"blueprint-{len(rows)}-{k}": v for k, v in extra_row.items()}
    return form


TAX_40 = {"question_type": QuestionType.SINGLE, "difficulty": 5, "knowledge_area": "taxation", "count": 40}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_office_is_told_when_it_saves_a_paper_the_bank_cannot_fill(world, office, language):
    assert not Question.objects.filter(course=world.course, difficulty=5).exists()
    response = office.post(url("admin:exams_exampaper_change", language, world.paper.pk),
                           paper_form(world.paper, TAX_40), follow=True)  # fmt: skip
    assert BlueprintRow.objects.filter(paper=world.paper, difficulty=5, count=40).exists()  # saved all the same
    said = messages_of(response.content.decode())
    assert SHORT[language] in said and "40" in said and " 0" in said
    assert world.cohort.code in said and world.other_cohort.code in said  # the sittings it would fail


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_paper_the_bank_can_fill_is_saved_without_a_warning(world, office, language):
    response = office.post(url("admin:exams_exampaper_change", language, world.paper.pk), paper_form(world.paper),
                           follow=True)  # fmt: skip
    said = messages_of(response.content.decode())
    assert said and SHORT[language] not in said


@pytest.mark.parametrize("language", LANGUAGES)
def test_scheduling_a_sitting_of_an_unfillable_paper_warns_the_institution(world, admin_a, language):
    BlueprintRow.objects.create(paper=world.paper, **TAX_40)
    response = admin_a.post(url("admin:exams_sitting_add", language), sitting_form(world, world.cohort), follow=True)
    assert SHORT[language] in messages_of(response.content.decode())


def test_the_papers_list_flags_each_short_paper_in_a_fixed_number_of_queries(
    world, office, django_assert_max_num_queries
):
    short = make_paper(world.cohort.curriculum.entries.exclude(course=world.course).first().course)
    BlueprintRow.objects.create(paper=short, **TAX_40)
    for n in range(3):  # 3 of the 40 asked
        make_question(short.course, QuestionType.SINGLE, 5, "taxation", n=100 + n)
    with django_assert_max_num_queries(12):
        page = office.get(url("admin:exams_exampaper_changelist", "en")).content.decode()
    assert page.count("short: ") == 1 and "40 needed, 3 in the bank" in page
    assert page.count("can fill the paper") == 1
