"""The answer endpoint says what is wrong with a body, one message and code per problem, in the request's language,
and keeps the saved answers: JSON that is not JSON (``bad_json``), JSON that is not an object (``not_an_object``:
the tester's ``[]`` and ``"x"``, once called "not valid JSON"), no ``"question"`` or one that is no whole number
(``bad_position``: the number as JSON writes one, as the exam page sends it), and an answer field of the wrong type
(``bad_answer``, naming ``"choices"`` or ``"text"``)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from exams.models import QuestionType

from .conftest import login

pytestmark = pytest.mark.django_db

NOT_JSON = "The request is not valid JSON."
NOT_AN_OBJECT = (
    'Expected a JSON object with "question" (the number of the question answered) and the answer: "choices" (the '
    'numbers of the chosen options) or "text" (an essay\'s text).'
)
NO_QUESTION = '"question" is missing: give the number of the question answered, a whole number such as 3.'
NOT_A_POSITION = (
    '"question" must be the number of the question answered as a whole number, such as 3, not text or another kind '
    "of value."
)
NOT_CHOICES = '"choices" must be a list of the numbers of the chosen options, such as [0] or [0, 2] ([] clears it).'
NOT_TEXT = '"text" must be the essay\'s answer as text ("" clears it).'
LANGUAGES = ["en", "zh-hant"]


def post(client, attempt, body: str, language: str):
    with translation.override(language):
        url = reverse("exams:answer", args=[attempt.pk])
    return client.post(url, body, content_type="application/json")


def stored(attempt) -> list:
    return list(attempt.items.order_by("position").values_list("position", "answer", "answered_at"))


def in_language(message: str, language: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


@pytest.fixture
def answered(essay_world, attempt):
    """Alice's client, her single-choice question answered as the page answers it."""
    client = login(essay_world.alice)
    single = attempt.items.get(question__question_type=QuestionType.SINGLE)
    body = json.dumps({"question": single.position, "choices": [1]})
    assert post(client, attempt, body, "en").json()["ok"] is True
    return client


def refused(client, attempt, body: str, language: str, code: str, message: str) -> None:
    before = stored(attempt)
    response = post(client, attempt, body, language)
    assert response.status_code == 400, body
    assert response.json() == {"ok": False, "code": code, "error": in_language(message, language)}, body
    assert stored(attempt) == before, "nothing changed"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null", "true", '[{"question": 1, "choices": [0]}]'])
def test_json_that_is_not_an_object_is_refused_as_such(answered, attempt, body, language):
    refused(answered, attempt, body, language, "not_an_object", NOT_AN_OBJECT)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("body", ["{", "x", '{"question": 1,}'])
def test_a_body_that_is_not_json_is_refused_with_its_code(answered, attempt, body, language):
    refused(answered, attempt, body, language, "bad_json", NOT_JSON)


def test_the_not_json_refusal_reads_in_chinese(answered, attempt):
    assert post(answered, attempt, "{", "zh-hant").json()["error"] == "請求不是有效的 JSON。"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("body", ["{}", '{"choices": [0]}', '{"text": "abc"}', '{"Question": 1, "choices": [0]}'])
def test_a_body_without_question_says_it_is_missing(answered, attempt, body, language):
    refused(answered, attempt, body, language, "bad_position", NO_QUESTION)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("question", ['"1"', "1.0", "true", "null", "[1]", '{"n": 1}'])
def test_a_question_that_is_no_whole_number_is_refused_naming_it(answered, attempt, question, language):
    refused(answered, attempt, f'{{"question": {question}, "choices": [0]}}', language, "bad_position", NOT_A_POSITION)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("kind", "answer", "message"),
    [
        (QuestionType.SINGLE, '"choices": "0"', NOT_CHOICES),
        (QuestionType.SINGLE, '"choices": ["0"]', NOT_CHOICES),
        (QuestionType.MULTIPLE, '"choices": [0, "1"]', NOT_CHOICES),
        (QuestionType.ESSAY, '"text": 5', NOT_TEXT),
        (QuestionType.ESSAY, '"text": ["abc"]', NOT_TEXT),
    ],
)
def test_an_answer_field_of_the_wrong_type_is_refused_naming_it(answered, attempt, kind, answer, message, language):
    item = attempt.items.get(question__question_type=kind)
    refused(answered, attempt, f'{{"question": {item.position}, {answer}}}', language, "bad_answer", message)


def test_the_pages_own_body_saves(answered, attempt):
    """What static/exams/attempt.js sends: ``{question: parseInt(...), choices: [parseInt(...)]}``."""
    multiple = attempt.items.get(question__question_type=QuestionType.MULTIPLE)
    response = post(answered, attempt, json.dumps({"question": multiple.position, "choices": [2, 0]}), "zh-hant")
    assert response.status_code == 200 and response.json()["ok"] is True
    multiple.refresh_from_db()
    assert multiple.answer == sorted([multiple.option_order[0], multiple.option_order[2]])
