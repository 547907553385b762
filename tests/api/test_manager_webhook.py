"""``manager.compliance_changed``: a certificate lapse that flags a manager's grade reaches each of the bank's
subscribed endpoints once — however often the change is announced (a repeated signal, career's sweep) — and
never another bank's."""

import datetime
import json

import pytest
from django.utils import timezone

from career import signals as career_signals
from career.models import ComplianceEvent
from career.services import register
from certification import services as certification
from certification.models import Certificate
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import deliveries, signing
from tests.career.conftest import certify, grade

from .conftest import assert_problem, http
from .test_webhooks import Receiver, documented_verify

pytestmark = pytest.mark.django_db
EVENT = "manager.compliance_changed"


@pytest.fixture
def bank_server(monkeypatch):
    fake = Receiver()
    monkeypatch.setattr(deliveries.outbound, "post", fake)
    return fake


@pytest.fixture
def endpoints(cast):
    """Two endpoints of bank A that want the event (one registered through the API), one of bank B."""
    registered = cast.api_a.post(
        "/api/v1/webhooks/", {"url": "https://hr.alpha.example/hook", "events": [EVENT]}, format="json"
    )
    assert registered.status_code == 201, registered.content
    second = WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer, url="https://hr2.alpha.example/hook", events=[EVENT], secret=signing.new_secret()
    )
    theirs = WebhookEndpoint.objects.create(
        employer=cast.hr_b.employer, url="https://hr.bravo.example/hook", events=[EVENT], secret=signing.new_secret()
    )
    # Registered before the lapse: an endpoint is owed the changes that happen after it exists.
    WebhookEndpoint.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    first = WebhookEndpoint.objects.get(pk=registered.json()["id"])
    return first, registered.json()["secret"], second, theirs


@pytest.fixture
def manager(employee_a, hr_staff):
    certificate = certify(employee_a.user)
    return grade(employee_a.user, by=hr_staff), certificate


def lapse(certificate: Certificate) -> None:
    """The certificate's period ends yesterday; the daily expiry job expires it."""
    today = timezone.localdate()
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=today - datetime.timedelta(days=1200),
        period_starts_on=today - datetime.timedelta(days=1200),
        valid_until=today - datetime.timedelta(days=1),
    )
    assert certification.do_expire_lapsed() == 1


def test_a_lapse_is_one_signed_delivery_per_endpoint_of_the_bank(
    cast, endpoints, manager, employee_a, bank_server, django_capture_on_commit_callbacks
):
    first, secret, second, theirs = endpoints
    _grade, certificate = manager
    with django_capture_on_commit_callbacks(execute=True):
        lapse(certificate)
    event = ComplianceEvent.objects.get()
    sent = WebhookDelivery.objects.filter(event=EVENT)
    assert sorted(sent.values_list("endpoint_id", flat=True)) == sorted([first.pk, second.pk])
    assert not sent.filter(endpoint=theirs).exists()
    call = next(c for c in bank_server.calls if c["url"] == first.url)
    payload = json.loads(call["body"])
    assert payload["type"] == EVENT
    assert payload["data"] == {
        "compliance_event": event.pk,
        "employee": employee_a.pk,
        "employee_number": employee_a.employee_number,
        "manager_class": "personal",
        "level": "intermediate",
        "compliant": False,
        "occurred_at": payload["data"]["occurred_at"],
    }
    assert datetime.datetime.fromisoformat(payload["data"]["occurred_at"]) == event.occurred_at
    assert documented_verify()(secret, call["headers"], call["body"])

    # Heard again (a repeated signal), announced again, swept: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        for _twice in range(2):
            career_signals.compliance_changed.send(sender=ComplianceEvent, event=event)
        assert register.do_announce_compliance(event_id=event.pk) is False
        assert register.do_sweep_compliance() == {"settled": 0, "announced": 0}
    assert sent.count() == 2 and len(bank_server.calls) == 2


def test_a_change_the_receiver_lost_is_delivered_by_the_sweep_once(
    cast, endpoints, manager, bank_server, django_capture_on_commit_callbacks
):
    """The worker was killed after the flag committed and before the announcement: career's sweep announces
    it, and a second sweep (or the lost announcement arriving late) delivers nothing more."""
    first, _secret, second, _theirs = endpoints
    grade_, certificate = manager
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.EXPIRED)
    register.do_settle_compliance(grade_id=grade_.pk, now=timezone.now() - datetime.timedelta(minutes=10))
    assert not WebhookDelivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert register.do_sweep_compliance()["announced"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert register.do_sweep_compliance()["announced"] == 0
        event = ComplianceEvent.objects.get()
        career_signals.compliance_changed.send(sender=ComplianceEvent, event=event)
    assert sorted(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == sorted([first.pk, second.pk])


def test_backed_again_is_a_new_event(
    cast, endpoints, manager, program_office, bank_server, django_capture_on_commit_callbacks
):
    _grade, certificate = manager
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_suspend_certificate(certificate=certificate, by=program_office, reason="調查中")
    with django_capture_on_commit_callbacks(execute=True):
        certification.do_reinstate_certificate(certificate=certificate, by=program_office)
    told = [json.loads(c["body"])["data"]["compliant"] for c in bank_server.calls if c["url"] == endpoints[0].url]
    assert told == [False, True]
    assert WebhookDelivery.objects.count() == 4


def test_another_banks_lapse_reaches_none_of_this_banks_endpoints(
    cast, endpoints, employee_b, other_hr_staff, bank_server, django_capture_on_commit_callbacks
):
    certificate = certify(employee_b.user)
    grade(employee_b.user, by=other_hr_staff)
    with django_capture_on_commit_callbacks(execute=True):
        lapse(certificate)
    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [endpoints[3].pk]


def test_subscribing_needs_the_managers_scope_too(cast):
    without = http(cast.hr_a, scopes=["read", "webhooks"])
    body = {"url": "https://hr.alpha.example/hook", "events": ["certificate.issued", EVENT]}
    assert_problem(without.post("/api/v1/webhooks/", body, format="json"), 403)
    assert not WebhookEndpoint.objects.exists()
    created = without.post("/api/v1/webhooks/", {**body, "events": ["certificate.issued"]}, format="json")
    assert created.status_code == 201
    url = f"/api/v1/webhooks/{created.json()['id']}/"
    assert_problem(without.patch(url, {"events": [EVENT]}, format="json"), 403)
    assert WebhookEndpoint.objects.get().events == ["certificate.issued"]
    assert cast.api_a.patch(url, {"events": [EVENT]}, format="json").status_code == 200


def test_a_bank_whose_clients_lost_the_managers_scope_is_told_nothing(
    cast, endpoints, manager, bank_server, django_capture_on_commit_callbacks
):
    """Its endpoints subscribed while a client had the scope; the program office took it away since (or made
    the endpoint in admin): the register's changes are no longer the bank's to hear."""
    _grade, certificate = manager
    type(cast.hr_a).objects.filter(employer=cast.hr_a.employer).update(can_managers=False)
    with django_capture_on_commit_callbacks(execute=True):
        lapse(certificate)
    assert ComplianceEvent.objects.count() == 1
    assert not WebhookDelivery.objects.exists()
    assert bank_server.calls == []


def test_a_revoked_client_with_the_scope_does_not_count(
    cast, endpoints, manager, bank_server, django_capture_on_commit_callbacks
):
    _grade, certificate = manager
    type(cast.hr_a).objects.filter(employer=cast.hr_a.employer).update(revoked_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        lapse(certificate)
    assert not WebhookDelivery.objects.exists()
