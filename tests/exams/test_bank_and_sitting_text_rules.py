"""The rule of invisible characters (core.text_rules) in what the program office and institutions type for every
trainee to read: a question's texts, options and rubrics (the question bank's service, so the admin form, the
import and any other caller) and a sitting's place. A bidirectional control (U+202E …), a zero-width space, a
byte-order mark, a NUL is refused under its field or column, in the user's language; the layout of a question's
text and rubric (line breaks, tabs) is kept."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exams import imports
from exams.models import Question, Sitting
from exams.services import ExamError, attempts, question_bank
from tests.imports.rows import question_dataset, question_file, question_row

from .conftest import make_question
from .question_forms import field_row, question_form
from .test_bank_and_admin import sitting_form

pytestmark = pytest.mark.django_db

RLO, ZWSP, BOM = "\u202e", "\u200b", "\ufeff"
MESSAGE = {"en": "Remove the invisible control character {}.", "zh-hant": "請移除看不見的控制字元 {}。"}
LANGUAGES = ["en", "zh-hant"]


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def data(world, **changes):
    """A single-choice question the bank accepts, as the service takes it."""
    return {
        "course_id": world.course.pk, "knowledge_area": "economics", "difficulty": 2, "question_type": "single",
        "status": "active", "text_zh": "題目", "text_en": "Question",
        "options": [{"key": "A", "zh": "甲", "en": "a"}, {"key": "B", "zh": "乙", "en": "b"}], "correct": ["A"],
        "rubric_zh": "", "rubric_en": "", "max_score": 1,
    } | changes  # fmt: skip


def problems(world, **changes) -> list[tuple[str, str]]:
    with pytest.raises(question_bank.QuestionRefused) as refused, translation.override("en"):
        question_bank.do_create_question(data=data(world, **changes))
    with translation.override("en"):
        return [(field, str(message)) for field, message in refused.value.problems]


# --- the question bank's service ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "char"),
    [
        ({"text_en": f"Which rate{RLO} applies?"}, "text_en", "U+202E"),
        ({"text_zh": f"{BOM}哪一種利率？"}, "text_zh", "U+FEFF"),
        ({"question_type": "essay", "options": [], "correct": [], "rubric_zh": f"評分{ZWSP}"}, "rubric_zh", "U+200B"),
        ({"question_type": "essay", "options": [], "correct": [], "rubric_en": "ok", "rubric_zh": "a\x00b"},
         "rubric_zh", "U+0000"),
    ],
)  # fmt: skip
def test_the_service_refuses_an_invisible_control_in_a_text_under_its_field(world, changes, field, char):
    before = Question.objects.count()
    assert problems(world, **changes) == [(field, MESSAGE["en"].format(char))]
    assert Question.objects.count() == before


def test_the_service_names_the_option_and_its_language(world):
    options = [{"key": "A", "zh": "甲", "en": "a"}, {"key": "B", "zh": f"乙{RLO}", "en": f"b{ZWSP}"}]
    assert problems(world, options=options) == [
        ("options_zh", "Option B: " + MESSAGE["en"].format("U+202E")),
        ("options_en", "Option B: " + MESSAGE["en"].format("U+200B")),
    ]


def test_the_layout_of_a_text_and_a_rubric_is_kept(world):
    text = "依下列情形：\n\t- 甲\r\n- 乙"
    question = question_bank.do_create_question(
        data=data(world, question_type="essay", options=[], correct=[], text_zh=text, rubric_zh=text, rubric_en="r")
    )
    assert question.text_zh == text and question.rubric_zh == text


def test_a_revision_is_held_to_the_rule_too(world):
    question = make_question(world.course, n=1)
    with pytest.raises(question_bank.QuestionRefused) as refused:
        question_bank.do_revise_question(question_id=question.pk, changes={"text_en": f"x{RLO}"})
    assert [field for field, _message in refused.value.problems] == ["text_en"]
    question.refresh_from_db()
    assert question.text_en == "Question 1"


def test_a_question_stored_with_a_control_can_still_be_retired_but_not_brought_back(world):
    question = make_question(world.course, n=2)
    Question.objects.filter(pk=question.pk).update(text_en=f"old{RLO}")  # written before the rule
    retired = question_bank.do_revise_question(question_id=question.pk, changes={"status": "retired"})
    assert retired.status == Question.Status.RETIRED
    with pytest.raises(question_bank.QuestionRefused):
        question_bank.do_revise_question(question_id=question.pk, changes={"status": "active"})


# --- the admin form and the import show it under the field or column ------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"text_en": f"What is{RLO} the limit?"}, "text_en", "{}"),
        ({"options_en": f"1 million\n3 million{ZWSP}\n5 million"}, "options_en", "B"),
    ],
)
def test_the_admin_form_shows_it_under_the_field(world, office, language, changes, field, message):
    response = office.post(url("admin:exams_question_add", language), question_form(world, **changes))
    page = response.content.decode()
    assert response.status_code == 200 and not Question.objects.filter(text_zh=question_form(world)["text_zh"]).exists()
    char = "U+202E" if field == "text_en" else "U+200B"
    row = field_row(page, field)
    assert 'class="errorlist' in row and MESSAGE[language].format(char) in row
    if message == "B":
        assert {"en": "Option B: ", "zh-hant": "選項 B："}[language] in row
    assert page.count(MESSAGE[language].format(char)) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_import_shows_it_under_the_column(world, office, language):
    row = question_row(world.course.code, options_en=f"a | b{RLO}")
    response = office.post(url("admin:exams_question_import", language), {"file": question_file([row])})
    page = response.content.decode()
    assert response.status_code == 200 and not Question.objects.filter(text_en=row["text_en"]).exists()
    assert MESSAGE[language].format("U+202E") in page
    with translation.override(language), pytest.raises(imports.ImportRefused) as refused:
        imports.import_questions(question_dataset([row]))
    (problem,) = refused.value.rows
    with translation.override(language):
        label = imports.column_label("options_en")
    option_b = {"en": "Option B: ", "zh-hant": "選項 B："}[language]
    assert problem.errors == ((label, (option_b + MESSAGE[language].format("U+202E"),)),)
    assert problem.wrong == {"options_en"}


# --- a sitting's place -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("field", ["place", "place_en"])
def test_a_place_with_a_control_is_refused_under_its_field(world, admin_a, language, field):
    form = sitting_form(world, world.cohort, **{field: f"臺北市{RLO}中正區"})
    before = Sitting.objects.count()
    response = admin_a.post(url("admin:exams_sitting_add", language), form)
    page = response.content.decode()
    assert response.status_code == 200 and Sitting.objects.count() == before
    assert MESSAGE[language].format("U+202E") in field_row(page, field)
    assert page.count(MESSAGE[language].format("U+202E")) == 1


def test_a_changed_place_with_a_control_is_refused(world, admin_a):
    sitting = world.sitting
    form = sitting_form(world, world.cohort, place=f"臺北市{ZWSP}")
    response = admin_a.post(url("admin:exams_sitting_change", "en", sitting.pk), form)
    assert response.status_code == 200 and MESSAGE["en"].format("U+200B") in field_row(
        response.content.decode(), "place"
    )
    sitting.refresh_from_db()
    assert sitting.place == "臺北市"


@pytest.mark.parametrize("field", ["place", "place_en"])
def test_the_service_refuses_a_place_with_a_control(world, office, field):
    now = timezone.now()
    with pytest.raises(ExamError) as refused, translation.override("zh-hant"):
        attempts.do_schedule_sitting(
            by=office.user, cohort=world.cohort, paper=world.paper, opens_at=now + datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=1, hours=2), **({"place": "高雄市"} | {field: f"高雄{BOM}"}),
        )  # fmt: skip
    with translation.override("zh-hant"):
        assert (refused.value.code, refused.value.field, str(refused.value)) == (
            "control_character", field, MESSAGE["zh-hant"].format("U+FEFF"),
        )  # fmt: skip
    assert not Sitting.objects.filter(place__startswith="高雄").exists()
