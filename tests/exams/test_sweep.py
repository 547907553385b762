"""What the broker loses, the database still knows: the beat sweep enqueues it again; a submit never
fails because the broker is down."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from config.celery_app import app as celery_app
from exams import services
from exams.models import Attempt, CourseResult
from tests.drills import world

pytestmark = pytest.mark.django_db


def test_the_sweep_enqueues_old_submitted_attempts_and_unmailed_results_only(settings):
    settings.EXAM_GRADING_SWEEP_AFTER_SECONDS = 120
    w = world.build(4)
    now = timezone.now()
    old, recent = now - datetime.timedelta(seconds=300), now - datetime.timedelta(seconds=10)
    lost, fresh, graded, still_open = w.attempts
    Attempt.objects.filter(pk=lost.pk).update(state="submitted", submitted_at=old)
    Attempt.objects.filter(pk=fresh.pk).update(state="submitted", submitted_at=recent)
    Attempt.objects.filter(pk=graded.pk).update(state="graded", submitted_at=old)
    unmailed = CourseResult.objects.create(attempt=graded, trainee_id=graded.trainee_id, course=w.paper.course,
                                           score=1, max_score=4, percent=25, passed=False, published_at=old)  # fmt: skip
    with mock.patch("exams.tasks.grade_attempt.delay") as grade, mock.patch("exams.tasks.send_result_email.delay") as mail:
        assert services.do_sweep_grading(now=now) == {"grading": 1, "mail": 1}
    grade.assert_called_once_with(lost.pk)
    mail.assert_called_once_with(unmailed.pk)


def test_the_sweep_stops_quietly_while_the_broker_is_down():
    w = world.build(1)
    Attempt.objects.filter(pk=w.attempts[0].pk).update(state="submitted", submitted_at=timezone.now() - datetime.timedelta(hours=1))
    with mock.patch("exams.tasks.grade_attempt.delay", side_effect=BrokerError("Connection refused")):
        assert services.do_sweep_grading() == {"grading": 0, "mail": 0}


def test_a_submit_while_the_broker_is_down_is_saved_and_left_for_the_sweep(django_capture_on_commit_callbacks, caplog):
    w = world.build(1)
    celery_app.conf.task_always_eager = False  # as in production: the broker is really asked
    try:
        with mock.patch("exams.tasks.grade_attempt.delay", side_effect=BrokerError("Connection refused")) as delay, \
                django_capture_on_commit_callbacks(execute=True):  # fmt: skip
            services.do_submit_attempt(attempt_id=w.attempts[0].pk)
    finally:
        celery_app.conf.task_always_eager = True
    delay.assert_called_once()
    assert Attempt.objects.get(pk=w.attempts[0].pk).state == "submitted"
    assert "the sweeper will" in caplog.text
