"""The options of one question differ: a single-choice question of 甲/甲/丙/丁 keyed B, or a multiple-choice one of
甲|甲|丙 keyed A,B, asks the trainee to tell apart two options that read the same. Options are compared as people read
them (trimmed, runs of spaces as one, case and full/half width folded: ``Ｃａｓｈ`` is ``cash``), in each language,
by the question bank's one rule (``question_bank.check_question_data``) that the admin's form, the import and a
revision share, and refused under the options' field or column, naming both letters."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from exams.models import Question, QuestionType
from exams.services import question_bank
from tests.imports.rows import question_file, question_row

from .conftest import make_question
from .question_forms import english, question_form

pytestmark = pytest.mark.django_db

SAME = "Option {later} is the same as option {earlier} (“{text}”): the options of a question must differ."
IMPORT_PAGE = "/en/admin/exams/question/import/"


#: The shared question form (question_forms.py) changed to a question of four options, to tell two of them apart.
CASH_QUESTION = {"text_zh": "下列何者為現金？", "text_en": "Which of these is cash?", "options_zh": "甲\n乙\n丙\n丁",
                 "options_en": "a\nb\nc\nd"}  # fmt: skip


def cash_form(world, **changes: str) -> dict[str, Any]:
    return question_form(world, **(CASH_QUESTION | changes))


def data_of(world, zh: list[str], en: list[str], **changes: Any) -> dict[str, Any]:
    letters = "ABCDEFGH"
    return {
        "course_id": world.course.pk, "knowledge_area": "economics", "difficulty": 2, "question_type": "single",
        "text_zh": "題", "text_en": "Q", "rubric_zh": "", "rubric_en": "", "max_score": 1, "status": "active",
        "options": [{"key": k, "zh": z, "en": e} for k, z, e in zip(letters, zh, en, strict=False)],
        "correct": ["A"],
    } | changes  # fmt: skip


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with translation.override("en"), pytest.raises(question_bank.QuestionRefused) as refused:
        question_bank.check_question_data(data=data)
    return [(field, str(message)) for field, message in refused.value.problems]


# --- the admin's form ------------------------------------------------------------------------------------------


def test_the_probes_single_choice_question_of_two_options_jia_is_refused(world, office):
    response = office.post(english("admin:exams_question_add"), cash_form(world, options_zh="甲\n甲\n丙\n丁"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["options_zh"] == [SAME.format(later="B", earlier="A", text="甲")]
    assert "options_en" not in errors
    assert not Question.objects.filter(text_en="Which of these is cash?").exists()


def test_options_differing_in_spaces_case_or_width_only_are_the_same(world, office):
    form = cash_form(world, options_en="Cash\n  cash \nＣＡＳＨ\nd", options_zh="甲\n乙\n丙\n丁")
    response = office.post(english("admin:exams_question_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["options_en"] == [
        SAME.format(later="B", earlier="A", text="cash"),
        SAME.format(later="C", earlier="A", text="ＣＡＳＨ"),
    ]


def test_different_options_are_saved(world, office):
    form = cash_form(world, options_zh="現金\n現金等價物\n存款\n票據", options_en="cash\ncash equivalents\nd1\nd 1")
    assert office.post(english("admin:exams_question_add"), form).status_code == 302


# --- the import ------------------------------------------------------------------------------------------------


def test_the_probes_multiple_choice_row_of_jia_jia_bing_is_refused_under_its_column(world, office):
    row = question_row(world.course.code, type="multiple", knowledge_area="economics", options_zh="甲|甲|丙",
                       options_en="a|b|c", correct="A,B", max_score=2)  # fmt: skip
    response = office.post(IMPORT_PAGE, {"file": question_file([row])})
    assert response.status_code == 200
    [problem] = response.context["rows"]
    assert problem.row == 2 and problem.wrong == {"options_zh"}
    assert [messages for _label, messages in problem.errors] == [(SAME.format(later="B", earlier="A", text="甲"),)]
    assert not Question.objects.filter(text_en="Q").exists()


# --- the rule, for every caller --------------------------------------------------------------------------------


def test_the_rule_names_each_option_repeating_an_earlier_one_in_each_language(world):
    data = data_of(world, ["甲", "乙", " 甲", "乙"], ["a", "b", "c", "B"])
    assert problems(data) == [
        ("options_zh", SAME.format(later="C", earlier="A", text="甲")),
        ("options_zh", SAME.format(later="D", earlier="B", text="乙")),
        ("options_en", SAME.format(later="D", earlier="B", text="B")),
    ]


def test_a_true_or_false_question_of_two_same_options_is_refused(world):
    data = data_of(world, ["對", "對"], ["True", "False"], question_type=QuestionType.TRUE_FALSE)
    assert problems(data) == [("options_zh", SAME.format(later="B", earlier="A", text="對"))]


def test_a_revision_to_same_options_is_refused_and_nothing_changes(world):
    question = make_question(world.course, QuestionType.SINGLE, n=1)
    before = question.options
    options = [dict(option) for option in question.options]
    options[1]["zh"] = options[0]["zh"]
    with pytest.raises(question_bank.QuestionRefused):
        question_bank.do_revise_question(question_id=question.pk, changes={"options": options})
    question.refresh_from_db()
    assert question.options == before


def test_a_question_stored_with_same_options_before_the_rule_may_still_be_retired(world):
    question = make_question(world.course, QuestionType.SINGLE, n=1)
    options = [dict(option) for option in question.options]
    options[1]["zh"] = options[0]["zh"]
    Question.objects.filter(pk=question.pk).update(options=options)
    retired = question_bank.do_revise_question(question_id=question.pk, changes={"status": "retired"})
    assert retired.status == "retired"
