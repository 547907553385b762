"""What the answer endpoint makes of input no page sends: a question that is no whole number (1e400, a
fraction, true, "²", digits as text) is refused naming the field (400 ``bad_position``), a whole number no question
of the attempt has as a question not in the attempt, never a server error, and the stored answers stay; an essay with
NUL characters (which
PostgreSQL cannot keep in text or JSON) is saved without them. In the PostgreSQL pass of CI these run
against PostgreSQL too (tests/conftest.py ``is_postgres``), where a NUL reaching the database was a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from exams.models import QuestionType

from .conftest import login

pytestmark = pytest.mark.django_db

NOT_IN_ATTEMPT = {"ok": False, "code": "not_in_attempt", "error": "That question is not part of this attempt."}
NOT_A_POSITION = {
    "ok": False,
    "code": "bad_position",
    "error": '"question" must be the number of the question answered as a whole number, such as 3, not text or '
    "another kind of value.",
}


def post_raw(client, attempt, body: str):
    with translation.override("en"):
        url = reverse("exams:answer", args=[attempt.pk])
    return client.post(url, body, content_type="application/json")


def stored(attempt) -> list:
    return list(attempt.items.order_by("position").values_list("position", "answer", "answered_at"))


@pytest.mark.parametrize(
    "question",
    [
        "1e400",  # a float too large for any integer: int() raised OverflowError (a 500)
        "-1e400",
        "Infinity",
        "NaN",
        "1.0",  # a position is a whole number as JSON writes one, not a float that equals it
        "2.5",
        "true",
        '"²"',
        '" 1 "',
        '"1"',  # digits as text: the page sends a number
        '"' + "9" * 5000 + '"',
        "null",
        "[1]",
        '{"position": 1}',
    ],
)
def test_a_question_that_is_no_whole_number_is_refused_naming_the_field(essay_world, attempt, question):
    before = stored(attempt)
    response = post_raw(login(essay_world.alice), attempt, f'{{"question": {question}, "choices": [0]}}')
    assert response.status_code == 400
    assert response.json() == NOT_A_POSITION
    assert stored(attempt) == before


@pytest.mark.parametrize("question", ["0", "-1", "99", "32768", "1" + "0" * 30])
def test_a_whole_number_no_question_has_is_refused_as_not_in_the_attempt(essay_world, attempt, question):
    before = stored(attempt)
    response = post_raw(login(essay_world.alice), attempt, f'{{"question": {question}, "choices": [0]}}')
    assert response.status_code == 400
    assert response.json() == NOT_IN_ATTEMPT
    assert stored(attempt) == before


def test_a_position_as_a_whole_number_is_saved_and_its_digits_as_text_are_not(essay_world, attempt):
    """The exam page sends the number (static/exams/attempt.js: parseInt); "3" is text where a number belongs."""
    single = attempt.items.get(question__question_type=QuestionType.SINGLE)
    client = login(essay_world.alice)
    response = post_raw(client, attempt, f'{{"question": {single.position}, "choices": [1]}}')
    assert response.status_code == 200 and response.json()["question"] == single.position
    refused = post_raw(client, attempt, f'{{"question": "{single.position}", "choices": [2]}}')
    assert refused.status_code == 400 and refused.json() == NOT_A_POSITION
    single.refresh_from_db()
    assert single.answer == [single.option_order[1]]


def test_an_essay_with_nul_characters_is_saved_without_them(essay_world, attempt):
    essay = attempt.items.get(question__question_type=QuestionType.ESSAY)
    client = login(essay_world.alice)
    body = f'{{"question": {essay.position}, "text": "a\\u0000b\\u0000\\u0000 c"}}'
    response = post_raw(client, attempt, body)
    assert response.status_code == 200 and response.json()["ok"] is True
    essay.refresh_from_db()
    assert essay.answer == "ab c"
    # The next save replaces it as usual.
    assert post_raw(client, attempt, f'{{"question": {essay.position}, "text": "abc"}}').status_code == 200
    essay.refresh_from_db()
    assert essay.answer == "abc"


def test_the_essay_length_limit_counts_what_is_kept(essay_world, attempt):
    essay_world.paper.essay_max_chars = 3
    essay_world.paper.save(update_fields=["essay_max_chars"])
    essay = attempt.items.get(question__question_type=QuestionType.ESSAY)
    client = login(essay_world.alice)
    assert (
        post_raw(client, attempt, f'{{"question": {essay.position}, "text": "ab\\u0000\\u0000c"}}').status_code == 200
    )
    essay.refresh_from_db()
    assert essay.answer == "abc"
    refused = post_raw(client, attempt, f'{{"question": {essay.position}, "text": "abcd\\u0000"}}')
    assert refused.status_code == 400 and refused.json()["code"] == "too_long"
    essay.refresh_from_db()
    assert essay.answer == "abc"
