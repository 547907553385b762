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


# --- what one run does over several rows --------------------------------------------------------


def sweep_messages(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "exams.services.grading"]


def result_of(attempt, *, published_at, mailed_at=None, announced_at=None) -> CourseResult:
    Attempt.objects.filter(pk=attempt.pk).update(state="graded", submitted_at=published_at)
    return CourseResult.objects.create(attempt=attempt, trainee_id=attempt.trainee_id, course=attempt.paper.course,
                                       score=4, max_score=4, percent=100, passed=True, published_at=published_at,
                                       mailed_at=mailed_at, announced_at=announced_at)  # fmt: skip


def test_one_run_counts_every_row_it_does_and_leaves_the_recent_and_the_mailed_alone(settings, heard):
    settings.EXAM_GRADING_SWEEP_AFTER_SECONDS = 120
    w = world.build(7)
    now = timezone.now()
    older, old, recent = (now - datetime.timedelta(seconds=s) for s in (600, 300, 10))
    lost_first, lost_second, fresh, *graded_ones = w.attempts
    Attempt.objects.filter(pk=lost_first.pk).update(state="submitted", submitted_at=older)
    Attempt.objects.filter(pk=lost_second.pk).update(state="submitted", submitted_at=old)
    Attempt.objects.filter(pk=fresh.pk).update(state="submitted", submitted_at=recent)
    unmailed_first = result_of(graded_ones[0], published_at=older)
    unmailed_second = result_of(graded_ones[1], published_at=old)
    result_of(graded_ones[2], published_at=old, mailed_at=old, announced_at=old)  # mailed already
    result_of(graded_ones[3], published_at=recent, announced_at=recent)  # the grading task may still mail it
    with (
        mock.patch("exams.tasks.grade_attempt.delay") as grade,
        mock.patch("exams.tasks.send_result_email.delay") as mail,
    ):
        assert grading.do_sweep_grading(now=now) == {"announcements": 2, "grading": 2, "mail": 2}
    assert grade.call_args_list == [mock.call(lost_first.pk), mock.call(lost_second.pk)]
    assert mail.call_args_list == [mock.call(unmailed_first.pk), mock.call(unmailed_second.pk)]
    assert heard == [unmailed_first.pk, unmailed_second.pk]


def test_a_run_enqueues_at_most_5000_gradings_the_oldest_first(settings):
    """The beat task sweeps with the default limit: a backlog after an outage is worked off in bounded runs."""
    settings.EXAM_GRADING_SWEEP_AFTER_SECONDS = 120
    w = world.build(1)
    first = w.attempts[0]
    now = timezone.now()
    lost = Attempt.objects.bulk_create(
        Attempt(sitting=first.sitting, paper=first.paper, trainee_id=first.trainee_id, number=n, seed=7,
                state="submitted", started_at=now - datetime.timedelta(hours=2), deadline=now,
                submitted_at=now - datetime.timedelta(hours=1, seconds=n))
        for n in range(2, 5003)
    )  # fmt: skip
    assert len(lost) == 5001
    with mock.patch("exams.tasks.grade_attempt.delay") as grade:
        assert grading.do_sweep_grading(now=now)["grading"] == 5000
    assert grade.call_count == 5000 and grade.call_args_list[0] == mock.call(lost[-1].pk)  # the oldest first


def test_a_result_the_sweep_cannot_announce_is_logged_and_the_others_are_announced(
    settings, heard, caplog, django_capture_on_commit_callbacks
):
    settings.EXAM_GRADING_SWEEP_AFTER_SECONDS = 120
    w = world.build(2)
    old = timezone.now() - datetime.timedelta(seconds=300)
    broken = result_of(w.attempts[0], published_at=old - datetime.timedelta(seconds=1), mailed_at=old)
    fine = result_of(w.attempts[1], published_at=old, mailed_at=old)

    def breaks_the_transaction(sender, result, **kwargs):
        if result.pk == broken.pk:
            transaction.get_connection().needs_rollback = True

    result_published.connect(breaks_the_transaction, weak=False, dispatch_uid="breaks-one")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            counts = grading.do_sweep_grading()
    finally:
        result_published.disconnect(dispatch_uid="breaks-one")
    assert counts == {"announcements": 1, "grading": 0, "mail": 0}
    assert CourseResult.objects.get(pk=broken.pk).announced_at is None  # for the next run
    assert CourseResult.objects.get(pk=fine.pk).announced_at is not None
    assert f"The grading sweep could not announce result {broken.pk}" in sweep_messages(caplog)


def test_the_sweep_says_in_the_log_that_the_broker_is_unreachable(caplog):
    w = world.build(1)
    Attempt.objects.filter(pk=w.attempts[0].pk).update(
        state="submitted", submitted_at=timezone.now() - datetime.timedelta(hours=1)
    )
    down = BrokerError("Connection refused")
    with mock.patch("exams.tasks.grade_attempt.delay", side_effect=down):
        grading.do_sweep_grading()
    assert sweep_messages(caplog) == [f"The grading sweep stopped, the broker is unreachable: {down!r}"]
