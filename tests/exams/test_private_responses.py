"""A trainee's exam pages and answers are never kept by a shared cache (``Cache-Control: private``). The test
walks every address of the exams: each is checked here."""

import json

import pytest
from django.urls import reverse

from exams import urls
from exams.services import attempts

from .conftest import login

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_page_of_the_trainees_exams_is_private(world):
    client = login(world.alice)
    instructions = client.get(reverse("exams:start", args=[world.sitting.pk]))
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer = json.dumps({"question": 1, "choices": [0]})
    checked = {
        "home": [client.get(reverse("exams:home"))],
        "start": [instructions],
        "attempt": [client.get(reverse("exams:attempt", args=[attempt.pk]))],
        "answer": [client.post(reverse("exams:answer", args=[attempt.pk]), answer, content_type="application/json")],
        "submit": [client.get(reverse("exams:submit", args=[attempt.pk]))],
    }
    client.post(reverse("exams:submit", args=[attempt.pk]))
    checked["result"] = [client.get(reverse("exams:result", args=[attempt.pk]))]
    for name, responses in checked.items():
        for response in responses:
            assert response.status_code == 200, (name, response.status_code)
            assert "private" in directives(response), name
    assert {pattern.name for pattern in urls.urlpatterns} == set(checked), "a new address: check it here"
