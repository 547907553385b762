"""What the broker or a killed process loses, the database still knows: the beat sweep enqueues it (or
announces it) again, once; a submit never fails because the broker is down."""

import datetime
from unittest import mock

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from config.celery_app import app as celery_app
from exams.models import Attempt, CourseResult
from exams.services import attempts, grading
from exams.signals import result_published
from tests.drills import world

pytestmark = pytest.mark.django_db


def test_the_sweep_enqueues_old_submitted_attempts_and_unmailed_results_only(settings):
    settings.EXAM_GRADING_SWEEP_AFTER_SECONDS = 120
    w = world.build(4)
    now = timezone.now()
    old, recent = now - datetime.timedelta(seconds=300), now - datetime.timedelta(seconds=10)
    lost, fresh, graded, _still_open = w.attempts
    Attempt.objects.filter(pk=lost.pk).update(state="submitted", submitted_at=old)
    Attempt.objects.filter(pk=fresh.pk).update(state="submitted", submitted_at=recent)
    Attempt.objects.filter(pk=graded.pk).update(state="graded", submitted_at=old)
    unmailed = CourseResult.objects.create(attempt=graded, trainee_id=graded.trainee_id, course=w.paper.course,
                                           score=1, max_score=4, percent=25, passed=False, published_at=old,
                                           announced_at=old)  # fmt: skip
    with (
        mock.patch("exams.tasks.grade_attempt.delay") as grade,
        mock.patch("exams.tasks.send_result_email.delay") as mail,
    ):
        assert grading.do_sweep_grading(now=now) == {"announcements": 0, "grading": 1, "mail": 1}
    grade.assert_called_once_with(lost.pk)
    mail.assert_called_once_with(unmailed.pk)


def test_the_sweep_stops_quietly_while_the_broker_is_down():
    w = world.build(1)
    Attempt.objects.filter(pk=w.attempts[0].pk).update(
        state="submitted", submitted_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with mock.patch("exams.tasks.grade_attempt.delay", side_effect=BrokerError("Connection refused")):
        assert grading.do_sweep_grading() == {"announcements": 0, "grading": 0, "mail": 0}


def test_a_submit_while_the_broker_is_down_is_saved_and_left_for_the_sweep(django_capture_on_commit_callbacks, caplog):
    w = world.build(1)
    celery_app.conf.task_always_eager = False  # as in production: the broker is really asked
    try:
        with mock.patch("exams.tasks.grade_attempt.delay", side_effect=BrokerError("Connection refused")) as delay, \
                django_capture_on_commit_callbacks(execute=True):  # fmt: skip
            attempts.do_submit_attempt(attempt_id=w.attempts[0].pk)
    finally:
        celery_app.conf.task_always_eager = True
    delay.assert_called_once()
    assert Attempt.objects.get(pk=w.attempts[0].pk).state == "submitted"
    assert "the sweeper will" in caplog.text


@pytest.fixture
def heard():
    """The results ``result_published`` announced, in order."""
    results = []
    result_published.connect(lambda sender, result, **kw: results.append(result.pk), weak=False, dispatch_uid="heard")
    yield results
    result_published.disconnect(dispatch_uid="heard")


def graded(w, capture):
    """Submit and grade the drill world's first attempt; returns (result, the grading's after-commit work)."""
    attempts.do_submit_attempt(attempt_id=w.attempts[0].pk)  # its grading task is not run: graded here
    with capture(execute=False) as after_commit:
        result = grading.do_grade_attempt(attempt_id=w.attempts[0].pk)
    return result, after_commit


def test_a_result_whose_announcement_was_lost_is_announced_by_the_sweep_once(
    settings, heard, django_capture_on_commit_callbacks
):
    settings.EXAM_GRADING_SWEEP_AFTER_SECONDS = 120
    # The grading transaction commits; the process is killed before its after-commit announcement.
    result, lost = graded(world.build(1), django_capture_on_commit_callbacks)
    assert lost and heard == [] and result.announced_at is None

    in_grace = result.published_at + datetime.timedelta(seconds=60)
    assert grading.do_sweep_grading(now=in_grace)["announcements"] == 0 and heard == []
    later = result.published_at + datetime.timedelta(seconds=300)
    with django_capture_on_commit_callbacks(execute=True):
        assert grading.do_sweep_grading(now=later)["announcements"] == 1
    assert heard == [result.pk]

    # Announced: neither the next runs nor the lost after-commit work, run late, announce it again.
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            grading.do_sweep_grading(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in lost:
            callback()
    assert heard == [result.pk], "announced more than once"
    assert CourseResult.objects.get(pk=result.pk).announced_at is not None


def test_a_result_is_announced_after_the_grading_commits_and_never_again(heard, django_capture_on_commit_callbacks):
    result, after_commit = graded(world.build(1), django_capture_on_commit_callbacks)
    assert heard == [] and result.announced_at is None  # nothing inside the grading transaction
    with django_capture_on_commit_callbacks(execute=True):
        for callback in after_commit:  # the announcement, then the result mail
            callback()
    assert heard == [result.pk]
    assert CourseResult.objects.get(pk=result.pk).announced_at is not None
    assert grading.RESULT_PUBLISHED.announce(result.pk) is False
    assert grading.do_sweep_grading(now=timezone.now() + datetime.timedelta(hours=1))["announcements"] == 0
    assert heard == [result.pk]


def test_an_announcement_whose_receiver_breaks_the_transaction_is_left_for_the_sweep(
    heard, django_capture_on_commit_callbacks
):
    result, _after_commit = graded(world.build(1), django_capture_on_commit_callbacks)

    def breaks_the_transaction(sender, result, **kwargs):
        # A receiver whose write failed leaves the transaction unusable (as PostgreSQL does).
        transaction.get_connection().needs_rollback = True

    result_published.connect(breaks_the_transaction, weak=False, dispatch_uid="breaks")
    try:
        with pytest.raises(DatabaseError):
            grading.RESULT_PUBLISHED.announce(result.pk)
    finally:
        result_published.disconnect(dispatch_uid="breaks")
    assert CourseResult.objects.get(pk=result.pk).announced_at is None  # the claim rolled back with it
    assert grading.RESULT_PUBLISHED.announce(result.pk) is True  # what the sweep does next
    assert CourseResult.objects.get(pk=result.pk).announced_at is not None
    assert heard == [result.pk, result.pk]  # heard twice: receivers are idempotent (core.signals)


def test_the_migration_marks_the_results_published_before_the_claim_as_announced(heard):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("exams.migrations.0004_result_announced_at")
    w = world.build(2)
    published_at = timezone.now() - datetime.timedelta(days=3)
    for attempt in w.attempts:
        Attempt.objects.filter(pk=attempt.pk).update(state="grading", submitted_at=published_at)
    published = CourseResult.objects.create(attempt=w.attempts[0], trainee_id=w.attempts[0].trainee_id,
                                            course=w.paper.course, score=4, max_score=4, percent=100, passed=True,
                                            published_at=published_at)  # fmt: skip
    waiting = CourseResult.objects.create(attempt=w.attempts[1], trainee_id=w.attempts[1].trainee_id,
                                          course=w.paper.course, max_score=4)  # an essay still to grade  # fmt: skip
    migration.mark_published_results_announced(apps, None)
    assert CourseResult.objects.get(pk=published.pk).announced_at == published_at
    assert CourseResult.objects.get(pk=waiting.pk).announced_at is None  # announced when it is published
    assert grading.do_sweep_grading()["announcements"] == 0 and heard == []
