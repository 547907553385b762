"""Two graders at once (a re-delivered task racing the first) grade once; two tabs starting at
once share one attempt. PostgreSQL only: SQLite serializes writers anyway."""

import threading

import pytest
from django.db import connection

from exams.models import Attempt, CourseResult
from exams.services import attempts, grading

from .conftest import approve, make_paper, open_sitting

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(target, n=2):
    barrier = threading.Barrier(n)
    outcomes = []

    def run():
        barrier.wait()
        try:
            outcomes.append(target())
        except Exception as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def sitting_and_trainee(postgres_only):
    from tests.factories import CohortFactory, UserFactory

    cohort = CohortFactory()
    paper = make_paper(cohort.curriculum.entries.select_related("course").first().course)
    trainee = UserFactory()
    approve(trainee, cohort)
    return open_sitting(paper, cohort), trainee


def test_concurrent_grading_grades_once(sitting_and_trainee):
    sitting, trainee = sitting_and_trainee
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
    Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.SUBMITTED, submitted_at=attempt.started_at)
    outcomes = race(lambda: grading.do_grade_attempt(attempt_id=attempt.pk))
    assert sorted(o is None for o in outcomes) == [False, True], outcomes
    assert CourseResult.objects.filter(attempt=attempt).count() == 1


def test_two_tabs_starting_at_once_share_one_attempt(sitting_and_trainee):
    sitting, trainee = sitting_and_trainee
    outcomes = race(lambda: attempts.do_start_attempt(trainee=trainee, sitting=sitting).pk)
    assert len(set(outcomes)) == 1, outcomes
    assert Attempt.objects.filter(trainee=trainee).count() == 1
