"""What the broker (or a killed worker) loses after a commit, the database still knows: the follow-up
sweep enqueues the certification check, the issued mail and the ``certificate_issued`` announcement
again, once. The announcement's claim is the certificate's own (``announced_at``): a lost one is swept
once, an announced one never again."""

import datetime
from unittest import mock

import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from certification import services
from certification.models import Certificate, PendingCheck, ReminderPreference, ReminderSent
from certification.signals import certificate_issued
from certification.tasks import announce_certificate_issued
from config.celery_app import app as celery_app
from exams.models import CourseResult
from exams.services.grading import RESULT_PUBLISHED
from exams.signals import result_published
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.services import do_create_client
from hr_api.webhooks import deliveries, signing
from tests.certification.conftest import completed_enrolment, publish_result
from tests.factories import CertificateFactory, TraineeProfileFactory, curriculum_of

pytestmark = pytest.mark.django_db

AGO = datetime.timedelta(minutes=10)  # past the sweep's grace period (120 s)


@pytest.fixture
def hr(monkeypatch):
    """The employer's server: every delivery it was sent, answered 200."""
    sent = []

    def post(target, *, data, headers, timeout):
        sent.append(headers["Webhook-Event"])
        response = requests.Response()
        response.status_code = 200
        return response

    monkeypatch.setattr(deliveries.outbound, "post", post)
    return sent


