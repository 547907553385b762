"""Webhook endpoints and signed deliveries, verified with the recipe README.md documents."""

import base64
import datetime
import json
import re
import time
from pathlib import Path

import pytest
import requests
import standardwebhooks
from django.utils import timezone

from courses import services as training
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import deliveries, signing, sweep
from tests.factories import CohortFactory

from .conftest import assert_problem, http

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_verify():
    """The ``verify`` function exactly as README.md shows it to receivers (Standard Webhooks' library)."""
    text = README.read_text()
    section = text[text.index("**Verify a webhook.**") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    return namespace["verify"]


class Receiver:
    """Stands in for the employer's server (``accounts.outbound.post``): records what it was sent, answers as told."""

    def __init__(self, answers=(200,)):
        self.calls: list[dict] = []
        self.answers = list(answers)

    def __call__(self, target, *, data, headers, timeout):
        self.calls.append({"url": target.url, "body": data, "headers": headers, "timeout": timeout})
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        response = requests.Response()
        response.status_code = answer
        return response


@pytest.fixture
def receiver(monkeypatch):
    fake = Receiver()
    monkeypatch.setattr(deliveries.outbound, "post", fake)
    return fake


def register(cast, events=("enrollment.status_changed",)):
    response = cast.api_a.post(
        "/api/v1/webhooks/", {"url": "https://hr.alpha.example/hook", "events": list(events)}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_registering_shows_the_secret_once(cast):
    body = register(cast)
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"), validate=True)) == 32
    listed = cast.api_a.get("/api/v1/webhooks/").json()["results"]
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]


def test_it_refuses_unknown_events_and_plain_http_even_in_development(cast, settings):
    bad = cast.api_a.post("/api/v1/webhooks/", {"url": "https://x.example/", "events": ["nope"]}, format="json")
    assert_problem(bad, 400)
    settings.DEBUG = True  # DEBUG alone no longer allows http: WEBHOOK_ALLOW_HTTP does
    plain = cast.api_a.post(
        "/api/v1/webhooks/", {"url": "http://x.example/", "events": ["certificate.issued"]}, format="json"
    )
    assert [e["field"] for e in assert_problem(plain, 400)["errors"]] == ["url"]


def test_another_employers_endpoint_is_not_found(cast):
    body = register(cast)
    assert_problem(cast.api_b.get(f"/api/v1/webhooks/{body['id']}/"), 404)
    assert_problem(cast.api_b.patch(f"/api/v1/webhooks/{body['id']}/", {"is_active": False}, format="json"), 404)
    assert_problem(cast.api_b.delete(f"/api/v1/webhooks/{body['id']}/"), 404)
    assert WebhookEndpoint.objects.get().is_active


def test_webhooks_need_their_scope(cast):
    assert_problem(http(cast.hr_a, scopes=["read", "enroll"]).get("/api/v1/webhooks/"), 403)


def test_an_enrolment_sends_a_signed_event_that_the_documented_recipe_verifies(
    cast, employee_a, receiver, django_capture_on_commit_callbacks
):
    secret = register(cast)["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = training.do_enrol(trainee=employee_a.user, cohort=CohortFactory())
    # The signal fires on commit, and the delivery is queued on the commit after that.
    with django_capture_on_commit_callbacks(execute=True):
        pass
    assert len(receiver.calls) == 1
    call = receiver.calls[0]
    payload = json.loads(call["body"])
    assert payload["type"] == "enrollment.status_changed"
    assert payload["data"]["enrollment"] == enrolment.pk
    assert payload["data"]["employee_number"] == employee_a.employee_number
    assert call["headers"]["Webhook-Id"] == payload["id"]
    verify = documented_verify()
    assert verify(secret, call["headers"], call["body"])
    assert not verify(signing.new_secret(), call["headers"], call["body"])
    assert not verify(secret, call["headers"], call["body"].replace(b"pending", b"approved"))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 1


def test_another_employers_events_do_not_reach_the_endpoint(
    cast, employee_b, receiver, django_capture_on_commit_callbacks
):
    register(cast)
    with django_capture_on_commit_callbacks(execute=True):
        training.do_enrol(trainee=employee_b.user, cohort=CohortFactory())
    assert receiver.calls == [] and not WebhookDelivery.objects.exists()


def test_a_failing_receiver_is_retried_with_growing_waits_then_given_up(cast, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    register(cast)
    receiver.answers = [500]
    endpoint = WebhookEndpoint.objects.get()
    delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="certificate.issued", payload={"a": 1})
    assert deliveries.attempt_delivery(delivery.pk) == 30
    assert deliveries.attempt_delivery(delivery.pk) is None  # not due yet: an early copy sends nothing
    assert len(receiver.calls) == 1

    def come_due():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())

    come_due()
    assert deliveries.attempt_delivery(delivery.pk) == 60
    come_due()
    assert deliveries.attempt_delivery(delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3 and delivery.last_status_code == 500


def test_a_timeout_counts_as_a_failed_attempt(cast, receiver):
    register(cast)
    receiver.answers = [requests.Timeout("too slow")]
    delivery = WebhookDelivery.objects.create(
        endpoint=WebhookEndpoint.objects.get(), event="certificate.issued", payload={}
    )
    assert deliveries.attempt_delivery(delivery.pk) == 30
    delivery.refresh_from_db()
    assert "Timeout" in delivery.last_error and delivery.status == "pending"
    assert receiver.calls[0]["timeout"] == 5


def test_the_program_office_redelivers_from_admin(cast, receiver, admin_client, django_capture_on_commit_callbacks):
    register(cast)
    delivery = WebhookDelivery.objects.create(
        endpoint=WebhookEndpoint.objects.get(), event="certificate.issued", payload={}, status="failed", attempts=8
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/en/admin/hr_api/webhookdelivery/",
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.calls) == 1
    assert receiver.calls[0]["headers"]["Webhook-Id"] == str(delivery.event_id)


def test_certificate_and_exam_events_reach_the_employers_endpoint(
    cast, employee_a, receiver, django_capture_on_commit_callbacks
):
    from certification.models import Certificate
    from certification.signals import certificate_issued, certificate_status_changed
    from exams.models import CourseResult
    from exams.signals import result_published
    from tests.factories import CertificateFactory

    from .test_results_and_certificates import published_result

    register(cast, events=["certificate.issued", "certificate.status_changed", "exam.result_published"])
    certificate = CertificateFactory(trainee=employee_a.user)
    result = published_result(employee_a)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issued.send(sender=Certificate, certificate=certificate)
        certificate_status_changed.send(
            sender=Certificate,
            certificate=certificate,
            old_status="active",
            new_status="suspended",
            action="suspend",
            reason="",
        )
        result_published.send(sender=CourseResult, result=result)
    events = [json.loads(c["body"]) for c in receiver.calls]
    assert [e["type"] for e in events] == ["certificate.issued", "certificate.status_changed", "exam.result_published"]
    assert events[0]["data"]["number"] == certificate.number
    assert events[1]["data"]["new_status"] == "suspended"
    assert events[2]["data"]["passed"] is True and events[2]["data"]["course"] == "BCM-101"
    assert len({e["id"] for e in events}) == 3


def test_an_announcement_sent_again_records_no_second_delivery(
    cast, employee_a, receiver, django_capture_on_commit_callbacks
):
    """A certificate or a published result announced twice (certification's sweep re-sends an
    announcement it finds unclaimed, issue 16) is one delivery per endpoint; another certificate, or
    the result published again later, is a new event."""
    from certification.models import Certificate
    from certification.signals import certificate_issued
    from exams.models import CourseResult
    from exams.signals import result_published
    from tests.factories import CertificateFactory, TraineeProfileFactory

    from .test_results_and_certificates import published_result

    register(cast, events=["certificate.issued", "exam.result_published"])
    WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer,
        url="https://hr2.alpha.example/hook",
        events=["certificate.issued"],
        secret=signing.new_secret(),
    )
    certificate = CertificateFactory(trainee=employee_a.user)
    result = published_result(employee_a)
    with django_capture_on_commit_callbacks(execute=True):
        for _twice in range(2):
            certificate_issued.send(sender=Certificate, certificate=certificate)
            result_published.send(sender=CourseResult, result=result)
    issued = WebhookDelivery.objects.filter(event="certificate.issued")
    assert sorted(issued.values_list("endpoint__url", flat=True)) == [
        "https://hr.alpha.example/hook",
        "https://hr2.alpha.example/hook",
    ]
    assert WebhookDelivery.objects.filter(event="exam.result_published").count() == 1
    assert len(receiver.calls) == 3

    other = CertificateFactory(trainee=TraineeProfileFactory(employer=cast.hr_a.employer).user)
    result.published_at = timezone.now() + datetime.timedelta(seconds=1)  # published again (a new grade)
    result.save(update_fields=["published_at"])
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issued.send(sender=Certificate, certificate=other)
        result_published.send(sender=CourseResult, result=result)
    assert issued.count() == 4
    assert WebhookDelivery.objects.filter(event="exam.result_published").count() == 2


def test_a_webhook_failure_never_fails_the_callers_change(
    cast, employee_a, monkeypatch, django_capture_on_commit_callbacks
):
    register(cast)

    def broken(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("hr_api.receivers.emit", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.api_a.post(
            "/api/v1/enrollments/", {"employee": employee_a.pk, "cohort": CohortFactory().pk}, format="json"
        )
    assert response.status_code == 201


def test_the_documented_recipe_refuses_an_old_a_forged_and_an_altered_delivery():
    secret = signing.new_secret()
    body = b'{"id":"e1"}'

    def headers(age: int, key: str = secret) -> dict:
        timestamp = str(int(time.time()) - age)
        return {
            "Webhook-Id": "e1",
            "Webhook-Timestamp": timestamp,
            "Webhook-Signature": signing.sign(key, "e1", timestamp, body),
        }

    verify = documented_verify()
    assert verify(secret, headers(0), body) == {"id": "e1"}
    assert verify(secret, headers(290), body)
    assert verify(secret, headers(310), body) is None  # a replay, though correctly signed
    assert verify(secret, headers(-310), body) is None
    assert verify(secret, headers(0, key=signing.new_secret()), body) is None
    assert verify(secret, headers(0), body + b" ") is None
    assert verify(secret, {**headers(0), "Webhook-Id": "e2"}, body) is None  # the id is signed too
    # The library agrees with our signature byte for byte.
    stamp = headers(0)["Webhook-Timestamp"]
    library = standardwebhooks.Webhook(secret).sign(
        "e1", datetime.datetime.fromtimestamp(int(stamp), datetime.UTC), body.decode()
    )
    assert library == signing.sign(secret, "e1", stamp, body)


def test_the_sweep_enqueues_only_pending_deliveries_past_due(cast, settings, django_capture_on_commit_callbacks):
    import datetime
    from unittest import mock

    settings.WEBHOOK_SWEEP_AFTER_SECONDS = 60
    register(cast)
    endpoint = WebhookEndpoint.objects.get()
    now = timezone.now()
    old = now - datetime.timedelta(seconds=120)

    def make(**fields):
        delivery = WebhookDelivery.objects.create(endpoint=endpoint, event="certificate.issued", payload={})
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
        return delivery.pk

    lost_first = make(created_at=old)
    lost_retry = make(created_at=old, attempts=1, next_attempt_at=old)
    make(created_at=now)  # just recorded: its own task is on the way
    make(created_at=old, attempts=1, next_attempt_at=now + datetime.timedelta(seconds=30))  # retry waiting
    make(created_at=old, status="delivered")
    make(created_at=old, status="failed")
    with mock.patch("hr_api.tasks.deliver_webhook.delay") as delay:
        assert sweep.do_sweep_deliveries(now=now) == 2
    assert sorted(call.args[0] for call in delay.call_args_list) == sorted([lost_first, lost_retry])
