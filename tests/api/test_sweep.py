"""Every endpoint: another employer's id answers 404 (never 403), a token without the scope 403.

ENDPOINTS must list every operation of the schema; a test below fails when one is missing.
"""

import pytest

from courses import services as training
from hr_api.models import SCOPES, WebhookEndpoint
from tests.career.conftest import certify, grade
from tests.factories import CohortFactory, curriculum_of

from .conftest import assert_problem, http
from .test_results_and_certificates import published_result

# (method, path with {ids of bank B's rows}, scope, body)
ENDPOINTS = [
    ("get", "/api/v1/catalog/tiers/", "read", None),
    ("get", "/api/v1/catalog/tracks/", "read", None),
    ("get", "/api/v1/catalog/courses/", "read", None),
    ("get", "/api/v1/catalog/curricula/", "read", None),
    ("get", "/api/v1/catalog/cohorts/", "read", None),
    ("get", "/api/v1/employees/", "read", None),
    ("post", "/api/v1/employees/", "enroll", {"employee_number": "X1", "email": "x1@x.test", "display_name": "X"}),
    ("post", "/api/v1/employees/bulk/", "enroll", {"employees": [{"employee_number": "{number}", "branch": "z"}]}),
    ("get", "/api/v1/employees/{employee}/", "read", None),
    ("patch", "/api/v1/employees/{employee}/", "enroll", {"branch": "z"}),
    ("post", "/api/v1/employees/{employee}/deactivate/", "enroll", None),
    ("post", "/api/v1/employees/{employee}/reactivate/", "enroll", None),
    ("get", "/api/v1/enrollments/", "read", None),
    ("post", "/api/v1/enrollments/", "enroll", {"employee": "{employee}", "cohort": "{cohort}"}),
    ("get", "/api/v1/enrollments/{enrolment}/", "read", None),
    ("post", "/api/v1/enrollments/{enrolment}/withdraw/", "enroll", None),
    ("get", "/api/v1/exam-results/", "read", None),
    ("get", "/api/v1/exam-results/{result}/", "read", None),
    ("get", "/api/v1/certificates/", "read", None),
    ("get", "/api/v1/certificates/{certificate}/", "read", None),
    ("get", "/api/v1/certificates/{certificate}/pdf/", "read", None),
    ("get", "/api/v1/certificates/{certificate}/credential/", "read", None),
    ("get", "/api/v1/evaluations/", "evaluations", None),
    (
        "post",
        "/api/v1/evaluations/",
        "evaluations",
        {
            "evaluations": [
                {
                    "employee": "{employee}",
                    "period": {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
                    "scores": {"service": 80},
                }
            ]
        },
    ),
    ("get", "/api/v1/managers/", "managers", None),
    ("get", "/api/v1/managers/{manager}/", "managers", None),
    ("get", "/api/v1/webhooks/", "webhooks", None),
    ("post", "/api/v1/webhooks/", "webhooks", {"url": "https://x.example/", "events": ["certificate.issued"]}),
    ("get", "/api/v1/webhooks/{webhook}/", "webhooks", None),
    ("patch", "/api/v1/webhooks/{webhook}/", "webhooks", {"is_active": False}),
    ("delete", "/api/v1/webhooks/{webhook}/", "webhooks", None),
]
# Operations of the schema that take no bearer token, so neither scope nor employer applies to them.
WITHOUT_TOKEN = {("post", "/api/v1/oauth/token/")}  # client credentials: it issues the token


@pytest.fixture
def bank_b_rows(cast, employee_b):
    cohort = CohortFactory()
    enrolment = training.do_enrol(trainee=employee_b.user, cohort=cohort)
    webhook = WebhookEndpoint.objects.create(
        employer=cast.hr_b.employer, url="https://b.example/", events=["certificate.issued"], secret="s"
    )
    certificate = certify(employee_b.user)
    grade(employee_b.user)  # a manager in bank B's career register, backed by the certificate
    return {
        "employee": employee_b.pk,
        "manager": employee_b.pk,
        "number": employee_b.employee_number,
        "cohort": CohortFactory(curriculum=curriculum_of("assistant")).pk,
        "enrolment": enrolment.pk,
        "result": published_result(employee_b).pk,
        "certificate": certificate.number,
        "webhook": webhook.pk,
    }


def fill(value, ids):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and "/" not in value:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def call(api, method, path, body):
    return getattr(api, method)(path, body, format="json") if body is not None else getattr(api, method)(path)


@pytest.mark.parametrize(("method", "path", "scope", "body"), ENDPOINTS, ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS])
def test_a_token_without_the_scope_is_refused_with_403(cast, bank_b_rows, method, path, scope, body):
    api = http(cast.hr_b, scopes=[s for s in SCOPES if s != scope])
    assert_problem(call(api, method, fill(path, bank_b_rows), fill(body, bank_b_rows)), 403)


def names_bank_b_row(endpoint) -> bool:
    _method, path, _scope, body = endpoint
    return "{" in path or any(isinstance(v, str) and v.startswith("{") for v in (body or {}).values())


OWNED = [e for e in ENDPOINTS if names_bank_b_row(e)]


@pytest.mark.parametrize(("method", "path", "scope", "body"), OWNED, ids=[f"{m} {p}" for m, p, *_ in OWNED])
def test_another_employers_row_is_not_found(cast, bank_b_rows, method, path, scope, body):
    assert_problem(call(cast.api_a, method, fill(path, bank_b_rows), fill(body, bank_b_rows)), 404)
    # …while its own client reaches it (so the 404 is about the employer, not a broken URL).
    response = call(cast.api_b, method, fill(path, bank_b_rows), fill(body, bank_b_rows))
    assert response.status_code < 300
    if response.streaming:  # the certificate PDF: read to the end, which closes its file
        b"".join(response.streaming_content)


def test_the_sweep_covers_every_operation_of_the_schema(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "patch", "put", "delete"}
    }
    import re

    listed = {(m, re.sub(r"\{\w+\}", "{}", p)) for m, p, *_ in ENDPOINTS}
    in_schema = {(m, re.sub(r"\{\w+\}", "{}", p)) for m, p in operations - WITHOUT_TOKEN}
    assert in_schema == listed
