"""The question import is at the level of the trainee and enrolment imports: its page describes each column from the
model (the values of each column of choices), offers a CSV and an XLSX template (tests of all three imports' templates:
test_import_page_guide.py), and reads what staff type in Excel (options one a line or separated by |, letters such as
A、C, a choice by its name), each wrong cell refused under its column with every other of its row."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from courses.knowledge import KnowledgeArea
from exams import imports as question_imports
from exams.models import Question, QuestionType
from tests.conftest import logged_in
from tests.factories import curriculum_of
from tests.imports.rows import question_file, question_row, xlsx_upload

pytestmark = pytest.mark.django_db

PAGE = "/en/admin/exams/question/import/"
COLUMNS = ["family", "course", "knowledge_area", "difficulty", "type", "status", "text_zh", "text_en", "options_zh",
           "options_en", "correct", "rubric_zh", "rubric_en", "max_score"]  # fmt: skip


@pytest.fixture
def course_code() -> str:
    """A course whose syllabus lists the knowledge area of the valid row (law)."""
    return curriculum_of("standard", "retail").entries.first().course.code


def import_rows(client: Client, rows: list[dict], *, xlsx: bool = False):
    if xlsx:
        upload = xlsx_upload([COLUMNS, *([row.get(h, "") for h in COLUMNS] for row in rows)], "questions.xlsx")
    else:
        upload = question_file(rows, COLUMNS)
    return client.post(PAGE, {"file": upload})


def refusals(response) -> dict[int, dict[str, list[str]]]:
    """Each refused row's messages by the header of their column ("" for the row as a whole)."""
    labels = {question_imports.column_label(header): header for header in COLUMNS}
    return {
        problem.row: {labels.get(label, label): list(messages) for label, messages in problem.errors}
        for problem in response.context["rows"]
    }


# --- the page -------------------------------------------------------------------------------------------------


def test_the_page_describes_every_column_from_the_model(office):
    response = office.get(PAGE)
    guide = {column.header: column for column in response.context["import_columns"]}
    assert list(guide) == COLUMNS
    assert {h for h, column in guide.items() if column.required} == {
        "course", "knowledge_area", "difficulty", "type", "text_zh", "text_en",
    }  # fmt: skip
    assert guide["type"].label == "Type (type)"
    with translation.override("en"):
        for value, label in QuestionType.choices:
            assert f"{value} ({label})" in guide["type"].holds
        for value, label in KnowledgeArea.choices:
            assert f"{value} ({label})" in guide["knowledge_area"].holds
        for value, label in Question.Status.choices:
            assert f"{value} ({label})" in guide["status"].holds
    assert "Alt+Enter" in guide["options_zh"].holds and "A,C" in guide["correct"].holds
    html = response.content.decode()
    assert "Type (type)" in html and "Alt+Enter" in html
    assert 'href="/en/admin/exams/question/import/template.csv"' in html
    assert 'href="/en/admin/exams/question/import/template.xlsx"' in html


def test_the_page_describes_the_columns_in_traditional_chinese(program_office):
    client = logged_in(program_office)  # reads Traditional Chinese
    response = client.get("/zh-hant/admin/exams/question/import/")
    guide = {column.header: column for column in response.context["import_columns"]}
    assert guide["type"].label == "題型 (type)"
    assert "single (單選題)" in guide["type"].holds and "law (法律)" in guide["knowledge_area"].holds


def test_the_template_is_named_for_questions(office):
    response = office.get(f"{PAGE}template.csv")
    assert 'filename="question-import-template.csv"' in response["Content-Disposition"]


def test_a_filled_in_template_imports(office, course_code):
    template = office.get(f"{PAGE}template.csv").content.decode()
    row = question_row(course_code, text_en="From the template")
    filled = template.rstrip("\r\n") + "\n" + ",".join(str(row.get(h, "")) for h in COLUMNS) + "\n"
    upload = SimpleUploadedFile("questions.csv", filled.encode(), content_type="text/csv")
    assert office.post(PAGE, {"file": upload}).status_code == 302
    assert Question.objects.filter(text_en="From the template").exists()


# --- what staff type ------------------------------------------------------------------------------------------


def test_options_one_a_line_of_the_cell_and_letters_with_a_chinese_comma_import(office, course_code):
    row = question_row(
        course_code, type="multiple", options_zh="甲\n乙\n丙\n", options_en="a\r\nb\r\nc", correct="Ａ、ｃ",
        text_en="Lines in a cell",
    )  # fmt: skip
    response = import_rows(office, [row], xlsx=True)
    assert response.status_code == 302, refusals(response)
    question = Question.objects.get(text_en="Lines in a cell")
    assert question.options == [
        {"key": "A", "zh": "甲", "en": "a"}, {"key": "B", "zh": "乙", "en": "b"}, {"key": "C", "zh": "丙", "en": "c"},
    ]  # fmt: skip
    assert question.correct == ["A", "C"]


