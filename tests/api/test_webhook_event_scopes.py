"""A webhook event tells an employer no more than the REST API would: each event needs the scope of the resource
it reveals, to subscribe and at each delivery.

Only ``manager.compliance_changed`` had one (``managers``): a client without ``read`` (403 on
``/api/v1/exam-results/``) subscribed with its ``webhooks`` token to ``exam.result_published`` and
``certificate.issued`` and was sent the scores and certificate numbers the API refuses it.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from certification.models import Certificate
from certification.signals import certificate_issued, certificate_status_changed
from exams.models import CourseResult
from exams.signals import result_published
from hr_api.auth import scope_needed
from hr_api.models import ApiClient, WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import deliveries, signing
from hr_api.webhooks.events import EVENT_SCOPES, EVENTS
from tests.factories import CertificateFactory, CohortFactory

from .conftest import assert_problem, http
from .test_results_and_certificates import published_result
from .test_webhooks import Receiver

pytestmark = pytest.mark.django_db

# The REST resource whose rows each event tells of.
RESOURCE_OF = {
    "enrollment.status_changed": "/api/v1/enrollments/",
    "exam.result_published": "/api/v1/exam-results/",
    "certificate.issued": "/api/v1/certificates/",
    "certificate.status_changed": "/api/v1/certificates/",
    "manager.compliance_changed": "/api/v1/managers/",
}
READ_EVENTS = ["enrollment.status_changed", "exam.result_published", "certificate.issued", "certificate.status_changed"]


@pytest.fixture
def receiver(monkeypatch):
    """The employer's server, standing in."""
    fake = Receiver()
    monkeypatch.setattr(deliveries.outbound, "post", fake)
    return fake


def test_every_event_needs_the_scope_of_the_resource_it_reveals():
    assert set(EVENT_SCOPES) == set(EVENTS), "give each new event its scope in EVENT_SCOPES"
    assert set(RESOURCE_OF) == set(EVENTS), "name the REST resource each new event tells of in RESOURCE_OF"
    for event, path in RESOURCE_OF.items():
        assert EVENT_SCOPES[event] == scope_needed(resolve(path).func.cls, "GET"), event


def without_read(cast) -> ApiClient:
    ApiClient.objects.filter(pk=cast.hr_a.pk).update(can_read=False)
    cast.hr_a.refresh_from_db()
    return cast.hr_a


@pytest.mark.parametrize("event", EVENTS)
def test_subscribing_needs_the_events_scope(cast, event):
    """The report's client: ``can_read`` off, a ``webhooks`` token; the register's client likewise without
    ``managers``."""
    scope = "managers" if event == "manager.compliance_changed" else "read"  # as RESOURCE_OF's GET needs
    ApiClient.objects.filter(pk=cast.hr_a.pk).update(**{f"can_{scope}": False})
    api = http(cast.hr_a, ["webhooks"])
    assert_problem(api.get(RESOURCE_OF[event]), 403)
    body = {"url": "https://hr.alpha.example/hook", "events": [event]}
    refused = assert_problem(api.post("/api/v1/webhooks/", body, format="json"), 403)
    assert event in refused["detail"] and scope in refused["detail"]
    assert not WebhookEndpoint.objects.exists()


def test_a_webhooks_only_token_subscribes_to_no_event_of_rows_it_cannot_read(cast):
    without_read(cast)
    api = http(cast.hr_a, ["webhooks"])
    assert_problem(api.get("/api/v1/exam-results/"), 403)
    body = {"url": "https://hr.alpha.example/hook", "events": ["exam.result_published", "certificate.issued"]}
    assert_problem(api.post("/api/v1/webhooks/", body, format="json"), 403)
    assert not WebhookEndpoint.objects.exists()

    # An endpoint it may keep (made while it could read) is not widened either.
    endpoint = WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer, url="https://hr.alpha.example/hook", events=[], secret=signing.new_secret()
    )
    patched = api.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"events": ["certificate.issued"]}, format="json")
    assert_problem(patched, 403)
    endpoint.refresh_from_db()
    assert endpoint.events == []


