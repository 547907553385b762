"""Issuance driven by what exams and courses announce, through eager tasks and a real worker."""

import threading

import pytest
from django.db import connection

from certification import services
from certification.models import Certificate
from tests.certification.conftest import completed_enrolment, publish_result
from tests.conftest import wait_until


def _restore_the_catalog():
    """A transactional test starts from a flushed database; the catalog comes from a data migration."""
    from importlib import import_module

    from django.apps import apps

    from courses.models import Curriculum

    if not Curriculum.objects.exists():
        import_module("courses.migrations.0002_national_catalog").load(apps, None)


def _pass_all_but_last(enrolment):
    courses = list(enrolment.curriculum.courses.order_by("code"))
    for course in courses[:-1]:
        publish_result(enrolment.trainee, course, enrolment.cohort)
    return courses[-1]


@pytest.mark.django_db
def test_passing_the_last_exam_issues_the_certificate(django_capture_on_commit_callbacks, mailoutbox):
    enrolment = completed_enrolment()
    last = _pass_all_but_last(enrolment)
    publish_result(enrolment.trainee, last, enrolment.cohort, passed=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish_result(enrolment.trainee, last, enrolment.cohort, passed=False, announce=True)
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        publish_result(enrolment.trainee, last, enrolment.cohort, announce=True)
    certificate = Certificate.objects.get()
    assert certificate.trainee == enrolment.trainee and certificate.curriculum == enrolment.curriculum
    assert any(certificate.number in m.body for m in mailoutbox)


@pytest.mark.django_db
def test_the_attendance_that_completes_the_hours_after_the_exams_issues_the_certificate(
    django_capture_on_commit_callbacks,
):
    from courses import services as training
    from tests.factories import TrainingSessionFactory

    enrolment = completed_enrolment(state="in_training")
    for course in enrolment.curriculum.courses.all():
        publish_result(enrolment.trainee, course, enrolment.cohort)
    assert services.do_check_certification(trainee_id=enrolment.trainee_id) == []
    plan = [("teaching", 24), ("teaching", 24), ("teaching", 16), ("exam_prep", 8)]
    for purpose, hours in plan:
        session = TrainingSessionFactory(cohort=enrolment.cohort, purpose=purpose, hours=hours)
        with django_capture_on_commit_callbacks(execute=True):
            training.do_record_attendance(session=session, enrolment=enrolment, hours=hours)
        issued = Certificate.objects.filter(trainee=enrolment.trainee, status="active").count()
        assert issued == (1 if purpose == "exam_prep" else 0)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_issues_exactly_one_certificate_within_seconds(celery_worker):
    enrolment = completed_enrolment()
    last = _pass_all_but_last(enrolment)
    # The last exam result and an attendance change announced together: two checks, one certificate.
    from courses.signals import training_progress_changed

    publish_result(enrolment.trainee, last, enrolment.cohort, announce=True)
    training_progress_changed.send(sender=type(enrolment), enrolment=enrolment)
    assert wait_until(lambda: Certificate.objects.filter(trainee=enrolment.trainee).exists(), timeout=30)
    assert wait_until(lambda: False, timeout=2) is False  # let the second check run
    assert Certificate.objects.filter(trainee=enrolment.trainee).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_checks_issue_one_certificate(postgres_only):
    _restore_the_catalog()
    enrolment = completed_enrolment()
    for course in enrolment.curriculum.courses.all():
        publish_result(enrolment.trainee, course, enrolment.cohort)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def check():
        try:
            barrier.wait()
            results.append(
                services.do_issue_certificate(trainee_id=enrolment.trainee_id, curriculum_id=enrolment.curriculum_id)
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len({c.pk for c in results}) == 1
    assert Certificate.objects.filter(trainee=enrolment.trainee).count() == 1
