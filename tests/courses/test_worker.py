"""The decision e-mail really travels through the queue to a worker process, after commit."""

import pytest

from courses import services
from courses.models import Enrolment
from tests.conftest import wait_until
from tests.factories import CohortFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_approval_is_mailed_by_the_worker(celery_worker):
    enrolment = services.do_enrol(trainee=UserFactory(preferred_language="en"), cohort=CohortFactory())
    services.do_approve_enrolment(enrolment=enrolment)  # autocommit: enqueued once this commits

    def mailed() -> bool:
        return Enrolment.objects.filter(pk=enrolment.pk, decision_mailed_at__isnull=False).exists()

    assert wait_until(mailed, timeout=60), "the worker never claimed and sent the decision e-mail"
    assert celery_worker.poll() is None
