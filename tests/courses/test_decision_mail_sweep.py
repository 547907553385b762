"""A decision mail the broker or the mail server lost is found again by the beat sweep, and sent once;
a broker outage while a person signs up or is decided on never reaches them as an error page."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from courses import mail as training_mail
from courses import services as training
from courses.models import Enrolment
from tests.conftest import PASSWORD, broker_refusing
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


def decided(minutes_ago: float, *, mailed: bool = False) -> Enrolment:
    trainee = UserFactory()
    enrolment = training.do_enrol(trainee=trainee, cohort=CohortFactory())
    with mock.patch("courses.tasks.send_enrolment_decision_email.delay"):  # the broker loses it
        training.do_approve_enrolment(enrolment=enrolment)
    at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    Enrolment.objects.filter(pk=enrolment.pk).update(decided_at=at, decision_mailed_at=at if mailed else None)
    return enrolment


def test_the_sweep_sends_a_lost_decision_mail_once(django_capture_on_commit_callbacks):
    lost = decided(30)
    decided(30, mailed=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_decision_mails() == 1
    assert [m.to for m in mail.outbox] == [[lost.trainee.email]]
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_decision_mails() == 0  # mailed now: the claim is taken
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_a_decision_just_made_and_one_from_before_the_window():
    decided(2)  # its own task may still be on the way
    decided(60 * 24 * 30)  # a month old: from before the mail existed, never sent late
    with mock.patch("courses.tasks.send_enrolment_decision_email.delay") as delay:
        assert training_mail.do_sweep_decision_mails() == 0
    delay.assert_not_called()


def test_the_sweep_stops_quietly_while_the_broker_is_down(caplog):
    decided(30)
    with mock.patch("courses.tasks.send_enrolment_decision_email.delay", side_effect=BrokerError("refused")):
        assert training_mail.do_sweep_decision_mails() == 0
    assert "broker is unreachable" in caplog.text


@pytest.fixture
def broker_down():
    with broker_refusing():
        yield


def test_a_sign_up_while_the_broker_is_down_answers_normally(
    client, broker_down, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/signup/", {
            "email": "outage@example.test", "display_name": "Outage", "preferred_language": "en",
            "password1": PASSWORD, "password2": PASSWORD,
        })  # fmt: skip
    assert response.status_code == 200 and "outage@example.test" in response.content.decode()
    assert User.objects.filter(email="outage@example.test", is_active=False).exists()
    assert "Could not enqueue accounts.tasks.send_verification_email" in caplog.text


def test_a_decision_while_the_broker_is_down_is_kept_and_left_for_the_sweep(
    broker_down, caplog, django_capture_on_commit_callbacks
):
    enrolment = training.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    with django_capture_on_commit_callbacks(execute=True):
        training.do_approve_enrolment(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.APPROVED and enrolment.decision_mailed_at is None
    assert "Could not enqueue courses.tasks.send_enrolment_decision_email" in caplog.text


def test_a_lost_rejection_mail_is_found_by_the_sweep_too(django_capture_on_commit_callbacks):
    trainee = UserFactory(preferred_language="en")
    enrolment = training.do_enrol(trainee=trainee, cohort=CohortFactory())
    with mock.patch("courses.tasks.send_enrolment_decision_email.delay"):  # the broker loses it
        training.do_reject_enrolment(enrolment=enrolment, reason="The cohort is for member banks.")
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_decision_mails(now=timezone.now() + datetime.timedelta(minutes=30)) == 1
    [message] = mail.outbox
    assert message.to == [trainee.email]
    assert "not approved" in message.subject and "The cohort is for member banks." in message.body