@pytest.fixture
def subscribed(cast):
    """Bank A's endpoint of every event, registered while its client had every scope."""
    response = cast.api_a.post(
        "/api/v1/webhooks/", {"url": "https://hr.alpha.example/hook", "events": EVENTS}, format="json"
    )
    assert response.status_code == 201, response.content
    return WebhookEndpoint.objects.get(pk=response.json()["id"])


@pytest.fixture
def announce(employee_a, django_capture_on_commit_callbacks):
    """Announces an event of each ``read`` resource about bank A's employee (again, when called again)."""
    from courses import services as training
    from courses.signals import enrolment_state_changed

    enrolment = training.do_enrol(trainee=employee_a.user, cohort=CohortFactory())
    certificate = CertificateFactory(trainee=employee_a.user)
    result = published_result(employee_a)

    def announce_all() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            enrolment_state_changed.send(
                sender=type(enrolment), enrolment=enrolment, old_state="pending", new_state=enrolment.state
            )
            certificate_issued.send(sender=Certificate, certificate=certificate)
            certificate_status_changed.send(
                sender=Certificate,
                certificate=certificate,
                old_status="active",
                new_status="suspended",
                action="suspend",
            )
            result_published.send(sender=CourseResult, result=result)

    WebhookDelivery.objects.all().delete()  # the enrolment's own event, before the scope was taken
    return announce_all


def test_a_bank_whose_clients_lost_read_is_told_none_of_its_events(cast, subscribed, announce, receiver):
    """Subscribed while a client could read; the program office took ``read`` away since: the endpoint stays,
    its ``read`` events are skipped (not recorded, not sent), until a client of the bank has ``read`` again."""
    receiver.calls.clear()
    ApiClient.objects.filter(employer=cast.hr_a.employer).update(can_read=False)
    announce()
    assert not WebhookDelivery.objects.exists()
    assert receiver.calls == []

    ApiClient.objects.filter(employer=cast.hr_a.employer).update(can_read=True)
    announce()
    sent = {json.loads(call["body"])["type"] for call in receiver.calls}
    assert sent == set(READ_EVENTS)


def test_a_delivery_recorded_before_the_scope_was_taken_away_is_not_sent(
    cast,
    subscribed,
    employee_a,
    receiver,
    django_capture_on_commit_callbacks,
):
    """A retry, or the program office's redelivery, after ``read`` was taken away: refused, failed for good."""
    certificate = CertificateFactory(trainee=employee_a.user)
    with django_capture_on_commit_callbacks(execute=False):  # recorded; its attempt not run yet
        certificate_issued.send(sender=Certificate, certificate=certificate)
    delivery = WebhookDelivery.objects.get(event="certificate.issued")
    ApiClient.objects.filter(employer=cast.hr_a.employer).update(can_read=False)

    assert deliveries.attempt_delivery(delivery.pk) is None
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED and delivery.attempts == 0
    assert "read" in delivery.last_error and "certificate.issued" in delivery.last_error
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.do_redeliver(deliveries=[delivery])
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert receiver.calls == []


def test_the_scope_is_checked_once_per_event_whatever_the_number_of_endpoints(cast, employee_a):
    def queries_of_one_event() -> int:
        with CaptureQueriesContext(connection) as queries:
            deliveries.emit(employer_id=cast.hr_a.employer_id, event="certificate.issued", data={"number": "X"})
        return len(queries) - WebhookDelivery.objects.filter(event="certificate.issued").count()

    def endpoint(n: int) -> None:
        WebhookEndpoint.objects.create(
            employer=cast.hr_a.employer,
            url=f"https://hr{n}.alpha.example/hook",
            events=["certificate.issued"],
            secret=signing.new_secret(),
        )

    endpoint(0)
    one = queries_of_one_event()
    for n in range(1, 6):
        endpoint(n)
    WebhookDelivery.objects.all().delete()
    assert queries_of_one_event() == one  # the inserts aside, one endpoint or six: the same queries
