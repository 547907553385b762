"""An integrator's findings: one URL registered sixty times (every event sixty deliveries to one host), a certificate
number found only as stored, implausible evaluation periods, and a score checked before it was rounded."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from career.models import Evaluation, EvaluationPeriod, EvaluationScore
from career.services import CareerError, evaluations
from hr_api.admin import WebhookEndpointForm
from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.problems import TYPES
from hr_api.webhooks import signing
from hr_api.webhooks.endpoints import URL_TAKEN_MESSAGE
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


def test_the_migration_stores_every_url_in_its_stored_form_so_an_old_row_blocks_its_twin(cast):
    """An old active row spelt https://HR.Alpha.example/hook: after the migration it is stored as the API stores a new
    one, so the same address sent again in lower case is url_taken (the API and the database alike)."""
    migration = importlib.import_module("hr_api.migrations.0006_webhook_url_once_per_employer")
    employer = cast.hr_a.employer
    old = WebhookEndpoint.objects.create(
        employer=employer, url="https://HR.Alpha.example/hook?Q=A", events=ALL, secret=signing.new_secret()
    )
    resting = WebhookEndpoint.objects.create(
        employer=employer, url="HTTPS://HR.Alpha.example/Other", events=ALL, secret="s", is_active=False
    )
    migration.deactivate_later_duplicates(django_apps, None)
    migration.store_addresses(django_apps, None)
    old.refresh_from_db()
    resting.refresh_from_db()
    assert (old.url, resting.url) == ("https://hr.alpha.example/hook?Q=A", "https://hr.alpha.example/Other")
    response = register(cast.api_a, "https://hr.alpha.example/hook?Q=A")
    assert_problem(response, 409)
    assert code_of(response) == "url_taken"
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookEndpoint.objects.create(
            employer=employer, url="https://hr.alpha.example/hook?Q=A", events=ALL, secret="s"
        )
    assert WebhookEndpoint.objects.filter(employer=employer).count() == 2


# --- 1b. the admin of webhook endpoints: the same limits, and a refusal met on saving ---------------------------------

ENDPOINTS_ADMIN = "/en/admin/hr_api/webhookendpoint/"


def admin_form(employer, url="https://hr.alpha.example/hook", **extra):
    return {"employer": employer.pk, "url": url, "events": '["exam.result_published"]', "is_active": "on",
            "description": "", **extra}  # fmt: skip


def endpoint_of(employer, url="https://hr.alpha.example/hook", **extra):
    return WebhookEndpoint.objects.create(employer=employer, url=url, events=ALL, secret=signing.new_secret(), **extra)


def history_of_endpoints():
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(WebhookEndpoint))


def shown(response):
    return [(m.level, str(m)) for m in response.wsgi_request._messages]


def meanwhile(monkeypatch, change):
    """``change`` made after the admin form's checks passed (its clean, the model's constraints) and before the
    service's save: a race."""
    post_clean = WebhookEndpointForm._post_clean

    def checked_then_changed(form):
        post_clean(form)
        change()

    monkeypatch.setattr(WebhookEndpointForm, "_post_clean", checked_then_changed)


def test_the_admin_counts_the_limit_of_the_employer_an_endpoint_is_moved_to(cast, office, settings):
    settings.WEBHOOK_ENDPOINTS_PER_EMPLOYER = 2
    theirs = cast.hr_b.employer
    endpoint_of(theirs, "https://hr.beta.example/1")
    endpoint_of(theirs, "https://hr.beta.example/2", is_active=False)
    mine = endpoint_of(cast.hr_a.employer)
    response = office.post(f"{ENDPOINTS_ADMIN}{mine.pk}/change/", admin_form(theirs))
    assert response.status_code == 200
    assert [e.code for e in response.context["adminform"].form.errors.as_data()["__all__"]] == ["too_many_endpoints"]
    mine.refresh_from_db()
    assert mine.employer == cast.hr_a.employer and WebhookEndpoint.objects.filter(employer=theirs).count() == 2
    # Within its own employer, an endpoint is changed whatever the number.
    response = office.post(f"{ENDPOINTS_ADMIN}{mine.pk}/change/", admin_form(cast.hr_a.employer, description="x"))
    assert response.status_code == 302
    settings.WEBHOOK_ENDPOINTS_PER_EMPLOYER = 3  # room again: the move is taken
    assert office.post(f"{ENDPOINTS_ADMIN}{mine.pk}/change/", admin_form(theirs)).status_code == 302
    mine.refresh_from_db()
    assert mine.employer == theirs


def test_a_url_taken_meanwhile_saves_nothing_and_is_shown_as_an_error(cast, office, monkeypatch):
    employer = cast.hr_a.employer
    meanwhile(monkeypatch, lambda: endpoint_of(employer))
    response = office.post(f"{ENDPOINTS_ADMIN}add/", admin_form(employer))
    assert response.status_code == 302 and response["Location"] == f"{ENDPOINTS_ADMIN}add/"
    assert shown(response) == [(messages.ERROR, str(URL_TAKEN_MESSAGE))]  # and no secret of a saved endpoint
    assert WebhookEndpoint.objects.filter(employer=employer).count() == 1
    assert not history_of_endpoints().exists()


def test_a_move_onto_an_employer_filled_meanwhile_saves_nothing_and_is_shown_as_an_error(
    cast, office, monkeypatch, settings
):
    settings.WEBHOOK_ENDPOINTS_PER_EMPLOYER = 1
    theirs = cast.hr_b.employer
    mine = endpoint_of(cast.hr_a.employer)
    meanwhile(monkeypatch, lambda: endpoint_of(theirs, "https://hr.beta.example/1"))
    change = f"{ENDPOINTS_ADMIN}{mine.pk}/change/"
    response = office.post(change, admin_form(theirs, description="moved"))
    assert response.status_code == 302 and response["Location"] == change
    assert [level for level, _text in shown(response)] == [messages.ERROR]
    assert "(1, active or not)" in shown(response)[0][1]
    mine.refresh_from_db()
    assert (mine.employer, mine.description) == (cast.hr_a.employer, "")
    assert not history_of_endpoints().exists()


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


def test_the_problems_page_gives_the_refusals_own_words_with_the_limit(cast, client, settings):
    settings.WEBHOOK_ENDPOINTS_PER_EMPLOYER = 3
    for n in range(3):
        register(cast.api_a, f"https://hr.alpha.example/hook{n}")
    detail = register(cast.api_a, "https://hr.alpha.example/hook9").json()["detail"]
    with translation.override("en"):
        assert str(TYPES["too_many_endpoints"].meaning) == detail
    page = client.get("/api/v1/problems/").content.decode()
    assert "%(limit)d" not in page and "(3, active or not)" in page
