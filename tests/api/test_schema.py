"""The OpenAPI schema is valid, and generated requests against it find no 5xx and no answer outside it."""

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from config.wsgi import application

from .conftest import token_for


def test_the_schema_validates_and_names_the_token_url(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    validate(schema)
    flows = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token/"
    assert set(flows["clientCredentials"]["scopes"]) == {"read", "enroll", "webhooks"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), f"{method} {path} has no summary"


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the connection after each request, as Django's test client prevents."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_generated_requests_find_no_server_error_and_no_schema_violation(cast, employee_a, keep_test_connection):
    """Schemathesis over every operation, through the WSGI app, with a token of every scope."""
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    headers = {"Authorization": f"Bearer {token_for(cast.hr_a)}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    api_schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)

        run()
