"""Starting, answering and submitting an attempt in the browser; the server's clock rules."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from freezegun import freeze_time

from exams.models import Attempt, AttemptQuestion, QuestionType
from exams.services import ExamError, attempts
from tests.page_text import text_of

from .conftest import SECRET, login, open_sitting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """URLs reversed here are the English pages, so refusals read in English."""
    with translation.override("en"):
        yield


def start(world, user=None):
    return attempts.do_start_attempt(trainee=user or world.alice, sitting=world.sitting)


def post_answer(client: Client, attempt, body) -> tuple[int, dict]:
    response = client.post(
        reverse("exams:answer", args=[attempt.pk]), json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


def item(attempt, kind) -> AttemptQuestion:
    return attempt.items.select_related("question").get(question__question_type=kind)


def test_starting_draws_the_blueprint_reproducibly_from_the_recorded_seed(world):
    attempt = start(world)
    items = list(attempt.items.select_related("question").order_by("position"))
    assert sorted(i.question.question_type for i in items) == ["multiple", "single", "true_false"]
    redrawn = attempts.draw_questions(paper=world.paper, seed=attempt.seed)
    assert [(q.pk, order) for q, order in redrawn] == [(i.question_id, i.option_order) for i in items]
    assert all(sorted(i.option_order) == sorted(o["key"] for o in i.question.options) for i in items)


def test_the_deadline_is_the_earlier_of_the_time_limit_and_the_window_end(world):
    now = timezone.now()
    assert start(world).deadline == pytest.approx(
        now + datetime.timedelta(minutes=60), abs=datetime.timedelta(seconds=5)
    )
    world.other_sitting.closes_at = now + datetime.timedelta(minutes=10)
    world.other_sitting.save()
    short = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    assert short.deadline == world.other_sitting.closes_at


def test_starting_again_resumes_the_open_attempt(world):
    assert start(world).pk == start(world).pk
    assert Attempt.objects.filter(trainee=world.alice).count() == 1


def test_the_database_refuses_a_second_open_attempt_at_the_same_paper(world):
    attempt = start(world)
    with pytest.raises(IntegrityError):
        Attempt.objects.create(
            sitting=world.sitting, paper=world.paper, trainee=world.alice, number=2, seed=1,
            started_at=attempt.started_at, deadline=attempt.deadline,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("not_enrolled", "not_eligible"),
        ("closed", "window_closed"),
        ("future", "not_open_yet"),
        ("used_up", "attempts_used_up"),
        ("retake", "retake_wait"),
    ],
)
def test_it_says_why_a_trainee_cannot_sit(world, setup, code, django_capture_on_commit_callbacks):
    trainee, sitting = world.alice, world.sitting
    now = timezone.now()
    if setup == "not_enrolled":
        sitting = world.other_sitting
    elif setup == "closed":
        sitting = open_sitting(world.paper, world.cohort, opens_at=now - datetime.timedelta(days=2),
                               closes_at=now - datetime.timedelta(days=1))  # fmt: skip
    elif setup == "future":
        sitting = open_sitting(world.paper, world.cohort, opens_at=now + datetime.timedelta(days=1),
                               closes_at=now + datetime.timedelta(days=2))  # fmt: skip
    else:
        world.paper.max_attempts = 1 if setup == "used_up" else 3
        world.paper.save()
        with django_capture_on_commit_callbacks(execute=True):
            attempts.do_submit_attempt(attempt_id=start(world).pk)  # graded eagerly: nothing answered, not passed
    with pytest.raises(ExamError) as refused:
        attempts.do_start_attempt(trainee=trainee, sitting=sitting)
    assert refused.value.code == code
    page = login(trainee).get(reverse("exams:home"))
    if setup != "not_enrolled":
        assert str(refused.value.message) in text_of(page.content.decode())  # its figures kept with their unit


def test_answers_are_saved_as_given_and_the_last_write_wins(world):
    attempt = start(world)
    client = login(world.alice)
    single = item(attempt, QuestionType.SINGLE)
    assert post_answer(client, attempt, {"question": single.position, "choices": [0]})[0] == 200
    assert post_answer(client, attempt, {"question": single.position, "choices": [2]})[0] == 200
    single.refresh_from_db()
    assert single.answer == [single.option_order[2]]
    multiple = item(attempt, QuestionType.MULTIPLE)
    assert post_answer(client, attempt, {"question": multiple.position, "choices": [3, 1]})[0] == 200
    multiple.refresh_from_db()
    assert multiple.answer == sorted([multiple.option_order[3], multiple.option_order[1]])
    page = client.get(reverse("exams:attempt", args=[attempt.pk])).content.decode()
    assert f'id="answer-{single.position}-2" value="2" checked' in page


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"question": 99, "choices": [0]}, 400, "not part of this attempt"),
        ({"question": "single", "choices": [7]}, 400, "does not exist"),
        ({"question": "single", "choices": ["b"]}, 400, '"choices" must be a list'),
        ({"question": "single", "choices": [0, 1]}, 400, "one option only"),
    ],
)
def test_bad_answers_are_refused_and_the_saved_answer_stays(world, body, status, words):
    attempt = start(world)
    client = login(world.alice)
    single = item(attempt, QuestionType.SINGLE)
    post_answer(client, attempt, {"question": single.position, "choices": [1]})
    if body["question"] == "single":
        body = {**body, "question": single.position}
    code, data = post_answer(client, attempt, body)
    assert code == status and words in data["error"]
    single.refresh_from_db()
    assert single.answer == [single.option_order[1]]


def test_an_essay_over_the_length_limit_is_refused(world):
    world.paper.essay_max_chars = 20
    world.paper.save()
    from exams.models import BlueprintRow
    from tests.exams.conftest import make_question

    BlueprintRow.objects.create(
        paper=world.paper, question_type="essay", difficulty=3, knowledge_area="psychology", count=1
    )
    make_question(world.course, QuestionType.ESSAY, 3, "psychology")
    attempt = start(world)
    essay = item(attempt, QuestionType.ESSAY)
    client = login(world.alice)
    assert post_answer(client, attempt, {"question": essay.position, "text": "短答"})[0] == 200
    code, data = post_answer(client, attempt, {"question": essay.position, "text": "x" * 21})
    assert code == 400 and "limit is 20" in data["error"]
    essay.refresh_from_db()
    assert essay.answer == "短答"


def test_an_outsider_cannot_start_another_cohorts_sitting(world):
    # Another institution's sitting is, to Bob, no sitting at all (tests/exams/test_sitting_visibility.py).
    response = login(world.bob).post(reverse("exams:start", args=[world.sitting.pk]))
    assert response.status_code == 404
    assert not Attempt.objects.filter(trainee=world.bob).exists()
    assert f'id="sitting-{world.sitting.pk}"' not in login(world.bob).get(reverse("exams:home")).content.decode()


def test_someone_elses_attempt_answers_404(world):
    attempt = start(world)
    position = attempt.items.first().position
    code, _ = post_answer(login(world.bob), attempt, {"question": position, "choices": [0]})
    assert code == 404
    for name in ("exams:attempt", "exams:submit", "exams:result"):
        assert login(world.bob).get(reverse(name, args=[attempt.pk])).status_code == 404
    assert login(world.bob).post(reverse("exams:submit", args=[attempt.pk])).status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.OPEN


def test_answers_within_the_grace_are_stored_and_later_ones_refused_whatever_the_browser_says(world, settings):
    settings.EXAM_SAVE_GRACE_SECONDS = 30
    attempt = start(world)
    single = item(attempt, QuestionType.SINGLE)
    client = login(world.alice)
    with freeze_time(attempt.deadline + datetime.timedelta(seconds=25)):
        assert post_answer(client, attempt, {"question": single.position, "choices": [0]})[0] == 200
    with freeze_time(attempt.deadline + datetime.timedelta(seconds=31)):
        code, data = post_answer(
            client, attempt, {"question": single.position, "choices": [1], "client_time": "2000-01-01"}
        )
    assert code == 409 and "Time is up" in data["error"]
    with freeze_time(attempt.deadline + datetime.timedelta(seconds=31)):
        chinese = client.post(f"/zh-hant/exams/attempts/{attempt.pk}/answer/",
                              json.dumps({"question": single.position, "choices": [1]}),
                              content_type="application/json")  # fmt: skip
    assert chinese.status_code == 409 and "時間已到" in chinese.json()["error"]
    single.refresh_from_db()
    assert single.answer == [single.option_order[0]]


def test_answers_after_submit_are_refused(world):
    attempt = start(world)
    attempts.do_submit_attempt(attempt_id=attempt.pk)
    code, data = post_answer(login(world.alice), attempt, {"question": 1, "choices": [0]})
    assert code == 409 and "submitted" in data["error"]


def test_the_answer_endpoint_needs_the_csrf_token(world):
    attempt = start(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    response = client.post(reverse("exams:answer", args=[attempt.pk]), json.dumps({"question": 1, "choices": [0]}),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 403


def test_invalid_json_is_a_clear_400(world):
    attempt = start(world)
    response = login(world.alice).post(
        reverse("exams:answer", args=[attempt.pk]), "{nope", content_type="application/json"
    )
    assert response.status_code == 400 and "JSON" in response.json()["error"]


def test_submit_asks_for_confirmation_then_submits_once(world, django_capture_on_commit_callbacks):
    attempt = start(world)
    client = login(world.alice)
    confirm = client.get(reverse("exams:submit", args=[attempt.pk]))
    assert b'id="confirm-submit"' in confirm.content
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exams:submit", args=[attempt.pk]))
    again = client.post(reverse("exams:submit", args=[attempt.pk]), follow=True)
    assert "already been submitted" in again.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADED


def test_the_exam_page_speaks_both_languages_and_carries_the_save_status(world):
    attempt = start(world)
    client = login(world.alice)
    english = client.get(f"/en/exams/attempts/{attempt.pk}/").content.decode()
    chinese = client.get(f"/zh-hant/exams/attempts/{attempt.pk}/").content.decode()
    assert 'id="save-status"' in english and "Option a" in english and "Time left" in english
    assert "選項a" in chinese and "Option a" not in chinese
    assert 'id="countdown"' in chinese and timezone.localtime(attempt.deadline).isoformat()[:19] in english


def test_no_page_or_json_carries_an_answer_key_before_release(world):
    from exams.models import BlueprintRow
    from tests.exams.conftest import make_question

    BlueprintRow.objects.create(
        paper=world.paper, question_type="essay", difficulty=3, knowledge_area="psychology", count=1
    )
    make_question(world.course, QuestionType.ESSAY, 3, "psychology")
    client = login(world.alice)
    bodies = [client.get(reverse("exams:home")).content]
    bodies.append(client.post(reverse("exams:start", args=[world.sitting.pk]), follow=True).content)
    attempt = Attempt.objects.get(trainee=world.alice)
    for lang in ("en", "zh-hant"):
        bodies.append(client.get(f"/{lang}/exams/attempts/{attempt.pk}/").content)
    for it in attempt.items.select_related("question"):
        body = (
            {"question": it.position, "text": "答"}
            if it.question.is_essay
            else {"question": it.position, "choices": [0]}
        )
        bodies.append(
            client.post(
                reverse("exams:answer", args=[attempt.pk]), json.dumps(body), content_type="application/json"
            ).content
        )
    bodies.append(
        client.post(
            reverse("exams:answer", args=[attempt.pk]),
            json.dumps({"question": 1, "choices": [9]}),
            content_type="application/json",
        ).content
    )
    bodies.append(client.get(reverse("exams:submit", args=[attempt.pk])).content)
    bodies.append(client.post(reverse("exams:submit", args=[attempt.pk]), follow=True).content)  # essay: not released
    bodies.append(client.get(reverse("exams:result", args=[attempt.pk])).content)
    bodies.append(client.get(reverse("exams:home")).content)
    for body in bodies:
        text = body.decode()
        assert SECRET not in text and "RUBRIC-SECRET" not in text and '"correct"' not in text


@pytest.mark.parametrize("per_row", [1, 4])
def test_the_attempt_page_and_the_answer_save_run_a_fixed_number_of_queries(db, per_row, django_assert_max_num_queries):
    from tests.factories import CohortFactory, UserFactory

    from .conftest import approve, make_paper

    cohort = CohortFactory()
    paper = make_paper(cohort.curriculum.entries.select_related("course").first().course, essay=True, per_row=per_row)
    trainee = UserFactory()
    approve(trainee, cohort)
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(paper, cohort))
    assert attempt.items.count() == 4 * per_row
    client = login(trainee)
    client.get(reverse("exams:attempt", args=[attempt.pk]))  # warm the session
    with django_assert_max_num_queries(6):
        assert client.get(reverse("exams:attempt", args=[attempt.pk])).status_code == 200
    first = attempt.items.select_related("question").get(position=1)
    body = {"question": 1, "text": "答"} if first.question.is_essay else {"question": 1, "choices": [0]}
    with django_assert_max_num_queries(5):
        assert post_answer(client, attempt, body)[0] == 200


def test_the_exam_page_escapes_question_texts_keeps_line_breaks_and_shows_saved_answers(world):
    attempt = start(world)
    single = item(attempt, QuestionType.SINGLE)
    question = single.question
    question.text_en = 'Which <b>rate</b> & "why"?\nExplain'
    question.options[0]["en"] = "<script>alert(1)</script>"
    question.options[1]["en"] = ""  # an untranslated option falls back to the Chinese text
    question.save()
    client = login(world.alice)
    assert post_answer(client, attempt, {"question": single.position, "choices": [2]})[0] == 200
    page = client.get(f"/en/exams/attempts/{attempt.pk}/").content.decode()
    assert "Which &lt;b&gt;rate&lt;/b&gt; &amp; &quot;why&quot;?<br>Explain" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f">{question.options[1]['zh']}</label>" in page
    shown = {key: index for index, key in enumerate(single.option_order)}
    chosen = single.option_order[2]
    for key, index in shown.items():
        tag = f'id="answer-{single.position}-{index}" value="{index}"'
        assert (tag + " checked" in page) is (key == chosen), key
