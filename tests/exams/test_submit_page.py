"""The submit page names the questions still without an answer, each a link to it on the exam page."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from exams.services import attempts
from tests.page_text import text_of

from .conftest import login

pytestmark = pytest.mark.django_db


def test_it_lists_the_unanswered_questions_with_links_to_them(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    client = login(world.alice)
    client.post(
        reverse("exams:answer", args=[attempt.pk]), json.dumps({"question": 2, "choices": [0]}),
        content_type="application/json",
    )  # fmt: skip
    body = client.get(f"/en/exams/attempts/{attempt.pk}/submit/").content.decode()
    assert "You answered 1 of 3 questions." in text_of(body)
    assert "These 2 questions have no answer yet:" in text_of(body)
    exam_page = reverse("exams:attempt", args=[attempt.pk])
    links = re.findall(r'<a [^>]*href="([^"]+)">([^<]+)</a>', body[body.index('id="unanswered"') :])
    assert links[:2] == [(f"{exam_page}#question-1", "Question 1"), (f"{exam_page}#question-3", "Question 3")]
    # The exam page has those anchors.
    page = client.get(exam_page).content.decode()
    assert 'id="question-1"' in page and 'id="question-3"' in page


@translation.override("en")
def test_all_answered_lists_nothing(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    client = login(world.alice)
    for position in (1, 2, 3):
        item = attempt.items.get(position=position)
        body = {"question": position, "choices": [0]}
        if item.question.question_type == "multiple":
            body = {"question": position, "choices": [0, 1]}
        client.post(reverse("exams:answer", args=[attempt.pk]), json.dumps(body), content_type="application/json")
    body = client.get(reverse("exams:submit", args=[attempt.pk])).content.decode()
    assert "3 of 3 questions" in text_of(body) and 'id="unanswered"' not in body
