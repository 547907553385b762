"""A real Celery worker grades a submitted attempt (Redis in CI), once, after commit."""

import pytest

from exams.models import Attempt, CourseResult
from exams.services import attempts
from tests.conftest import wait_until
from tests.factories import CohortFactory, InstitutionFactory, UserFactory

from .conftest import approve, make_paper, open_sitting

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_submitted_attempt_is_graded_by_the_worker_once(celery_worker):
    cohort = CohortFactory(institution=InstitutionFactory())
    course = cohort.curriculum.entries.select_related("course").first().course
    paper = make_paper(course)
    trainee = UserFactory(preferred_language="en")
    approve(trainee, cohort)
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(paper, cohort))
    for item in attempt.items.select_related("question"):
        choices = [item.option_order.index(k) for k in item.question.correct]
        attempts.do_save_answer(attempt_id=attempt.pk, trainee_id=trainee.pk, position=item.position,
                                payload={"choices": choices})  # fmt: skip
    attempts.do_submit_attempt(attempt_id=attempt.pk)  # autocommit: enqueued once this commits

    def graded() -> bool:
        return CourseResult.objects.filter(
            attempt=attempt, published_at__isnull=False, mailed_at__isnull=False
        ).exists()

    assert wait_until(graded, timeout=60), "the worker never graded the attempt"
    from exams.tasks import grade_attempt

    first = CourseResult.objects.get(attempt=attempt)
    # A re-delivery: the worker finds nothing to do.
    grade_attempt.apply_async((attempt.pk,), ignore_result=False).get(timeout=60)
    result = CourseResult.objects.get(attempt=attempt)
    assert result.published_at == first.published_at and result.mailed_at == first.mailed_at
    assert result.passed and result.percent == 100
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADED
    assert CourseResult.objects.filter(attempt=attempt).count() == 1
    assert celery_worker.poll() is None
