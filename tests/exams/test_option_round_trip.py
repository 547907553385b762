"""An option may hold a ``|`` ("A | B", "|x|"): the bank exported and imported unchanged keeps it one option, and
so does the question's change page saved as it is. The export writes a question whose options hold a ``|`` one
option a line (as the admin form shows every question), and a cell of more than one line is read one option a line,
its ``|`` kept; a cell of one line is still read as options separated by ``|``. No option holds a line break: every
reader splits one there, and the question bank refuses one."""

from __future__ import annotations

from typing import Any

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.imports.reader import read_spreadsheet
from exams import imports
from exams.models import Question, QuestionType
from exams.services import attempts, question_bank

from .conftest import make_question

pytestmark = pytest.mark.django_db

BARRED = [
    {"key": "opt-a", "zh": "甲 | 乙", "en": "A | B"},
    {"key": "opt-b", "zh": "丙", "en": "C"},
    {"key": "opt-c", "zh": "|x| 的值", "en": "the value of |x|"},
]


def english(name: str, *args: int) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def barred(world) -> Question:
    """A single-choice question whose options hold ``|``, shown by an attempt (a change makes a new version)."""
    question = make_question(world.course, QuestionType.SINGLE, n=70)
    question.options, question.correct = BARRED, ["opt-c"]
    question.save(update_fields=["options", "correct"])
    return question


def the_bank() -> list[dict[str, Any]]:
    return list(Question.objects.order_by("pk").values())


def exported(office: Client, fmt: str) -> bytes:
    pks = list(Question.objects.values_list("pk", flat=True))
    response = office.post(english("admin:exams_question_changelist"), {"action": f"export_{fmt}",
                                                                        "_selected_action": pks})  # fmt: skip
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return response.content


def imported(office: Client, content: bytes, fmt: str) -> list[str]:
    response = office.post(english("admin:exams_question_import"),
                           {"file": SimpleUploadedFile(f"questions.{fmt}", content)})  # fmt: skip
    assert response.status_code == 302, response.context["errors"]
    return [str(message) for message in get_messages(response.wsgi_request)]


def row_of(content: bytes, fmt: str, question: Question) -> dict[str, Any]:
    return next(row for row in read_spreadsheet(content, fmt).dict if row["family"] == str(question.family))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_bank_with_a_bar_in_an_option_imports_back_unchanged(world, office, barred, fmt):
    before = the_bank()
    content = exported(office, fmt)
    assert imported(office, content, fmt) == ["Imported: 0 new questions, 0 revised."]
    assert the_bank() == before
    row = row_of(content, fmt, barred)
    assert row["options_en"].splitlines() == ["A | B", "C", "the value of |x|"]  # one option a line
    assert row["correct"] == "C"


def test_an_exported_row_with_a_bar_imported_as_a_new_question_keeps_its_options(world, barred):
    row = imports.export_questions(Question.objects.filter(pk=barred.pk)).dict[0] | {"family": "", "text_en": "New"}
    data = tablib.Dataset(headers=imports.HEADERS)
    data.append([row[header] for header in imports.HEADERS])
    assert imports.import_questions(data).created == 1
    new = Question.objects.get(text_en="New")
    assert [(option["zh"], option["en"]) for option in new.options] == [
        ("甲 | 乙", "A | B"), ("丙", "C"), ("|x| 的值", "the value of |x|"),
    ]  # fmt: skip
    assert new.correct == [new.options[2]["key"]]


def test_a_row_revised_in_the_file_keeps_the_bar_in_its_options(world, office, barred):
    attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)  # whether or not it drew this one
    content = exported(office, "csv")
    rows = read_spreadsheet(content, "csv").dict
    for row in rows:
        if row["family"] == str(barred.family):
            row["text_en"] = "Reworded"
    data = tablib.Dataset(headers=imports.HEADERS)
    for row in rows:
        data.append([row[header] for header in imports.HEADERS])
    assert imported(office, data.export("csv").encode(), "csv") == ["Imported: 0 new questions, 1 revised."]
    revised = Question.objects.get(text_en="Reworded")
    assert [option["en"] for option in revised.options] == ["A | B", "C", "the value of |x|"]
    assert revised.correct == [revised.options[2]["key"]]


def test_a_bank_without_bars_is_still_exported_with_bars_between_options(world, office):
    question = make_question(world.course, QuestionType.SINGLE, n=71)
    row = row_of(exported(office, "csv"), "csv", question)
    assert row["options_en"] == "Option a | Option b | Option c | Option d"


def test_the_change_page_saved_as_it_is_keeps_a_bar_in_an_option(world, office, barred):
    from exams.admin import QuestionForm

    before = the_bank()
    form = QuestionForm(instance=barred)
    assert form.initial["options_en"] == "A | B\nC\nthe value of |x|"
    posted = {name: form[name].value() for name in form.fields}
    posted["course"] = barred.course_id
    response = office.post(english("admin:exams_question_change", barred.pk), posted)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert the_bank() == before


@pytest.mark.parametrize(
    ("zh", "en", "read"),
    [
        ("甲 | 乙 | 丙", "a|b|c", ["a", "b", "c"]),  # one line: separated by |
        ("甲 | 乙\n丙", "a | b\r\nc", ["a | b", "c"]),  # more than one line: one option a line
        ("\n甲 | 乙\n丙\n", "a | b\nc\n", ["a | b", "c"]),  # empty lines at the ends are none
    ],
)
def test_a_cell_of_one_line_is_split_at_bars_and_one_of_lines_at_line_breaks(zh, en, read):
    refusals: list[tuple[str, str]] = []
    options, correct = imports.options_and_correct(
        zh, en, "A", lambda column, message: refusals.append((column, message))
    )
    assert refusals == [] and [option["en"] for option in options] == read and correct == ["A"]


@pytest.mark.parametrize("text", ["A\nB", "A\r\nB", "A\rB", "A\u2028B"])
def test_an_option_with_a_line_break_is_refused_by_the_bank(world, text):
    data = {"course_id": world.course.pk, "knowledge_area": "economics", "difficulty": 2, "question_type": "single",
            "text_zh": "題", "text_en": "Q", "rubric_zh": "", "rubric_en": "", "max_score": 1, "status": "draft",
            "options": [{"key": "A", "zh": "甲", "en": text}, {"key": "B", "zh": "乙", "en": "b"}],
            "correct": ["A"]}  # fmt: skip
    with pytest.raises(question_bank.QuestionRefused) as refused, translation.override("en"):
        question_bank.check_question_data(data=data)
    with translation.override("en"):
        assert "An option is one line" in " ".join(str(message) for message in refused.value.messages)
