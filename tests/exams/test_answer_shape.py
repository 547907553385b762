"""The answer endpoint takes, for each kind of question, exactly the body the exam page sends: ``{"question": n,
"choices": [...]}`` for a question of options, ``{"question": n, "text": "..."}`` for an essay (``[]`` and ``""``
clear the answer). Any other body (the other kind's field, no answer field, another field besides, a wrong type, an
option the question does not have, two options on a single-choice question) is a 400 ``bad_answer`` with the
endpoint's usual error shape, and the saved answer stays as it was: read as "no answer", such a body cleared it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from exams.models import AttemptQuestion, QuestionType

from .conftest import login

pytestmark = pytest.mark.django_db

ESSAY_ONLY = 'An essay question takes its answer as text: send only "question" and "text".'
OPTIONS_ONLY = 'This question takes its answer as chosen options: send only "question" and "choices".'
NOT_CHOICES = '"choices" must be a list of the numbers of the chosen options, such as [0] or [0, 2] ([] clears it).'
NO_SUCH_OPTION = "That option does not exist in this question."
ONE_ONLY = "Choose one option only."
NOT_TEXT = '"text" must be the essay\'s answer as text ("" clears it).'

CHOICE_KINDS = [QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE]

# (body without the question, the error), for every question of options.
FOR_OPTIONS = [
    ({"text": "abc"}, OPTIONS_ONLY),  # the tester's: cleared the saved choice
    ({"text": ""}, OPTIONS_ONLY),
    ({}, OPTIONS_ONLY),  # the question alone
    ({"choices": [0], "text": "abc"}, OPTIONS_ONLY),
    ({"choices": [0], "answer": [1]}, OPTIONS_ONLY),
    ({"choices": [0], "": None}, OPTIONS_ONLY),
    ({"choice": [0]}, OPTIONS_ONLY),
    ({"choices": None}, NOT_CHOICES),
    ({"choices": 0}, NOT_CHOICES),
    ({"choices": "0"}, NOT_CHOICES),
    ({"choices": {"0": True}}, NOT_CHOICES),
    ({"choices": [True]}, NOT_CHOICES),
    ({"choices": [0.0]}, NOT_CHOICES),
    ({"choices": ["0"]}, NOT_CHOICES),
    ({"choices": [[0]]}, NOT_CHOICES),
    ({"choices": [None]}, NOT_CHOICES),
    ({"choices": [-1]}, NO_SUCH_OPTION),
    ({"choices": [0, 0]}, NO_SUCH_OPTION),
    ({"choices": [10**30]}, NO_SUCH_OPTION),
]
FOR_ESSAYS = [
    ({"choices": [0]}, ESSAY_ONLY),  # the tester's: cleared the saved essay
    ({"choices": []}, ESSAY_ONLY),
    ({}, ESSAY_ONLY),
    ({"text": "abc", "choices": []}, ESSAY_ONLY),
    ({"text": "abc", "draft": "x"}, ESSAY_ONLY),
    ({"texts": "abc"}, ESSAY_ONLY),
    ({"text": None}, NOT_TEXT),
    ({"text": 5}, NOT_TEXT),
    ({"text": True}, NOT_TEXT),
    ({"text": ["abc"]}, NOT_TEXT),
    ({"text": {"zh": "abc"}}, NOT_TEXT),
]


def post(client, attempt, body):
    with translation.override("en"):
        url = reverse("exams:answer", args=[attempt.pk])
    return client.post(url, json.dumps(body), content_type="application/json")


def item_of(attempt, kind) -> AttemptQuestion:
    return attempt.items.select_related("question").get(question__question_type=kind)


def saved(attempt) -> list:
    return list(attempt.items.order_by("position").values_list("position", "answer", "answered_at"))


def right_body(item: AttemptQuestion) -> dict:
    if item.question.is_essay:
        return {"question": item.position, "text": "我的答案"}
    return {"question": item.position, "choices": [1]}


@pytest.fixture
def answered(essay_world, attempt):
    """Alice's attempt with every question answered as the page answers it."""
    client = login(essay_world.alice)
    for item in attempt.items.select_related("question"):
        assert post(client, attempt, right_body(item)).status_code == 200
    return client


def refused_alike(client, attempt, item, body, error) -> None:
    before = saved(attempt)
    response = post(client, attempt, {"question": item.position, **body})
    assert response.status_code == 400, body
    assert response.json() == {"ok": False, "code": "bad_answer", "error": error}, body
    assert saved(attempt) == before, "nothing changed"


@pytest.mark.parametrize("kind", CHOICE_KINDS)
@pytest.mark.parametrize(("body", "error"), FOR_OPTIONS)
def test_a_question_of_options_refuses_any_other_body(answered, attempt, kind, body, error):
    item = item_of(attempt, kind)
    if "choices" in body and body["choices"] == [10**30]:
        body = {"choices": [len(item.option_order)]}  # one past the last option shown
    refused_alike(answered, attempt, item, body, error)


@pytest.mark.parametrize("kind", [QuestionType.SINGLE, QuestionType.TRUE_FALSE])
def test_a_single_answer_question_refuses_two_options(answered, attempt, kind):
    refused_alike(answered, attempt, item_of(attempt, kind), {"choices": [0, 1]}, ONE_ONLY)


@pytest.mark.parametrize(("body", "error"), FOR_ESSAYS)
def test_an_essay_refuses_any_other_body(answered, attempt, body, error):
    refused_alike(answered, attempt, item_of(attempt, QuestionType.ESSAY), body, error)


@pytest.mark.parametrize("kind", [*CHOICE_KINDS, QuestionType.ESSAY])
def test_the_pages_own_bodies_save_and_clear(answered, attempt, kind):
    item = item_of(attempt, kind)
    empty = "" if kind == QuestionType.ESSAY else []
    field = "text" if kind == QuestionType.ESSAY else "choices"
    response = post(answered, attempt, {"question": item.position, field: empty})
    assert response.status_code == 200 and response.json()["ok"] is True
    item.refresh_from_db()
    assert item.answer == empty
    assert post(answered, attempt, right_body(item)).status_code == 200
    if kind == QuestionType.MULTIPLE:  # every option it has, in any order
        last = len(item.option_order) - 1
        assert post(answered, attempt, {"question": item.position, "choices": [last, 0]}).status_code == 200
        item.refresh_from_db()
        assert item.answer == sorted([item.option_order[0], item.option_order[last]])


def test_in_chinese_the_refusal_is_the_same_shape(answered, attempt):
    item = item_of(attempt, QuestionType.SINGLE)
    before = saved(attempt)
    with translation.override("zh-hant"):  # the fixture's requests left English active
        url = reverse("exams:answer", args=[attempt.pk])
    response = answered.post(
        url, json.dumps({"question": item.position, "text": "abc"}), content_type="application/json"
    )
    with translation.override("zh-hant"):
        error = str(translation.gettext(OPTIONS_ONLY))
    assert response.status_code == 400 and response.json() == {"ok": False, "code": "bad_answer", "error": error}
    assert saved(attempt) == before
