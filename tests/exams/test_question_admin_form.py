"""The program office writes a question's options in admin as in the question import's cells: one option a line
per language, lettered A, B, C … in the lines' order, and the correct options' letters (``B``, ``A,C``)."""

from __future__ import annotations

import html

import pytest

from exams.models import Question, QuestionType
from exams.services import attempts

from .conftest import SECRET, make_question
from .question_forms import english, field_row, question_form

pytestmark = pytest.mark.django_db


def test_the_office_adds_a_single_choice_question_one_option_a_line(world, office):
    response = office.post(english("admin:exams_question_add"), question_form(world))
    assert response.status_code == 302
    added = Question.objects.get(text_en="What is the deposit insurance limit?")
    assert added.options == [
        {"key": "A", "zh": "100 萬", "en": "1 million"},
        {"key": "B", "zh": "300 萬", "en": "3 million"},
        {"key": "C", "zh": "500 萬", "en": "5 million"},
    ]
    assert added.correct == ["B"] and added.version == 1


def test_the_office_adds_a_multiple_choice_question_with_letters_as_typed_in_chinese(world, office):
    form = question_form(world, question_type="multiple", correct="Ａ、ｃ", max_score="2",
                         options_zh="甲 | 乙 | 丙", options_en="a\r\nb\r\nc")  # fmt: skip
    assert office.post(english("admin:exams_question_add"), form).status_code == 302
    added = Question.objects.get(text_en="What is the deposit insurance limit?")
    assert [option["zh"] for option in added.options] == ["甲", "乙", "丙"]
    assert added.correct == ["A", "C"]


def test_the_change_page_shows_the_options_one_a_line_and_the_correct_letters(world, office):
    question = make_question(world.course, QuestionType.MULTIPLE, n=90)  # keys opt-secret-a …, correct a and c
    page = office.get(english("admin:exams_question_change", question.pk)).content.decode()
    assert ">\n選項a\n選項b\n選項c\n選項d</textarea>" in field_row(page, "options_zh")
    assert ">\nOption a\nOption b\nOption c\nOption d</textarea>" in field_row(page, "options_en")
    assert 'value="A,C"' in field_row(page, "correct")
    assert SECRET not in page  # the stored keys are the server's
    assert "the first line is option A" in field_row(page, "options_zh")
    order = [page.index(f"field-{name}") for name in ("text_zh", "text_en", "options_zh", "options_en", "correct",
                                                      "rubric_zh")]  # fmt: skip
    assert order == sorted(order)


def test_the_office_edits_the_options_of_a_question_no_attempt_has_shown(world, office):
    question = make_question(world.course, n=91)
    url = english("admin:exams_question_change", question.pk)
    form = question_form(world, text_zh=question.text_zh, text_en=question.text_en, options_zh="選項a\n選項b\n選項c",
                         options_en="Option a\nOption b\nOption c", correct="c")  # fmt: skip
    assert office.post(url, form).status_code == 302
    question.refresh_from_db()
    assert question.version == 1 and question.correct == ["C"]
    assert [(o["key"], o["en"]) for o in question.options] == [("A", "Option a"), ("B", "Option b"),
                                                               ("C", "Option c")]  # fmt: skip


def test_saving_a_shown_question_with_its_options_as_shown_keeps_the_version(world, office):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    shown = attempt.items.select_related("question").get(question__question_type=QuestionType.SINGLE).question
    url = english("admin:exams_question_change", shown.pk)
    form = office.get(url).context["adminform"].form
    posted = {name: form[name].value() for name in form.fields} | {"status": "retired", "rubric_zh": "",
                                                                   "rubric_en": ""}  # fmt: skip
    assert office.post(url, {k: v for k, v in posted.items() if v is not None}).status_code == 302
    shown.refresh_from_db()
    assert shown.status == "retired" and shown.options[0]["key"].startswith(SECRET)
    assert not Question.objects.filter(family=shown.family, version=shown.version + 1).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"options_en": "1 million\n3 million"}, "options_en",
         "Not as many options in English (2) as in Chinese (3): write each option in both languages."),
        ({"options_zh": "100 萬\n\n500 萬"}, "options_zh",
         "Option B is empty: write it, or remove the extra line or |."),
        ({"correct": "B2"}, "correct",
         "“B2” is not an option's letter: write the letters of the correct options, such as B or A,C."),
    ],
)  # fmt: skip
def test_options_the_import_would_refuse_are_refused_under_their_field(world, office, changes, field, message):
    form = question_form(world, **changes)
    response = office.post(english("admin:exams_question_add"), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    page = response.content.decode()
    assert html.escape(message) in field_row(page, field)
    for name in ("options_zh", "options_en"):  # nothing typed is lost
        assert html.escape(form[name]) + "</textarea>" in field_row(page, name)
    assert not Question.objects.filter(text_en="What is the deposit insurance limit?").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"correct": "D"}, "The correct options must be among the question's options."),
        ({"correct": "A,B"}, "This type of question has exactly one correct option."),
        ({"question_type": "essay", "rubric_zh": "評分", "correct": ""}, "An essay question has no options."),
    ],
)  # fmt: skip
def test_the_question_banks_rules_are_said_on_the_form(world, office, changes, message):
    response = office.post(english("admin:exams_question_add"), question_form(world, **changes))
    assert response.status_code == 200
    assert message in response.context["adminform"].form.non_field_errors()
    assert html.escape(message) in response.content.decode()
    assert not Question.objects.filter(text_en="What is the deposit insurance limit?").exists()


def test_an_essay_question_leaves_options_and_correct_empty(world, office):
    form = question_form(world, question_type="essay", options_zh="", options_en="", correct="", rubric_zh="評分")
    assert office.post(english("admin:exams_question_add"), form).status_code == 302
    added = Question.objects.get(text_en="What is the deposit insurance limit?")
    assert added.options == [] and added.correct == []


def test_an_institution_admin_cannot_add_a_question(world, admin_a):
    assert admin_a.post(english("admin:exams_question_add"), question_form(world)).status_code == 403
    assert not Question.objects.filter(text_en="What is the deposit insurance limit?").exists()
