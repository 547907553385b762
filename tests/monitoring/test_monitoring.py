"""What operators watch: /healthz, /readyz and /metrics (README, "Production")."""

import re
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from config.monitoring import readiness
from exams.models import Attempt
from exams.services import attempts
from tests.exams.conftest import approve, make_paper, open_sitting
from tests.factories import CohortFactory, UserFactory

OUTSIDER = "203.0.113.9"
TOKEN = "t" * 40


def sample(body: str, name: str, **labels: str) -> float | None:
    """The value of one series in Prometheus's text format, read without the client library."""
    for line in body.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        series, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', series))
        if series.split("{")[0] == name and all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return None


def test_healthz_answers_anyone_and_touches_no_database():
    # No django_db mark: a query would raise "Database access not allowed".
    response = Client(REMOTE_ADDR=OUTSIDER).get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/readyz", "/metrics"])
def test_closed_to_an_outside_address(path):
    assert Client(REMOTE_ADDR=OUTSIDER).get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/readyz", "/metrics"])
def test_open_to_the_token_from_anywhere_and_not_to_a_wrong_one(path, settings):
    settings.MONITORING_TOKEN = TOKEN
    outsider = Client(REMOTE_ADDR=OUTSIDER)
    assert outsider.get(path, HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    assert outsider.get(path, HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}x").status_code == 404
    assert outsider.get(path, HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 404


@pytest.mark.django_db
def test_no_token_configured_opens_nothing_to_an_empty_bearer(settings):
    settings.MONITORING_TOKEN = ""
    assert Client(REMOTE_ADDR=OUTSIDER).get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_allowed_networks_come_from_settings(settings):
    import ipaddress

    settings.MONITORING_ALLOWED_NETWORKS = (ipaddress.ip_network("203.0.113.0/24"),)
    assert Client(REMOTE_ADDR=OUTSIDER).get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 404


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_open_them():
    """X-Forwarded-For is believed only from a trusted proxy (accounts.client_address)."""
    client = Client(REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert client.get("/readyz").status_code == 404


@pytest.mark.django_db
def test_readyz_names_the_part_that_fails_without_its_error_text(monkeypatch):
    def database_down() -> None:
        raise OperationalError('could not connect to server: password "hunter2" host db.internal')

    monkeypatch.setitem(readiness.CHECKS, "database", database_down)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["database"]["ok"] is False
    assert {name for name, check in body["checks"].items() if check["ok"]} == {"cache", "broker", "worker"}
    assert b"hunter2" not in response.content and b"db.internal" not in response.content


@pytest.mark.django_db
def test_request_metrics_per_view_and_status():
    visitor = Client()
    visitor.get("/en/catalog/")
    visitor.get("/en/catalog/")
    body = Client().get("/metrics").content.decode()
    count = sample(body, "bcm_http_request_duration_seconds_count", view="catalog:tiers", method="GET")
    responses = sample(body, "bcm_http_responses_total", view="catalog:tiers", method="GET", status="200")
    assert count is not None and count >= 2
    assert responses is not None and responses >= 2


@pytest.mark.django_db
def test_a_visitor_cannot_mint_series_with_paths_or_methods():
    Client().get("/en/no-such-page-xyzzy/")
    Client().generic("XYZZY", "/en/catalog/")
    body = Client().get("/metrics").content.decode()
    assert "xyzzy" not in body.lower()
    assert sample(body, "bcm_http_responses_total", view="<unresolved>", method="GET", status="404") is not None
    assert sample(body, "bcm_http_responses_total", view="catalog:tiers", method="OTHER") is not None


@pytest.mark.django_db
def test_grading_lag_is_the_age_of_the_oldest_ungraded_submission():
    cohort = CohortFactory()
    paper = make_paper(cohort.curriculum.entries.select_related("course").first().course)
    sitting = open_sitting(paper, cohort)
    ages = []
    for seconds in (95, 30):
        trainee = UserFactory()
        approve(trainee, cohort)
        attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
        Attempt.objects.filter(pk=attempt.pk).update(
            state=Attempt.State.SUBMITTED, submitted_at=timezone.now() - timedelta(seconds=seconds)
        )
        ages.append(seconds)
    body = Client().get("/metrics").content.decode()
    lag = sample(body, "bcm_grading_lag_seconds")
    assert lag is not None and max(ages) <= lag < max(ages) + 30
    assert sample(body, "bcm_grading_backlog") == 2

    Attempt.objects.update(state=Attempt.State.GRADED)
    body = Client().get("/metrics").content.decode()
    assert sample(body, "bcm_grading_lag_seconds") == 0


@pytest.mark.django_db
def test_metrics_still_answer_while_the_database_does_not(monkeypatch):
    import exams.selectors

    Client().get("/healthz")

    def database_down():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(exams.selectors, "ungraded_submissions", database_down)
    response = Client().get("/metrics")
    body = response.content.decode()
    assert response.status_code == 200
    assert sample(body, "bcm_http_responses_total", view="monitoring:healthz", method="GET", status="200") is not None
    assert sample(body, "bcm_celery_broker_up") == 1
    assert sample(body, "bcm_grading_lag_seconds") is None
