"""An integrator's findings: one URL registered sixty times (every event sixty deliveries to one host), a certificate
number found only as stored, implausible evaluation periods, and a score checked before it was rounded."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from career.models import Evaluation, EvaluationPeriod, EvaluationScore
from career.services import CareerError, evaluations
from hr_api.admin import WebhookEndpointForm
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.problems import TYPES
from hr_api.webhooks import signing
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_problem
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

cast = api_fixtures.cast
employee_a = api_fixtures.employee_a
employee_b = api_fixtures.employee_b

HOOKS = "/api/v1/webhooks/"
ALL = [e for e, _label in WebhookEndpoint.Event.choices]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def register(api, url="https://1.1.1.1/", **extra):
    return api.post(HOOKS, {"url": url, "events": ALL, **extra}, format="json", **EN)


def code_of(response) -> str:
    return response.json()["type"].rsplit("/", 1)[-1]


# --- 1. webhooks: a URL once per employer, and at most so many endpoints ---------------------------------------------


def test_the_same_url_again_is_a_409_url_taken_in_any_case_of_its_host(cast):
    assert register(cast.api_a).status_code == 201
    for again in ("https://1.1.1.1/", "HTTPS://1.1.1.1/"):
        response = register(cast.api_a, again)
        assert_problem(response, 409)
        assert code_of(response) == "url_taken", response.json()
    assert register(cast.api_a, "https://hr.alpha.example/hook").status_code == 201
    assert register(cast.api_a, "https://HR.Alpha.example/hook").status_code == 409
    assert WebhookEndpoint.objects.filter(employer=cast.hr_a.employer).count() == 2
    assert "url_taken" in TYPES and "too_many_endpoints" in TYPES


def test_another_employer_may_have_the_same_url_and_neither_sees_or_changes_the_others(cast):
    mine = register(cast.api_a).json()
    theirs = register(cast.api_b).json()
    assert theirs["url"] == mine["url"]
    assert [e["id"] for e in cast.api_a.get(HOOKS).json()["results"]] == [mine["id"]]
    assert cast.api_b.get(f"{HOOKS}{mine['id']}/").status_code == 404
    assert cast.api_b.patch(f"{HOOKS}{mine['id']}/", {"is_active": False}, format="json").status_code == 404
    assert cast.api_b.delete(f"{HOOKS}{mine['id']}/").status_code == 404
    assert WebhookEndpoint.objects.get(pk=mine["id"]).is_active


def test_an_inactive_endpoint_keeps_its_url_but_is_not_reactivated_onto_a_taken_one(cast):
    first = register(cast.api_a).json()
    assert cast.api_a.patch(f"{HOOKS}{first['id']}/", {"is_active": False}, format="json").status_code == 200
    second = register(cast.api_a).json()  # the URL is free among the active ones
    response = cast.api_a.patch(f"{HOOKS}{first['id']}/", {"is_active": True}, format="json", **EN)
    assert_problem(response, 409)
    assert code_of(response) == "url_taken"
    other = register(cast.api_a, "https://hr.alpha.example/hook").json()
    response = cast.api_a.patch(f"{HOOKS}{other['id']}/", {"url": "https://1.1.1.1/"}, format="json", **EN)
    assert code_of(response) == "url_taken"
    assert set(WebhookEndpoint.objects.filter(is_active=True).values_list("pk", flat=True)) == {
        second["id"],
        other["id"],
    }


def test_the_database_keeps_an_active_url_once_per_employer(cast):
    register(cast.api_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookEndpoint.objects.create(
            employer=cast.hr_a.employer, url="https://1.1.1.1/", events=ALL, secret=signing.new_secret()
        )


def test_an_employer_has_at_most_the_settings_number_of_endpoints(cast, settings):
    settings.WEBHOOK_ENDPOINTS_PER_EMPLOYER = 3
    for n in range(3):
        assert register(cast.api_a, f"https://hr.alpha.example/hook{n}", is_active=n != 1).status_code == 201
    response = register(cast.api_a, "https://hr.alpha.example/hook9")
    assert_problem(response, 409)
    assert code_of(response) == "too_many_endpoints" and "3" in response.json()["detail"]
    assert register(cast.api_b, "https://hr.alpha.example/hook9").status_code == 201  # bank B has its own
    first = WebhookEndpoint.objects.filter(employer=cast.hr_a.employer).first()
    assert cast.api_a.delete(f"{HOOKS}{first.pk}/").status_code == 204
    assert register(cast.api_a, "https://hr.alpha.example/hook9").status_code == 201


def test_the_default_limit_is_ten(cast):
    for n in range(10):
        assert register(cast.api_a, f"https://hr.alpha.example/h{n}").status_code == 201
    assert code_of(register(cast.api_a, "https://hr.alpha.example/h10")) == "too_many_endpoints"


def test_the_admin_form_follows_the_same_rule(cast):
    register(cast.api_a)
    data = {"employer": cast.hr_a.employer.pk, "url": "https://1.1.1.1/", "events": '["exam.result_published"]',
            "is_active": True, "description": ""}  # fmt: skip
    with translation.override("en"):
        form = WebhookEndpointForm(data=data)
        assert not form.is_valid()
        assert [e.code for e in form.errors.as_data()["url"]] == ["url_taken"]
        assert WebhookEndpointForm(data={**data, "is_active": False}).is_valid()


def test_the_migration_deactivates_the_later_duplicates_and_fails_their_pending_deliveries(cast):
    """Rows from before the constraint: the same address spelt in another case of its host (the same string twice
    the constraint now refuses; the migration's key is the lower-cased one, so both are settled alike)."""
    migration = importlib.import_module("hr_api.migrations.0006_webhook_url_once_per_employer")
    employer = cast.hr_a.employer
    urls = ["https://1.1.1.1/", "HTTPS://1.1.1.1/", "https://1.1.1.1/", "https://hr.alpha.example/hook"]
    rows = [
        WebhookEndpoint.objects.create(
            employer=employer, url=url, events=ALL, secret=signing.new_secret(), is_active=n != 2
        )
        for n, url in enumerate(urls)
    ]
    theirs = WebhookEndpoint.objects.create(employer=cast.hr_b.employer, url=urls[0], events=ALL, secret="s")
    pending = WebhookDelivery.objects.create(endpoint=rows[1], event=ALL[0], payload={})
    kept_delivery = WebhookDelivery.objects.create(endpoint=rows[0], event=ALL[0], payload={})
    migration.deactivate_later_duplicates(django_apps, None)
    active = {r.pk: r.is_active for r in WebhookEndpoint.objects.all()}
    assert active == {rows[0].pk: True, rows[1].pk: False, rows[2].pk: False, rows[3].pk: True, theirs.pk: True}
    assert WebhookEndpoint.objects.count() == 5  # no row deleted
    pending.refresh_from_db()
    kept_delivery.refresh_from_db()
    assert pending.status == "failed" and f"endpoint {rows[0].pk}" in pending.last_error
    assert kept_delivery.status == "pending"


# --- 2. a certificate's number as people type it ----------------------------------------------------------------------


def test_a_certificate_is_found_by_its_number_as_typed(cast, employee_a, employee_b):
    certificate = CertificateFactory(trainee=employee_a.user)
    number = certificate.number
    for typed in (number.lower(), number.replace("-", ""), number.replace("-", " ").lower()):
        response = cast.api_a.get(f"/api/v1/certificates/{typed}/")
        assert response.status_code == 200, (typed, response.content)
        assert response.json()["number"] == number
        assert cast.api_a.get(f"/api/v1/certificates/{typed}/credential/").json()["number"] == number
    theirs = CertificateFactory(trainee=employee_b.user)
    assert cast.api_a.get(f"/api/v1/certificates/{theirs.number.lower()}/").status_code == 404
    assert cast.api_a.get("/api/v1/certificates/BCM-STD-R-NOPE/").status_code == 404


# --- 3 and 4. evaluations: periods of their kind, scores rounded first ------------------------------------------------

SCORES = {"performance": 90, "ethics": 80, "basic_management": 70, "credit": 85, "service": 75}


@pytest.fixture
def scheme(cast):
    return evaluations.do_save_scheme(
        employer=cast.hr_a.employer, name="甲行考核", period_kinds=["quarterly", "annual", "monthly"]
    )


def send(cast, employee, period, scores=SCORES):
    item = {"employee": employee.pk, "period": period, "scores": scores}
    return cast.api_a.post("/api/v1/evaluations/", {"evaluations": [item]}, format="json", **EN)


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends_on"),
    [
        ("quarterly", "2026-01-01", "2026-01-01"),  # a one-day quarter
        ("quarterly", "2026-01-15", "2026-04-14"),  # not whole months
        ("quarterly", "2026-01-01", "2026-06-30"),  # two quarters
        ("annual", "2026-01-01", "2026-03-31"),
        ("monthly", "2026-02-01", "2026-02-27"),
        ("quarterly", "2099-10-01", "2099-12-31"),  # not begun
        ("quarterly", "0001-01-01", "0001-03-31"),  # before the program
    ],
)
def test_an_implausible_period_is_refused_as_period_dates(cast, scheme, employee_a, kind, starts_on, ends_on):
    response = send(cast, employee_a, {"kind": kind, "starts_on": starts_on, "ends_on": ends_on})
    body = assert_problem(response, 409)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("evaluations[0].period", "period_dates")]
    assert not EvaluationPeriod.objects.exists() and not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends_on"),
    [
        ("quarterly", "2026-01-01", "2026-03-31"),
        ("quarterly", "2025-11-01", "2026-01-31"),  # a financial year's quarter
        ("annual", "2025-01-01", "2025-12-31"),
        ("monthly", "2024-02-01", "2024-02-29"),
    ],
)
def test_a_period_of_its_kinds_whole_months_is_taken(cast, scheme, employee_a, kind, starts_on, ends_on):
    assert send(cast, employee_a, {"kind": kind, "starts_on": starts_on, "ends_on": ends_on}).status_code == 200


