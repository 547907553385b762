"""Two copies of one POST racing with the same Idempotency-Key: one enrolment, the same answer twice."""

import threading

import pytest
from django.db import connection

from courses.models import Enrolment
from tests.factories import CohortFactory

from .conftest import http


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_racing_retries_enrol_once(postgres_only, cast, employee_a):
    cohort = CohortFactory()
    payload = {"employee": employee_a.pk, "cohort": cohort.pk}
    answers = []
    barrier = threading.Barrier(2, timeout=30)
    apis = [http(cast.hr_a), http(cast.hr_a)]

    def post(api):
        try:
            barrier.wait()
            answers.append(api.post("/api/v1/enrollments/", payload, format="json", HTTP_IDEMPOTENCY_KEY="race-1"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(api,)) for api in apis]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status_code for a in answers) == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Enrolment.objects.count() == 1
