"""A submit that arrives after the deadline and the grace (the tester's: the deadline set 2 minutes back, then the
submit button) is recorded as what it is, the attempt closed at its deadline: ``submitted_at`` the deadline and
``submitted_automatically`` set, as the sweep of overdue attempts records it (one rule, ``do_submit_attempt``), and
the page says time is up. A submit within the grace stays the trainee's own, and a second submit changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exams.models import Attempt, QuestionType
from exams.services import attempts

from .conftest import login

pytestmark = pytest.mark.django_db

GRACE = 30
TIME_UP = "Time is up: your saved answers are submitted. You will get the result by e-mail too."
SUBMITTED = "Your answers are submitted. You will get the result by e-mail too."


@pytest.fixture
def running(world, settings):
    settings.EXAM_SAVE_GRACE_SECONDS = GRACE
    return attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)


def overrun(attempt: Attempt, by: datetime.timedelta) -> datetime.datetime:
    """Move the attempt's deadline ``by`` into the past, as the tester did in the database."""
    deadline = timezone.now() - by
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    return deadline


def submit(client, attempt, language="en", **data):
    with translation.override(language):
        url = reverse("exams:submit", args=[attempt.pk])
    return client.post(url, data, follow=True)


def record(attempt: Attempt) -> tuple:
    attempt.refresh_from_db()
    return attempt.state, attempt.submitted_at, attempt.submitted_automatically


def test_a_manual_submit_two_minutes_late_is_recorded_as_closed_at_the_deadline(
    running, world, django_capture_on_commit_callbacks
):
    deadline = overrun(running, datetime.timedelta(minutes=2))
    client = login(world.alice)
    with django_capture_on_commit_callbacks(execute=False) as graded:
        response = submit(client, running)
    assert response.redirect_chain == [(reverse("exams:result", args=[running.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [TIME_UP]
    assert record(running) == (Attempt.State.SUBMITTED, deadline, True)
    assert len(graded) == 1

    # A second submit (the button again, another tab) is a no-op: the record stays, nothing is graded again.
    with django_capture_on_commit_callbacks(execute=False) as again:
        response = submit(client, running)
    assert [str(m) for m in response.context["messages"]] == ["This attempt has already been submitted."]
    assert record(running) == (Attempt.State.SUBMITTED, deadline, True)
    assert again == []


def test_the_late_submit_is_said_as_time_up_in_chinese(running, world):
    overrun(running, datetime.timedelta(minutes=2))
    response = submit(login(world.alice), running, "zh-hant")
    with translation.override("zh-hant"):
        expected = str(translation.gettext(TIME_UP))
    assert [str(m) for m in response.context["messages"]] == [expected]


def test_the_late_submit_closes_on_the_answers_saved_in_time(running, world):
    single = running.items.get(question__question_type=QuestionType.SINGLE)
    in_time = running.deadline - datetime.timedelta(minutes=1)
    attempts.do_save_answer(
        attempt_id=running.pk, trainee_id=world.alice.pk, position=single.position, payload={"choices": [1]},
        now=in_time,
    )  # fmt: skip
    overrun(running, datetime.timedelta(minutes=2))
    with pytest.raises(attempts.ExamError) as refused:
        attempts.do_save_answer(
            attempt_id=running.pk, trainee_id=world.alice.pk, position=single.position, payload={"choices": [2]}
        )
    assert refused.value.code == "time_up"
    submit(login(world.alice), running)
    single.refresh_from_db()
    assert single.answer == [single.option_order[1]]


def test_a_late_submit_and_the_sweep_record_alike(running, world):
    other = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    for attempt in (running, other):
        overrun(attempt, datetime.timedelta(minutes=2))
    submit(login(world.alice), running)
    assert attempts.do_submit_overdue_attempts() == 1  # Bob's; Alice's is closed already
    alice, bob = record(running), record(other)
    assert alice == (Attempt.State.SUBMITTED, running.deadline, True)
    assert bob == (Attempt.State.SUBMITTED, other.deadline, True)


@pytest.mark.parametrize(
    ("after_deadline", "manual"),
    [
        (datetime.timedelta(0), True),
        (datetime.timedelta(seconds=GRACE), True),  # the last moment an answer is still saved
        (datetime.timedelta(seconds=GRACE, microseconds=1), False),  # the first the sweep takes
        (datetime.timedelta(days=3), False),
    ],
)
def test_a_submit_is_the_trainees_own_within_the_grace_and_time_up_after_it(running, after_deadline, manual):
    now = running.deadline + after_deadline
    assert (running.pk in attempts.overdue_attempt_ids(now)) is not manual  # the sweep's line is the same
    submitted = attempts.do_submit_attempt(attempt_id=running.pk, now=now)
    expected = (Attempt.State.SUBMITTED, now, False) if manual else (Attempt.State.SUBMITTED, running.deadline, True)
    for attempt in (submitted, Attempt.objects.get(pk=running.pk)):
        assert (attempt.state, attempt.submitted_at, attempt.submitted_automatically) == expected


def test_a_submit_before_the_deadline_is_recorded_as_made(running):
    now = running.deadline - datetime.timedelta(minutes=5)
    attempts.do_submit_attempt(attempt_id=running.pk, now=now)
    assert record(running) == (Attempt.State.SUBMITTED, now, False)
