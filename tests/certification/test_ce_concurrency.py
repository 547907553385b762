"""Continuing-education seats and attendance under concurrency (PostgreSQL): holders racing for the
last seats never overbook a course, and attendance recorded twice at once makes one CE row."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from certification import services
from certification.models import CECourse, CEEnrolment, ContinuingEducation
from certification.services import CertificationError
from tests.factories import CertificateFactory, InstitutionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 8
CAPACITY = 3


def course(starts_in: int = 5) -> CECourse:
    starts_on = timezone.localdate() + datetime.timedelta(days=starts_in)
    row = CECourse.objects.create(
        institution=InstitutionFactory(), title_zh="銀行大客戶營銷技巧", hours=6, starts_on=starts_on,
        ends_on=starts_on, capacity=CAPACITY,
    )  # fmt: skip
    return services.do_publish_ce_course(course=row, today=min(timezone.localdate(), starts_on))


def at_once(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
            result = "done"
        except CertificationError as error:
            result = error.code
        except Exception as error:
            result = repr(error)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def test_holders_racing_for_seats_never_overbook_a_course(postgres_only):
    row = course()
    holders = [CertificateFactory().trainee for _ in range(THREADS)]
    outcomes = at_once([lambda h=h: services.do_enrol_ce(holder=h, course=row) for h in holders])
    assert connection.vendor == "postgresql"
    assert outcomes == ["course_full"] * (THREADS - CAPACITY) + ["done"] * CAPACITY
    row.refresh_from_db()
    assert row.seats_taken == CAPACITY == CEEnrolment.objects.filter(course=row).count()


def test_attendance_recorded_twice_at_once_counts_once(postgres_only):
    row = course(starts_in=0)
    enrolment = services.do_enrol_ce(holder=CertificateFactory().trainee, course=row)
    outcomes = at_once([lambda: services.do_record_ce_attendance(enrolment=enrolment, hours=6) for _ in range(2)])
    assert outcomes == ["done", "done"]
    [activity] = ContinuingEducation.objects.filter(trainee=enrolment.holder)
    assert activity.hours == Decimal(6) and activity.status == "confirmed"
