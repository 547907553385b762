"""The "application received" mail is owed in the database: the transaction that creates the enrolment (the
trainee's own application, ``services.do_apply``, or their employer's over the HR API, ``services.do_enrol``) makes
an ``OwedReceipt`` row; the task claims (deletes) it and mails, and the beat sweep (``courses: send owed
application receipts``) enqueues it again when the on-commit enqueue was lost to a broker outage. Once, whether the
task runs twice or the sweep's message and the original race; an employer's application names the employer, in the
trainee's language."""

from __future__ import annotations

import datetime
import threading
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone, translation

from config.beat import beat_schedule
from core import owed_mail
from courses import mail as training_mail
from courses import services, tasks
from courses.models import Enrolment, OwedReceipt
from tests.api.conftest import http
from tests.conftest import broker_refusing as broker_down
from tests.conftest import logged_in
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

ENROL = "/api/v1/enrollments/"


def later(minutes: float = 30) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def run(callbacks: list) -> None:
    for callback in callbacks:
        callback()


def one_line(text: str) -> str:
    return " ".join(text.split())


def applied(capture, **trainee) -> Enrolment:
    """A trainee's own application, committed; its on-commit enqueue not run (lost)."""
    with capture(execute=False):
        return services.do_apply(trainee=UserFactory(preferred_language="en", **trainee), cohort=CohortFactory())


# --- owed with the enrolment ---------------------------------------------------------------------


def test_an_application_owes_the_receipt_in_its_own_transaction_until_the_task_mails_it(
    django_capture_on_commit_callbacks,
):
    trainee = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolment = services.do_apply(trainee=trainee, cohort=CohortFactory())
    owed = OwedReceipt.objects.get()
    assert owed.enrolment_id == enrolment.pk and owed.employer_id is None
    assert not mail.outbox  # nothing sent before the commit
    run(callbacks)
    [message] = mail.outbox
    assert message.to == [trainee.email] and message.subject.startswith("We received your application for")
    assert not OwedReceipt.objects.exists()


def test_an_application_that_rolls_back_owes_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.do_apply(trainee=UserFactory(), cohort=CohortFactory())
        raise RuntimeError("a later step of the request failed")
    assert not OwedReceipt.objects.exists() and not Enrolment.objects.exists() and not mail.outbox


