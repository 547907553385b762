"""The rule of invisible characters (core.text_rules) in the exams' free text.

An essay answer keeps its layout (line breaks, tabs, the zero-width joiners of core.text_rules.TEXT_LAYOUT) and
nothing else of the kind: a bidirectional control (U+202E …), a zero-width space, a byte-order mark, a NUL are
taken out and the answer saved without them, and the answer to the save says so, in the trainee's language, with
the text that was kept (the exam page shows both: static/exams/attempt.js). The trainee cannot see such a
character, so cannot find it to remove it: a refusal would have left every later save of the essay refused until
the deadline, the page dropping each one. A grader's note, read by other staff, refuses one on the form, as every
reason given in admin does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from exams.models import Attempt, EssayAnswer, QuestionType
from exams.services import ExamError, attempts, grading

from .conftest import login
from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db

RLO, ZWSP, BOM, LRM = "\u202e", "\u200b", "\ufeff", "\u200e"


@pytest.fixture
def essay(attempt):
    return attempt.items.get(question__question_type=QuestionType.ESSAY)


def save(client, attempt, position: int, text: str, language: str = "en"):
    with translation.override(language):
        url = reverse("exams:answer", args=[attempt.pk])
    return client.post(url, {"question": position, "text": text}, content_type="application/json")


@pytest.mark.parametrize(
    ("typed", "kept", "named"),
    [
        (f"abc{RLO}fed", "abcfed", ["U+202E"]),
        (f"{BOM}A{ZWSP}B{ZWSP}C{LRM}", "ABC", ["U+FEFF", "U+200B", "U+200E"]),
        ("a\x00b\x1bc", "abc", ["U+0000", "U+001B"]),
        ("\u2066isolate\u2069", "isolate", ["U+2066", "U+2069"]),
    ],
)
def test_an_essay_is_saved_without_invisible_controls_and_the_answer_says_so(
    essay_world, attempt, essay, typed, kept, named
):
    response = save(login(essay_world.alice), attempt, essay.position, typed)
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["question"] == essay.position
    assert body["removed"] == named and body["text"] == kept
    assert "invisible control character" in body["notice"] and named[0] in body["notice"]
    assert f"question {essay.position}" in body["notice"]
    essay.refresh_from_db()
    assert essay.answer == kept


def test_the_notice_is_in_the_trainees_language(essay_world, attempt, essay):
    body = save(login(essay_world.alice), attempt, essay.position, f"好{RLO}", language="zh-hant").json()
    assert body["notice"].startswith(f"您第 {essay.position} 題的答案含有看不見的控制字元（U+202E）")


def test_the_layout_of_an_essay_is_kept_and_no_notice_is_given(essay_world, attempt, essay):
    text = "第一點：\n\t- 存款\r\n- 放款 \u200c\u200d 👩\u200d💻"
    response = save(login(essay_world.alice), attempt, essay.position, text)
    assert response.status_code == 200
    assert response.json().keys() == {"ok", "question", "saved_at", "previous", "revision"}
    essay.refresh_from_db()
    assert essay.answer == text


def test_the_essay_length_limit_counts_what_is_kept(essay_world, attempt, essay):
    essay_world.paper.essay_max_chars = 3
    essay_world.paper.save(update_fields=["essay_max_chars"])
    client = login(essay_world.alice)
    assert save(client, attempt, essay.position, f"a{RLO}{ZWSP}bc").json()["text"] == "abc"
    refused = save(client, attempt, essay.position, f"abcd{RLO}")
    assert refused.status_code == 400 and refused.json()["code"] == "too_long"
    essay.refresh_from_db()
    assert essay.answer == "abc"


def test_the_service_keeps_the_rule_whoever_calls_it(attempt, essay):
    saved = attempts.do_save_answer(
        attempt_id=attempt.pk, trainee_id=attempt.trainee_id, position=essay.position, payload={"text": f"x{RLO}y"}
    )
    assert saved.answer == "xy" and saved.removed == ("U+202E",)
    assert "U+202E" in attempts.removal_notice(saved)


# --- a grader's note ---------------------------------------------------------------------------------------------


@pytest.fixture
def waiting_essay(essay_world, attempt, django_capture_on_commit_callbacks) -> EssayAnswer:
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADING
    return EssayAnswer.objects.get(attempt=attempt)


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Remove the invisible control character U+202E."), ("zh-hant", "請移除看不見的控制字元 U+202E。")],
)
def test_a_graders_note_with_a_bidirectional_control_is_refused_on_the_form(waiting_essay, grader_a, language, message):
    with translation.override(language):
        url = reverse("admin:exams_essayanswer_change", args=[waiting_essay.pk])
    response = grader_a.post(url, {"score": "7", "grader_note": f"good{RLO}doog"})
    page = response.content.decode()
    assert response.status_code == 200 and page.count(message) == 1
    assert "doog</textarea>" in page  # what the grader typed stays on the form
    waiting_essay.refresh_from_db()
    assert waiting_essay.score is None and waiting_essay.grader_note == ""


def test_a_graders_note_keeps_its_lines(waiting_essay, grader_a, django_capture_on_commit_callbacks):
    url = reverse("admin:exams_essayanswer_change", args=[waiting_essay.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = grader_a.post(url, {"score": "7", "grader_note": "清楚\r\n\t- clear"})
    assert response.status_code == 302
    waiting_essay.refresh_from_db()
    assert waiting_essay.score == Decimal(7) and waiting_essay.grader_note == "清楚\r\n\t- clear"


def test_the_grading_service_refuses_a_note_with_a_control_too(waiting_essay, grader_a):
    with pytest.raises(ExamError) as refused:
        grading.do_grade_essay(item_id=waiting_essay.pk, grader=grader_a.user, score=Decimal(7), note=f"a{ZWSP}b")
    assert refused.value.code == "control_character" and refused.value.field == "grader_note"
    waiting_essay.refresh_from_db()
    assert waiting_essay.score is None
