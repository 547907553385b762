"""A question refused says every problem at once, each once. An import row of difficulty 6, a maximum score of 1000
and no rubric lists all three, not the cell that could not be read alone (then the others, one fix later); a rule of
the question bank about a cell already refused is not said again; and the admin's form says a maximum score of 0 once,
not in the bank's words and again in the model constraint's."""

from __future__ import annotations

from typing import Any

import pytest

from exams import imports as question_imports
from exams.models import Question
from tests.imports.rows import question_file, question_row

from .question_forms import english, question_form

pytestmark = pytest.mark.django_db

IMPORT_PAGE = "/en/admin/exams/question/import/"
MAX_SCORE_CELL = (
    "Write the maximum score as a number more than 0, at most 999.99, with at most 2 decimals, such as 1 or 2.5."
)
DIFFICULTY = "Difficulty must be a number from 1 to 5."
NO_RUBRIC = "An essay question needs a rubric."
ABOVE_ZERO = "The maximum score must be above zero."


def refusals(response) -> dict[int, dict[str, list[str]]]:
    """Each refused row's messages by the header of their column ("" for the row as a whole)."""
    labels = {question_imports.column_label(header): header for header in question_imports.HEADERS}
    return {
        problem.row: {labels.get(label, label): list(messages) for label, messages in problem.errors}
        for problem in response.context["rows"]
    }


def import_rows(office, rows: list[dict[str, Any]]):
    return office.post(IMPORT_PAGE, {"file": question_file(rows)})


def row(world, **changes: Any) -> dict[str, Any]:
    return question_row(world.course.code, knowledge_area="economics", **changes)


def every_message(form) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]


# --- the import ------------------------------------------------------------------------------------------------


def test_the_probes_essay_row_says_its_three_problems_at_once(world, office):
    essay = row(world, type="essay", difficulty=6, max_score=1000, options_zh="", options_en="", correct="")
    response = import_rows(office, [essay])
    assert response.status_code == 200
    assert refusals(response) == {2: {"max_score": [MAX_SCORE_CELL], "": [DIFFICULTY, NO_RUBRIC]}}
    assert not Question.objects.filter(text_en="Q").exists()


def test_the_bank_is_not_asked_again_about_a_cell_already_refused(world, office):
    rows = [
        row(world, difficulty="2.5", text_en=""),  # the difficulty's cell, and the bank's rule of texts
        row(world, correct="1"),  # not an option's letter: not also "must be among the question's options"
        row(world, options_en="a"),  # one option in English: the options' rules wait until both are read
        row(world, type="odd", rubric_zh="評分"),  # no type: the rules of a type are not judged
    ]
    assert refusals(import_rows(office, rows)) == {
        2: {
            "difficulty": ["Write the difficulty as a whole number from 1 (easy) to 5 (hard)."],
            "": ["The question needs its text in both languages."],
        },
        3: {"correct": ["“1” is not an option's letter: write the letters of the correct options, such as B or A,C."]},
        4: {"options_en": ["Not as many options in English (1) as in Chinese (2): write each option in both "
                           "languages."]},
        5: {"type": ["“odd” is none of: single (single choice), multiple (multiple choice), true_false (true or "
                     "false), essay (essay)."]},
    }  # fmt: skip


def test_a_row_of_a_family_not_a_question_family_says_the_banks_problems_too(world, office):
    response = import_rows(office, [row(world, family="not-a-family", difficulty=9)])
    assert refusals(response) == {
        2: {"family": ["The family not-a-family is not a question family."], "": [DIFFICULTY]}
    }


# --- the admin's form ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [({"max_score": "0"}, ABOVE_ZERO), ({"difficulty": "6"}, DIFFICULTY), ({"difficulty": "0"}, DIFFICULTY)],
)
def test_the_form_says_a_rule_of_the_bank_and_of_the_model_once(world, office, changes, message):
    response = office.post(english("admin:exams_question_add"), question_form(world, **changes))
    assert response.status_code == 200
    assert every_message(response.context["adminform"].form) == [message]
    assert response.content.decode().count(message) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"max_score": "1000"}, "max_score"), ({"text_en": ""}, "text_en"), ({"difficulty": "-1"}, "difficulty")],
)
def test_a_field_the_form_refuses_is_not_judged_again_by_the_bank(world, office, changes, field):
    response = office.post(english("admin:exams_question_add"), question_form(world, **changes))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == [field] and len(form.errors[field]) == 1


def test_the_form_says_the_options_and_the_banks_other_rules_at_once(world, office):
    form = question_form(world, options_en="1 million\n3 million", difficulty="6", max_score="0")
    response = office.post(english("admin:exams_question_add"), form)
    assert response.status_code == 200
    assert sorted(every_message(response.context["adminform"].form)) == sorted([
        "Not as many options in English (2) as in Chinese (3): write each option in both languages.",
        DIFFICULTY,
        ABOVE_ZERO,
    ])  # fmt: skip