def test_staff_enrolments_owe_no_receipt(django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_enrol(trainee=UserFactory(), cohort=cohort, acting_institution=cohort.institution, on_behalf=True)
        services.do_enrol(trainee=UserFactory(), cohort=cohort)  # the demo's, a command's: no one applied
    assert not OwedReceipt.objects.exists() and not mail.outbox


# --- a broker outage, and the sweep --------------------------------------------------------------


def test_a_receipt_a_broker_outage_lost_is_sent_once_by_the_sweep(caplog, django_capture_on_commit_callbacks):
    CohortFactory(code="TPE-1")
    trainee = UserFactory(preferred_language="en")
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = logged_in(trainee).post("/en/cohorts/TPE-1/enrol/")
    assert response.status_code == 302  # the outage never reaches the trainee
    assert "Could not enqueue courses.tasks.send_enrolment_received_email" in caplog.text
    assert not mail.outbox and OwedReceipt.objects.filter(enrolment__trainee=trainee).exists()
    with mock.patch("courses.tasks.send_enrolment_received_email.delay") as delay:
        assert training_mail.do_sweep_owed_receipts() == 0  # just owed: its own enqueue may still be on the way
    delay.assert_not_called()
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_owed_receipts(now=later()) == 1
    [message] = mail.outbox
    assert message.to == [trainee.email] and "We received your application for" in message.subject
    assert not OwedReceipt.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_owed_receipts(now=later()) == 0
    assert len(mail.outbox) == 1


def test_the_sweep_stops_quietly_while_the_broker_is_down(caplog, django_capture_on_commit_callbacks):
    applied(django_capture_on_commit_callbacks)
    with broker_down():
        assert training_mail.do_sweep_owed_receipts(now=later()) == 0
    assert "The application receipt sweep stopped, the broker is unreachable" in caplog.text
    assert OwedReceipt.objects.exists()  # still owed for the next sweep


def test_the_sweep_gives_up_a_receipt_owed_longer_than_its_window(caplog, django_capture_on_commit_callbacks):
    applied(django_capture_on_commit_callbacks)
    with mock.patch("courses.tasks.send_enrolment_received_email.delay") as delay:
        assert training_mail.do_sweep_owed_receipts(now=later(1) + owed_mail.GIVE_UP_AFTER) == 0
    delay.assert_not_called()
    assert not OwedReceipt.objects.exists() and not mail.outbox
    assert "application receipt sweep gave up 1 mails owed for longer than 7 days" in caplog.text


def test_the_beat_schedule_runs_the_sweep_every_ten_minutes():
    entry = beat_schedule()["courses: send owed application receipts"]
    assert entry == {"task": "courses.tasks.send_owed_receipts", "schedule": 600.0}
    with mock.patch("courses.mail.do_sweep_owed_receipts", return_value=3) as sweep:
        assert tasks.send_owed_receipts() == 3
    sweep.assert_called_once_with()


# --- once ------------------------------------------------------------------------------------------


def test_the_task_run_twice_mails_once(django_capture_on_commit_callbacks):
    enrolment = applied(django_capture_on_commit_callbacks)
    assert tasks.send_enrolment_received_email(enrolment.pk) is True
    assert tasks.send_enrolment_received_email(enrolment.pk) is False  # a duplicate message, or a retry
    assert len(mail.outbox) == 1


def test_the_sweeps_message_and_a_late_original_mail_once(django_capture_on_commit_callbacks):
    trainee = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=False) as original:
        services.do_apply(trainee=trainee, cohort=CohortFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_owed_receipts(now=later()) == 1
    run(original)  # the original message arrives after all
    assert [message.to for message in mail.outbox] == [[trainee.email]]


def test_a_mail_server_failure_leaves_the_receipt_owed(django_capture_on_commit_callbacks):
    enrolment = applied(django_capture_on_commit_callbacks)
    down = mock.patch("courses.mail.send_templated_mail", side_effect=ConnectionRefusedError("smtp down"))
    with down, pytest.raises(ConnectionRefusedError):
        training_mail.send_enrolment_received(enrolment_id=enrolment.pk)
    assert OwedReceipt.objects.filter(enrolment=enrolment).exists()  # the claim went back with the failure
    assert training_mail.send_enrolment_received(enrolment_id=enrolment.pk) is True
    assert not OwedReceipt.objects.exists() and len(mail.outbox) == 1


@pytest.mark.parametrize("moot", ["withdrawn", "rejected", "deactivated", "stand-in address"])
def test_a_moot_receipt_is_cleared_without_a_mail(moot, django_capture_on_commit_callbacks):
    email = {"email": "mei@stand-in.invalid"} if moot == "stand-in address" else {}
    enrolment = applied(django_capture_on_commit_callbacks, **email)
    if moot == "withdrawn":
        services.do_withdraw_enrolment(enrolment=enrolment)
    elif moot == "rejected":
        services.do_reject_enrolment(enrolment=enrolment, reason="For member banks only.")
    elif moot == "deactivated":
        type(enrolment.trainee).objects.filter(pk=enrolment.trainee_id).update(is_active=False)
    mail.outbox.clear()  # a decision mail
    assert tasks.send_enrolment_received_email(enrolment.pk) is False
    assert not mail.outbox and not OwedReceipt.objects.exists()


def test_enrolments_from_before_the_table_are_never_mailed_by_it(django_capture_on_commit_callbacks):
    enrolment = applied(django_capture_on_commit_callbacks)
    OwedReceipt.objects.all().delete()  # as an enrolment made before the migration: nothing owed
    assert training_mail.do_sweep_owed_receipts(now=later()) == 0
    assert tasks.send_enrolment_received_email(enrolment.pk) is False  # a message queued before the row existed
    assert not mail.outbox


# --- an employer's application over the HR API ------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_an_employers_enrolment_over_the_api_mails_the_trainee_naming_the_employer(
    language, hr_client, employer, trainee, django_capture_on_commit_callbacks
):
    type(trainee).objects.filter(pk=trainee.pk).update(preferred_language=language)
    cohort = CohortFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = http(hr_client).post(
            ENROL, {"employee": trainee.trainee_profile.pk, "cohort": cohort.pk}, format="json"
        )
    assert response.status_code == 201, response.content
    owed = OwedReceipt.objects.get()  # owed in the API request's transaction
    assert owed.enrolment_id == response.json()["id"] and owed.employer_id == employer.pk
    run(callbacks)
    [message] = mail.outbox
    assert message.to == [trainee.email]
    enrolment = Enrolment.objects.get(pk=owed.enrolment_id)
    link = f"/{language}/dashboard/#enrolment-{enrolment.pk}"
    html = message.alternatives[0][0]
    with translation.override(language):
        bank, named_cohort, institution = employer.name, str(cohort), cohort.institution.name
    assert bank in message.subject and named_cohort in message.subject
    assert bank in message.body and bank in html and link in message.body and link in html
    assert institution in message.body
    if language == "en":
        assert message.subject == f"{bank} has applied on your behalf for {named_cohort}"
        assert f"{bank}, your employer, has applied on your behalf for {named_cohort}." in one_line(message.body)
        assert "We received your application" not in message.body
    else:  # the employer's wording, not the trainee's own application's (我們已收到您對…的報名申請)
        assert "我們已收到" not in message.body and "我們已收到" not in message.subject
    assert not OwedReceipt.objects.exists()