def test_options_separated_by_a_bar_as_the_export_writes_them_still_import(office, course_code):
    row = question_row(course_code, options_zh="甲 | 乙", options_en="a|b", correct="B", text_en="Bars")
    assert import_rows(office, [row]).status_code == 302
    assert Question.objects.get(text_en="Bars").options[1] == {"key": "B", "zh": "乙", "en": "b"}


def test_a_choice_may_be_named_as_the_page_names_it_in_either_language(office, course_code):
    row = question_row(course_code, type="單選題", knowledge_area="Law", status="啟用", text_en="By name")
    response = import_rows(office, [row])
    assert response.status_code == 302, refusals(response)
    question = Question.objects.get(text_en="By name")
    assert (question.question_type, question.knowledge_area, question.status) == ("single", "law", "active")


def test_a_full_width_course_code_names_the_course(office, course_code):
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in course_code)
    assert import_rows(office, [question_row(full_width, text_en="Full width")]).status_code == 302
    assert Question.objects.get(text_en="Full width").course.code == course_code


def test_each_wrong_cell_is_refused_under_its_column_with_every_other_of_its_row(office, course_code):
    before = Question.objects.count()
    rows = [
        question_row(course_code, type="odd", options_zh="甲 | | 丙", options_en="a | b | c", correct="1"),
        question_row(course_code, knowledge_area="", difficulty="2.5", max_score="NaN"),
        question_row(course_code, max_score="1.234"),
        question_row(course_code, max_score="1000"),
    ]
    response = import_rows(office, rows)
    assert response.status_code == 200
    assert refusals(response) == {
        2: {
            "type": ["“odd” is none of: single (single choice), multiple (multiple choice), true_false (true or "
                     "false), essay (essay)."],
            "options_zh": ["Option B is empty: write it, or remove the extra line or |."],
            "correct": ["“1” is not an option's letter: write the letters of the correct options, such as B or A,C."],
        },
        3: {
            "knowledge_area": ["This cell is empty; write one of: economics (economics), finance (finance), "
                               "accounting (accounting), law (law), taxation (taxation), marketing (marketing), "
                               "public_relations (public relations), psychology (psychology)."],
            "difficulty": ["Write the difficulty as a whole number from 1 (easy) to 5 (hard)."],
            "max_score": ["Write the maximum score as a number more than 0, at most 999.99, with at most 2 decimals, "
                          "such as 1 or 2.5."],
        },
        4: {"max_score": ["Write the maximum score as a number more than 0, at most 999.99, with at most 2 decimals, "
                          "such as 1 or 2.5."]},
        5: {"max_score": ["Write the maximum score as a number more than 0, at most 999.99, with at most 2 decimals, "
                          "such as 1 or 2.5."]},
    }  # fmt: skip
    assert Question.objects.count() == before


def test_a_row_whose_cells_read_is_held_to_every_rule_of_the_bank_at_once(office, course_code):
    row = question_row(course_code, difficulty=9, text_en="", correct="C")
    assert refusals(import_rows(office, [row])) == {
        2: {
            "": [
                "Difficulty must be a number from 1 to 5.",
                "The question needs its text in both languages.",
                "The correct options must be among the question's options.",
            ]
        }
    }


def test_a_spreadsheets_whole_number_and_decimal_cells_are_read_as_typed(office, course_code):
    row = question_row(course_code, difficulty=3.0, max_score=2.5, text_en="Number cells")
    response = import_rows(office, [row], xlsx=True)
    assert response.status_code == 302, refusals(response)
    question = Question.objects.get(text_en="Number cells")
    assert (question.difficulty, question.max_score) == (3, Decimal("2.5"))


def test_a_wrong_cell_is_refused_in_traditional_chinese_for_a_reader_of_it(program_office, course_code):
    client = logged_in(program_office)  # reads Traditional Chinese
    response = client.post(
        "/zh-hant/admin/exams/question/import/", {"file": question_file([question_row(course_code, type="odd")])}
    )
    [problem] = response.context["rows"]
    [(label, [message])] = problem.errors
    assert label == "題型 (type)"
    assert "single (單選題)" in message  # the values in the reader's language, whatever the sentence's


def test_a_difficulty_that_is_not_a_whole_number_is_refused_not_rounded(office, course_code):
    """2.5 was read as 2 and imported."""
    response = import_rows(office, [question_row(course_code, difficulty="2.5", text_en="Half")])
    assert response.status_code == 200
    assert not Question.objects.filter(text_en="Half").exists()


@pytest.mark.parametrize("typed", ["NaN", "Infinity", "1.234", "1000"])
def test_a_maximum_score_the_bank_cannot_hold_is_refused_not_an_error_page(office, course_code, typed):
    """NaN was a 500 (decimal.InvalidOperation); what the score's column cannot hold was left to the database."""
    response = import_rows(office, [question_row(course_code, max_score=typed, text_en="Score")])
    assert response.status_code == 200
    assert not Question.objects.filter(text_en="Score").exists()
