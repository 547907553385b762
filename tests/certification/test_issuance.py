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


class _WouldWait(Exception):
    """The simulated row lock: the second check asked for a trainee row the first check holds."""


@pytest.mark.django_db
def test_a_second_check_between_the_firsts_lock_and_its_write_waits_and_writes_nothing(monkeypatch):
    """Issue 23: the trainee's row lock is what serializes two checks; without it the unique
    constraint and the IntegrityError fallback hide the race. SQLite has no row locks, so the lock is
    simulated: a second check that asks for the trainee's row while the first holds it waits (runs
    after the first ends); one that does not ask runs in the middle of the first."""
    from django.db.models import QuerySet

    from accounts.models import User

    enrolment = completed_enrolment()
    for course in enrolment.curriculum.courses.all():
        publish_result(enrolment.trainee, course, enrolment.cohort)
    issue = {"trainee_id": enrolment.trainee_id, "curriculum_id": enrolment.curriculum_id}
    real_fetch, real_qualifying, real_number = (
        QuerySet._fetch_all,
        services.selectors.qualifying_enrolment,
        (services._next_number),
    )
    held: set[int] = set()
    waiting: list[str] = []
    writes: list[str] = []

    def fetch_all(self):
        """A locking read of user rows holds the rows it returned, and waits for rows already held."""
        real_fetch(self)
        if self.model is User and self.query.select_for_update:
            rows = {user.pk for user in self._result_cache}
            if rows & held:
                self._result_cache = None
                raise _WouldWait
            held.update(rows)

    second: list[Certificate | None] = []
    interleaved: list[bool] = []

    def qualifying(**kwargs):
        if not interleaved:  # the first check, between its lock and its write: the second one starts
            interleaved.append(True)
            try:
                second.append(services.do_issue_certificate(**issue))
            except _WouldWait:
                waiting.append("second check")
        return real_qualifying(**kwargs)

    def next_number(*args, **kwargs):
        writes.append("number drawn")
        return real_number(*args, **kwargs)

    monkeypatch.setattr(QuerySet, "_fetch_all", fetch_all)
    monkeypatch.setattr(services.selectors, "qualifying_enrolment", qualifying)
    monkeypatch.setattr(services, "_next_number", next_number)
    first = services.do_issue_certificate(**issue)
    assert held == {enrolment.trainee_id}, "the first check did not lock the trainee's row"
    held.clear()  # the first check's transaction ended: the waiting one goes on
    assert waiting == ["second check"], f"the second check ran inside the first: {second}"
    late = services.do_issue_certificate(**issue)
    assert first is not None and late is not None and late.pk == first.pk
    assert writes == ["number drawn"]
    assert Certificate.objects.filter(trainee=enrolment.trainee).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_check_waits_for_the_first_to_commit_on_postgresql(postgres_only, monkeypatch):
    """Real threads: the first check pauses between its lock and its write; the second, started
    then, must not get past the lock (it never weighs the qualification, it finds the certificate)."""
    _restore_the_catalog()
    enrolment = completed_enrolment()
    for course in enrolment.curriculum.courses.all():
        publish_result(enrolment.trainee, course, enrolment.cohort)
    issue = {"trainee_id": enrolment.trainee_id, "curriculum_id": enrolment.curriculum_id}
    real_qualifying = services.selectors.qualifying_enrolment
    first_inside, second_done = threading.Event(), threading.Event()
    weighed: list[str] = []
    results: dict[str, object] = {}

    def qualifying(**kwargs):
        weighed.append(threading.current_thread().name)
        if threading.current_thread().name == "first":
            first_inside.set()
            second_done.wait(timeout=3)  # with the lock the second check is blocked: this times out
        return real_qualifying(**kwargs)

    def check(name: str) -> None:
        try:
            if name == "second":
                first_inside.wait(timeout=10)
            results[name] = services.do_issue_certificate(**issue)
        except Exception as error:  # pragma: no cover - reported below
            results[name] = error
        finally:
            if name == "second":
                second_done.set()
            connection.close()

    monkeypatch.setattr(services.selectors, "qualifying_enrolment", qualifying)
    threads = [threading.Thread(target=check, args=(name,), name=name) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert weighed == ["first"], "the second check got past the trainee's lock while the first held it"
    first, second = results["first"], results["second"]
    assert isinstance(first, Certificate) and isinstance(second, Certificate) and first.pk == second.pk
    assert Certificate.objects.filter(trainee=enrolment.trainee).count() == 1
