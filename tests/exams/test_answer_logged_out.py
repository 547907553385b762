"""An answer sent after the session ended is refused in words the exam page shows (403, ``logged_out``), and
nothing is stored. It used to be sent to the log-in page, whose 200 the page took for "All answers saved"
(found by a trainee on a phone whose session had ended)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from exams.services import attempts

pytestmark = pytest.mark.django_db


def test_an_answer_without_a_session_is_refused_as_logged_out(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    with translation.override("en"):
        url = reverse("exams:answer", args=[attempt.pk])
    response = Client().post(url, {"question": 1, "choices": [0]}, content_type="application/json",
                             HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 403
    body = response.json()
    assert (body["ok"], body["code"]) == (False, "logged_out")
    assert body["error"].startswith("You are logged out, so this answer is not saved.")
    assert not attempt.items.filter(answered_at__isnull=False).exists()
