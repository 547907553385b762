"""Small things an integrator trips on (issue 15, item 11): a zone on ``updated_since``, ``null``
for the state before creation, and a bad token named as such."""

import datetime

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from courses import services as training
from hr_api import services as api_services
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks import deliveries
from tests.factories import CohortFactory

from .conftest import assert_problem, token_for

LISTS = [
    "/api/v1/employees/",
    "/api/v1/enrollments/",
    "/api/v1/catalog/cohorts/",
    "/api/v1/exam-results/",
    "/api/v1/certificates/",
    "/api/v1/webhooks/",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_naive_updated_since_is_refused_because_a_zone_is_required(cast, url):
    body = assert_problem(cast.api_a.get(url, {"updated_since": "2026-01-31T08:00:00"}, HTTP_ACCEPT_LANGUAGE="en"), 400)
    [error] = body["errors"]
    assert (error["field"], error["code"]) == ("updated_since", "zone_required")
    assert "time zone" in error["message"]


@pytest.mark.parametrize("since", ["2026-01-31T08:00:00+08:00", "2026-01-31T00:00:00Z"])
def test_an_updated_since_with_a_zone_is_taken(cast, since):
    assert cast.api_a.get("/api/v1/employees/", {"updated_since": since}).status_code == 200


def test_the_schema_says_a_zone_is_required(cast):
    schema = cast.api_a.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    descriptions = {
        parameter["description"]
        for path in schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for parameter in operation.get("parameters", [])
        if parameter.get("name") == "updated_since"
    }
    assert descriptions and all("Without a zone it answers 400" in d for d in descriptions)


def test_the_creation_event_has_a_null_old_state(cast, employee_a, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(deliveries, "enqueue_on_commit", lambda task, *args: None)  # the payload, not its delivery
    WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer, url="https://hr.example/hook", events=["enrollment.status_changed"], secret="s"
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = training.do_enrol(trainee=employee_a.user, cohort=CohortFactory())
    with django_capture_on_commit_callbacks(execute=True):
        training.do_withdraw_enrolment(enrolment=enrolment)
    states = [
        (d.payload["data"]["old_state"], d.payload["data"]["new_state"]) for d in WebhookDelivery.objects.order_by("pk")
    ]
    assert states == [(None, "pending"), ("pending", "withdrawn")]


def bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def assert_invalid_token(response) -> None:
    body = assert_problem(response, 401)
    assert body["type"].endswith("/invalid_token")
    assert "invalid" in body["detail"] and "not provided" not in body["detail"]
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    assert response["WWW-Authenticate"].isascii()


def test_an_unknown_token_is_invalid_not_missing(cast):
    assert_invalid_token(bearer("never-issued").get("/api/v1/employees/", HTTP_ACCEPT_LANGUAGE="en"))


def test_an_expired_token_is_invalid(cast):
    token = token_for(cast.hr_a)
    AccessToken.objects.filter(token=token).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    assert_invalid_token(bearer(token).get("/api/v1/employees/", HTTP_ACCEPT_LANGUAGE="en"))


def test_a_token_of_a_revoked_client_is_invalid(cast):
    token = token_for(cast.hr_a)
    api_services.do_revoke_client(client=cast.hr_a)
    assert_invalid_token(bearer(token).get("/api/v1/employees/", HTTP_ACCEPT_LANGUAGE="en"))


def test_no_authorization_header_says_credentials_were_not_provided(cast):
    response = APIClient().get("/api/v1/employees/", HTTP_ACCEPT_LANGUAGE="en")
    body = assert_problem(response, 401)
    assert body["type"].endswith("/not_authenticated")
    assert body["detail"] == "Authentication credentials were not provided."
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