def test_the_current_period_is_taken_and_the_next_is_not(scheme, employee_a):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    following = (this_month + datetime.timedelta(days=32)).replace(day=1)
    month_end = following - datetime.timedelta(days=1)
    evaluations.check_period_dates(kind="monthly", starts_on=this_month, ends_on=month_end)
    after = (following + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    with pytest.raises(CareerError) as error:
        evaluations.check_period_dates(kind="monthly", starts_on=following, ends_on=after)
    assert error.value.code == "period_dates"


def test_a_period_defined_before_the_rule_keeps_its_evaluations(cast, scheme, employee_a):
    odd = EvaluationPeriod.objects.create(
        scheme=scheme, kind="quarterly", starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 1, 1)
    )
    assert (
        send(cast, employee_a, {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-01-01"}).status_code
        == 200
    )
    assert Evaluation.objects.get().period == odd


@pytest.mark.parametrize(
    ("sent", "stored"),
    [(99.995, Decimal("100.00")), (100.004, Decimal("100.00")), (-0.004, Decimal("0.00")), (87.333, Decimal("87.33"))],
)
def test_a_score_is_rounded_to_two_decimals_before_its_bounds_are_checked(cast, scheme, employee_a, sent, stored):
    response = send(cast, employee_a, {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
                    {**SCORES, "service": sent})  # fmt: skip
    assert response.status_code == 200, response.content
    assert EvaluationScore.objects.get(dimension__code="service").score == stored
    assert response.json()["evaluations"][0]["scores"]["service"] == float(stored)


@pytest.mark.parametrize(("sent", "code"), [(100.005, "max_value"), (-0.005, "min_value"), (1e300, "max_value")])
def test_a_score_that_rounds_beyond_0_to_100_is_refused(cast, scheme, employee_a, sent, code):
    response = send(cast, employee_a, {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
                    {**SCORES, "service": sent})  # fmt: skip
    body = assert_problem(response, 400)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("evaluations[0].scores.service", code)]
