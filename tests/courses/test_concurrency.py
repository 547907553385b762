"""Seats under concurrency: many trainees enrol in the same cohort at the same moment (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from courses import services
from courses.models import Cohort, Enrolment
from courses.services import TrainingError
from tests.factories import CohortFactory, UserFactory

# Each thread needs its own committed view of the rows, so no wrapping test transaction; the
# national catalog (data migration) is restored after the flush by serialized_rollback.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 12
CAPACITY = 5


def test_concurrent_enrolments_never_overbook_a_cohort(postgres_only):
    cohort = CohortFactory(capacity=CAPACITY)
    trainees = [UserFactory() for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def enrol(trainee):
        try:
            barrier.wait(timeout=30)  # every thread starts its transaction at the same moment
            services.do_enrol(trainee=trainee, cohort=Cohort.objects.get(pk=cohort.pk))
            result = "enrolled"
        except TrainingError as error:
            result = error.code
        except Exception as error:
            result = repr(error)
        finally:
            connections.close_all()  # each thread had its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=enrol, args=(t,)) for t in trainees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert connection.vendor == "postgresql"
    assert sorted(outcomes) == ["enrolled"] * CAPACITY + ["full"] * (THREADS - CAPACITY)
    cohort.refresh_from_db()
    assert cohort.seats_taken == CAPACITY
    assert Enrolment.objects.filter(cohort=cohort).count() == CAPACITY


def test_one_trainee_enrolling_twice_at_once_gets_one_enrolment(postgres_only):
    first, second = CohortFactory(), CohortFactory()
    trainee = UserFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def enrol(cohort):
        try:
            barrier.wait(timeout=30)
            services.do_enrol(trainee=trainee, cohort=cohort)
            outcomes.append("enrolled")
        except TrainingError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_enrolled", "enrolled"]
    assert Enrolment.objects.filter(trainee=trainee).count() == 1
    seats = sorted(Cohort.objects.filter(pk__in=[first.pk, second.pk]).values_list("seats_taken", flat=True))
    assert seats == [0, 1]