def endpoint_for(trainee, *, events=("certificate.issued",)):
    """An endpoint the employer registered an hour ago, with the API client whose scopes let it hear of
    certificates (an employer without one is told nothing)."""
    do_create_client(employer=trainee.trainee_profile.employer, name="HR", scopes=["read", "webhooks"])
    endpoint = WebhookEndpoint.objects.create(
        employer=trainee.trainee_profile.employer,
        url="https://hr.example/hook",
        events=list(events),
        secret=signing.new_secret(),
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    return endpoint


def age(*querysets):
    """Rows written before the grace period: what the on-commit path would have done by now."""
    for queryset in querysets:
        queryset.update(created_at=timezone.now() - AGO)


def issued_mails(mailoutbox, certificate):
    return [m for m in mailoutbox if certificate.number in m.body]


def issued_deliveries():
    return WebhookDelivery.objects.filter(event="certificate.issued")


@pytest.fixture
def heard():
    """The certificates ``certificate_issued`` announced, in order."""
    certificates = []
    certificate_issued.connect(
        lambda sender, certificate, **kw: certificates.append(certificate.pk), weak=False, dispatch_uid="heard"
    )
    yield certificates
    certificate_issued.disconnect(dispatch_uid="heard")


def sweep(django_capture_on_commit_callbacks, **kwargs):
    """One beat run; the after-commit work of what it enqueues runs, as it would in a worker."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.do_sweep_follow_ups(**kwargs)


def test_a_check_lost_with_the_broker_is_run_by_the_sweep_once_with_one_mail_and_one_event(
    django_capture_on_commit_callbacks, mailoutbox, hr, caplog
):
    enrolment = completed_enrolment()
    endpoint_for(enrolment.trainee)
    courses = list(enrolment.curriculum.courses.order_by("code"))
    for course in courses[:-1]:
        publish_result(enrolment.trainee, course, enrolment.cohort)
    celery_app.conf.task_always_eager = False  # as in production: the broker is really asked
    try:
        with mock.patch("certification.tasks.check_certification.delay", side_effect=BrokerError("refused")) as delay:
            result = publish_result(enrolment.trainee, courses[-1], enrolment.cohort)
            with django_capture_on_commit_callbacks(execute=True):
                # As exams announces: after the grading commits, in the transaction that claims the result.
                assert RESULT_PUBLISHED.announce(result.pk) is True
    finally:
        celery_app.conf.task_always_eager = True
    delay.assert_called_once_with(enrolment.trainee_id)
    assert "the sweeper will" in caplog.text
    assert not Certificate.objects.exists()
    assert list(PendingCheck.objects.values_list("result_id", flat=True)) == [result.pk]

    assert sweep(django_capture_on_commit_callbacks) == {"checks": 0, "mails": 0, "announcements": 0}  # in grace
    assert not Certificate.objects.exists()
    age(PendingCheck.objects.all())
    assert sweep(django_capture_on_commit_callbacks) == {"checks": 1, "mails": 0, "announcements": 0}
    certificate = Certificate.objects.get()
    assert certificate.trainee == enrolment.trainee
    assert not PendingCheck.objects.exists()
    assert len(issued_mails(mailoutbox, certificate)) == 1
    assert issued_deliveries().count() == 1 and hr == ["certificate.issued"]

    # Everything is done: the next runs find nothing and change nothing.
    age(Certificate.objects.all())
    for _ in range(2):
        assert sweep(django_capture_on_commit_callbacks) == {"checks": 0, "mails": 0, "announcements": 0}
    assert Certificate.objects.count() == 1
    assert len(issued_mails(mailoutbox, certificate)) == 1
    assert issued_deliveries().count() == 1 and hr == ["certificate.issued"]


def test_a_worker_killed_after_issuing_leaves_the_mail_and_the_announcement_to_the_sweep(
    django_capture_on_commit_callbacks, mailoutbox, hr, heard
):
    enrolment = completed_enrolment()
    endpoint_for(enrolment.trainee)
    for course in enrolment.curriculum.courses.all():
        publish_result(enrolment.trainee, course, enrolment.cohort)
    # The issuing transaction commits; its on-commit work (announcement, mail) never runs.
    with django_capture_on_commit_callbacks(execute=False) as lost:
        [certificate] = services.do_check_certification(trainee_id=enrolment.trainee_id)
    assert lost and not mailoutbox and not issued_deliveries().exists() and heard == []
    assert certificate.announced_at is None

    with mock.patch("certification.tasks.send_certificate_issued_reminder.delay") as mail, \
            mock.patch("certification.tasks.announce_certificate_issued.delay") as announce:  # fmt: skip
        assert services.do_sweep_follow_ups() == {
            "checks": 0,
            "mails": 0,
            "announcements": 0,
        }  # inside the grace period
    mail.assert_not_called()
    announce.assert_not_called()

    age(Certificate.objects.all())
    assert sweep(django_capture_on_commit_callbacks) == {"checks": 0, "mails": 1, "announcements": 1}
    assert len(issued_mails(mailoutbox, certificate)) == 1
    assert (
        ReminderSent.objects.filter(kind="certificate_issued", object_key=f"certificate:{certificate.pk}").count() == 1
    )
    delivery = issued_deliveries().get()
    assert delivery.payload["data"]["number"] == certificate.number and delivery.status == "delivered"
    assert hr == ["certificate.issued"] and heard == [certificate.pk]

    # Announced: neither the next runs nor the lost after-commit work, run late, announce it again.
    for _ in range(2):
        sweep(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in lost:
            callback()
    assert heard == [certificate.pk], "announced more than once"
    assert len(mailoutbox) == 1 and issued_deliveries().count() == 1 and hr == ["certificate.issued"]
    assert Certificate.objects.get().announced_at is not None


def test_the_announcement_task_run_twice_announces_once(django_capture_on_commit_callbacks, hr, heard):
    certificate = CertificateFactory(trainee=TraineeProfileFactory().user)
    endpoint_for(certificate.trainee)
    with django_capture_on_commit_callbacks(execute=True):
        assert announce_certificate_issued.delay(certificate.pk).get() is True
        assert announce_certificate_issued.delay(certificate.pk).get() is False
    assert heard == [certificate.pk] and Certificate.objects.get().announced_at is not None
    assert issued_deliveries().count() == 1 and hr == ["certificate.issued"]


def test_a_passed_result_leaves_a_pending_check_and_a_failed_one_does_not(django_capture_on_commit_callbacks):
    enrolment = completed_enrolment()
    course = enrolment.curriculum.courses.first()
    with mock.patch("certification.tasks.check_certification.delay") as check:
        with django_capture_on_commit_callbacks(execute=True):
            failed = publish_result(enrolment.trainee, course, enrolment.cohort, passed=False, announce=True)
        assert not check.called, "a failed result cannot earn a certificate: no check is enqueued"
        with django_capture_on_commit_callbacks(execute=True):
            passed = publish_result(enrolment.trainee, course, enrolment.cohort, announce=True)
        check.assert_called_once_with(enrolment.trainee_id)
        result_published.send(sender=CourseResult, result=passed)  # announced twice: still one row
    assert list(PendingCheck.objects.values_list("result_id", flat=True)) == [passed.pk]
    assert failed.pk != passed.pk
    services.do_check_certification(trainee_id=enrolment.trainee_id)
    assert not PendingCheck.objects.exists()


def test_the_sweep_leaves_alone_what_is_not_owed(django_capture_on_commit_callbacks, mailoutbox, heard):
    today = timezone.localdate()
    # Mail switched off, announced already: nothing.
    quiet = CertificateFactory(trainee=TraineeProfileFactory().user, announced_at=timezone.now())
    ReminderPreference.objects.create(user=quiet.trainee, switched_off=["certificate_issued"])
    # Issued before the horizon (the demo's, or from before the portal mailed): nothing, announced or not.
    CertificateFactory(trainee=TraineeProfileFactory().user, issued_on=today - datetime.timedelta(days=30))
    # Revoked before its mail and announcement went: no congratulations, no certificate_issued.
    revoked = CertificateFactory(trainee=TraineeProfileFactory().user)
    Certificate.objects.filter(pk=revoked.pk).update(status="revoked", status_reason="fraud")
    # Mailed and announced: nothing again.
    done = CertificateFactory(trainee=TraineeProfileFactory().user, announced_at=timezone.now())
    ReminderSent.objects.create(user=done.trainee, kind="certificate_issued", object_key=f"certificate:{done.pk}")
    age(Certificate.objects.all())
    assert sweep(django_capture_on_commit_callbacks) == {"checks": 0, "mails": 0, "announcements": 0}
    assert not mailoutbox and heard == [] and not WebhookDelivery.objects.exists()


def test_the_sweep_stops_quietly_while_the_broker_is_down(caplog):
    certificate = CertificateFactory()
    age(Certificate.objects.all())
    with mock.patch("certification.tasks.send_certificate_issued_reminder.delay", side_effect=BrokerError("refused")):
        assert services.do_sweep_follow_ups() == {"checks": 0, "mails": 0, "announcements": 0}
    assert not ReminderSent.objects.filter(object_key=f"certificate:{certificate.pk}").exists()
    # What the operator reads: why the run stopped, with the broker's own words.
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "certification.services"] == [
        ("WARNING", "The certification follow-up sweep stopped, the broker is unreachable: OperationalError('refused')")
    ]


def _owed(n):
    """``n`` trainees each with a pending check, and a certificate lacking its mail and its announcement."""
    for _ in range(n):
        enrolment = completed_enrolment()
        result = publish_result(enrolment.trainee, enrolment.curriculum.courses.first(), enrolment.cohort)
        PendingCheck.objects.create(result=result, trainee=enrolment.trainee)
        CertificateFactory(trainee=enrolment.trainee, curriculum=enrolment.curriculum)
    age(PendingCheck.objects.all(), Certificate.objects.all())


def _queries_of_one_sweep(**kwargs):
    with mock.patch("certification.tasks.check_certification.delay") as check, \
            mock.patch("certification.tasks.send_certificate_issued_reminder.delay") as mail, \
            mock.patch("certification.tasks.announce_certificate_issued.delay") as announce, \
            CaptureQueriesContext(connection) as queries:  # fmt: skip
        counts = services.do_sweep_follow_ups(**kwargs)
    calls = [sorted(c.args[0] for c in m.call_args_list) for m in (check, mail, announce)]
    assert all(len(set(c)) == len(c) for c in calls), "something enqueued twice in one run"
    return counts, len(queries), calls


def test_the_sweep_reads_in_pages_whatever_the_number_of_rows(django_assert_max_num_queries):
    _owed(2)
    counts, few, _calls = _queries_of_one_sweep()
    assert counts == {"checks": 2, "mails": 2, "announcements": 2}
    _owed(10)
    with django_assert_max_num_queries(few):
        counts, many, _calls = _queries_of_one_sweep()
    assert counts == {"checks": 12, "mails": 12, "announcements": 12} and many == few == 4
    # In pages of 5: every row once, three pages (and a query more for the mails' preferences) per kind.
    counts, paged, calls = _queries_of_one_sweep(chunk=5)
    assert counts == {"checks": 12, "mails": 12, "announcements": 12}
    assert calls[1] == calls[2] == sorted(Certificate.objects.values_list("pk", flat=True))
    assert paged == 3 + (3 + 3) + 3


def test_the_migration_marks_the_certificates_issued_before_the_claim_as_announced(
    django_capture_on_commit_callbacks, heard
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("certification.migrations.0005_certificate_announced_at")
    certificates = [CertificateFactory(trainee=TraineeProfileFactory().user) for _ in range(2)]
    age(Certificate.objects.all())
    migration.mark_certificates_announced(apps, None)
    for certificate in certificates:
        certificate.refresh_from_db()
        assert certificate.announced_at == certificate.created_at
    with mock.patch("certification.tasks.send_certificate_issued_reminder.delay"):
        assert sweep(django_capture_on_commit_callbacks)["announcements"] == 0
    assert heard == []


def test_a_holders_earlier_certificate_that_was_mailed_does_not_stand_for_the_new_ones_mail():
    trainee = TraineeProfileFactory().user
    earlier = CertificateFactory(
        trainee=trainee,
        curriculum=curriculum_of("assistant"),
        issued_on=timezone.localdate() - datetime.timedelta(days=400),
        announced_at=timezone.now(),
    )
    ReminderSent.objects.create(user=trainee, kind="certificate_issued", object_key=f"certificate:{earlier.pk}")
    new = CertificateFactory(trainee=trainee)
    age(Certificate.objects.all())
    counts, _queries, calls = _queries_of_one_sweep()
    assert counts == {"checks": 0, "mails": 1, "announcements": 1}
    assert calls[1] == calls[2] == [new.pk]


def test_the_horizon_is_counted_back_from_the_time_of_the_run(settings):
    """A certificate is owed its mail and announcement for ``CERTIFICATION_SWEEP_HORIZON_DAYS`` days after the
    day it was issued, by the time the run is given, not the clock of the process."""
    settings.CERTIFICATION_SWEEP_HORIZON_DAYS = 5
    certificate = CertificateFactory(trainee=TraineeProfileFactory().user)  # issued today
    last_day = timezone.now() + datetime.timedelta(days=5)
    counts, _queries, calls = _queries_of_one_sweep(now=last_day)
    assert counts == {"checks": 0, "mails": 1, "announcements": 1} and calls[1] == [certificate.pk]
    counts, _queries, calls = _queries_of_one_sweep(now=last_day + datetime.timedelta(days=1))
    assert counts == {"checks": 0, "mails": 0, "announcements": 0} and calls == [[], [], []]
