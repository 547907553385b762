"""The answer endpoint refuses JSON nested deeper than Python's parser goes as the JSON it is not (400,
its usual refusal), not with a server error (RecursionError): the same rule as the HR API's bodies."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from exams.services import attempts

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"question": 1, "choices": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ],
    ids=["the body", "a value"],
)
def test_json_nested_too_deep_is_refused_as_invalid_json(world, body):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    with translation.override("en"):
        url = reverse("exams:answer", args=[attempt.pk])
    response = login(world.alice).post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "code": "bad_json", "error": "The request is not valid JSON."}
