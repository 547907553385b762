"""The exam page's server side for two tabs and for time-up: every save answers with the attempt's revision before and
after it (a page that knew an older one missed a save made elsewhere), the answer endpoint's GET gives the answers saved
as the page shows them, and the page's own submit at time-up (``time_up``) submits once, whoever else submits too
(tests/browser/test_exam_page_sync.py drives the page)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from exams.models import Attempt, QuestionType
from exams.services import attempts

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def save(client, attempt, body) -> dict:
    response = client.post(
        reverse("exams:answer", args=[attempt.pk]), json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_save_made_in_another_tab_shows_in_the_next_saves_previous_revision_and_in_the_answers_read(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    single = attempt.items.get(question__question_type=QuestionType.SINGLE)
    other = attempt.items.exclude(pk=single.pk).order_by("position").first()
    first_tab, second_tab = login(world.alice), login(world.alice)
    assert attempts.revision_of(attempt.pk) == 0

    mine = save(first_tab, attempt, {"question": single.position, "choices": [0]})
    assert mine["previous"] == 0 and mine["revision"] > 0
    again = save(first_tab, attempt, {"question": single.position, "choices": [1]})
    assert again["previous"] == mine["revision"]  # nobody else saved in between
    theirs = save(second_tab, attempt, {"question": single.position, "choices": [2]})
    assert theirs["previous"] == again["revision"]
    # The first tab's next save says that a save it has not seen came in between.
    later = save(first_tab, attempt, {"question": other.position, "choices": [0]})
    assert later["previous"] == theirs["revision"] > again["revision"]

    read = first_tab.get(reverse("exams:answer", args=[attempt.pk]))
    assert read.status_code == 200
    data = read.json()
    assert data["ok"] is True and data["state"] == "open"
    assert data["revision"] == later["revision"] == attempts.revision_of(attempt.pk)
    assert data["answers"][str(single.position)] == {"choices": [2], "at": theirs["revision"]}
    assert data["answers"][str(other.position)]["choices"] == [0]
    page = first_tab.get(reverse("exams:attempt", args=[attempt.pk]))
    assert f'data-revision="{later["revision"]}"' in page.content.decode()


def test_the_answers_read_are_the_trainees_own_and_need_a_session(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    url = reverse("exams:answer", args=[attempt.pk])
    assert login(world.bob).get(url).status_code == 404
    from django.test import Client

    logged_out = Client().get(url)
    assert logged_out.status_code == 403 and logged_out.json()["code"] == "logged_out"


def test_the_pages_submit_at_time_up_submits_once_whoever_else_submits(world, django_capture_on_commit_callbacks):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    client = login(world.alice)
    url = reverse("exams:submit", args=[attempt.pk])
    after = attempt.deadline + datetime.timedelta(seconds=1)
    with freeze_time(after), django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"time_up": "1"}, follow=True)
    assert response.redirect_chain[0][0] == reverse("exams:result", args=[attempt.pk])
    said = [str(m) for m in response.context["messages"]]
    assert said == ["Time is up: your saved answers are submitted. You will get the result by e-mail too."]
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.submitted_automatically
    assert attempt.submitted_at == attempt.deadline and len(callbacks) == 1  # closed at time-up: at the deadline

    # A second tab's time-up, and the minute's job, change nothing and grade nothing again; the page still says
    # what happened, not an error.
    with freeze_time(after + datetime.timedelta(minutes=1)), django_capture_on_commit_callbacks() as again:
        response = client.post(url, {"time_up": "1"}, follow=True)
        assert attempts.do_submit_overdue_attempts() == 0
    assert [str(m) for m in response.context["messages"]] == said
    attempt.refresh_from_db()
    assert attempt.submitted_at == attempt.deadline and again == []


def test_a_time_up_submit_before_the_servers_deadline_leaves_the_attempt_open(
    world, django_capture_on_commit_callbacks
):
    """The page's clock can run ahead (set forward, a phone waking up): its time-up a minute early must not end the
    attempt; it goes back to the exam page, which counts down from the server's clock again."""
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    client = login(world.alice)
    with freeze_time(attempt.deadline - datetime.timedelta(seconds=60)), django_capture_on_commit_callbacks() as done:
        response = client.post(reverse("exams:submit", args=[attempt.pk]), {"time_up": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("exams:attempt", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.OPEN and attempt.submitted_at is None and done == []
    # The trainee can still answer, and submit with the button as always.
    with freeze_time(attempt.deadline - datetime.timedelta(seconds=30)):
        single = attempt.items.get(question__question_type=QuestionType.SINGLE)
        save(client, attempt, {"question": single.position, "choices": [0]})
        client.post(reverse("exams:submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and not attempt.submitted_automatically