def test_a_receipt_the_broker_lost_for_an_api_enrolment_still_names_the_employer(
    hr_client, employer, trainee, django_capture_on_commit_callbacks
):
    type(trainee).objects.filter(pk=trainee.pk).update(preferred_language="en")
    cohort = CohortFactory()
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = http(hr_client).post(
            ENROL, {"employee": trainee.trainee_profile.pk, "cohort": cohort.pk}, format="json"
        )
    assert response.status_code == 201 and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_owed_receipts(now=later()) == 1
    with translation.override("en"):
        assert mail.outbox[0].subject == f"{employer.name} has applied on your behalf for {cohort}"


def test_a_retried_api_enrolment_mails_once(hr_client, trainee, django_capture_on_commit_callbacks):
    api, body = http(hr_client), {"employee": trainee.trainee_profile.pk, "cohort": CohortFactory().pk}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="enrol-1")
        again = api.post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="enrol-1")
    assert first.status_code == again.status_code == 201
    assert [message.to for message in mail.outbox] == [[trainee.email]]


# --- the race, for real (PostgreSQL: the task's row lock) ---------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_task_and_the_sweeps_message_at_the_same_moment_mail_once(postgres_only):
    enrolment = services.do_apply(trainee=UserFactory(preferred_language="en"), cohort=CohortFactory())
    mail.outbox.clear()  # autocommit: the eager enqueue already mailed it; owe it again for the race
    OwedReceipt.objects.create(enrolment=enrolment)
    barrier = threading.Barrier(2)
    sent: list[bool] = []
    real_send = training_mail.send_templated_mail

    def slow_send(*args, **kwargs):
        time.sleep(0.5)  # the first holds its claim while the second arrives
        real_send(*args, **kwargs)

    def deliver() -> None:
        try:
            barrier.wait(timeout=30)
            sent.append(training_mail.send_enrolment_received(enrolment_id=enrolment.pk))
        finally:
            connections.close_all()

    with mock.patch("courses.mail.send_templated_mail", side_effect=slow_send):
        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(sent) == [False, True]
    assert len(mail.outbox) == 1
