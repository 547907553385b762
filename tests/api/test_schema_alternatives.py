"""A value the server sends matches the schema with the validators clients use by default, which do not
check ``format``: "an address or empty" is ``anyOf``, not ``oneOf``.

``Employee.pending_email`` was ``oneOf`` [``format: email``, ``maxLength: 0``]: with formats unchecked, ""
matches both alternatives, so neither, and a client validating answers refused every employee row.
"""

import pytest
from openapi_schema_validator import OAS30ReadValidator

from hr_api.schema import BLANK

pytestmark = pytest.mark.django_db


def api_schema(api) -> dict:
    return api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def alternatives(node, path=""):
    """Every (path, keyword, alternatives) of a oneOf or anyOf in ``node``."""
    if isinstance(node, dict):
        for keyword in ("oneOf", "anyOf"):
            if keyword in node:
                yield path, keyword, node[keyword]
        for key, value in node.items():
            yield from alternatives(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from alternatives(value, f"{path}/{index}")


def test_no_one_of_has_an_empty_string_alternative(cast):
    schema = api_schema(cast.api_a)
    blank = [(path, keyword) for path, keyword, options in alternatives(schema) if BLANK in options]
    assert ("/components/schemas/Employee/properties/pending_email", "anyOf") in blank
    assert all(keyword == "anyOf" for _path, keyword in blank), blank


def test_an_employee_without_a_pending_address_matches_the_schema_without_format_checks(cast, employee_a):
    schema = api_schema(cast.api_a)
    row = cast.api_a.get(f"/api/v1/employees/{employee_a.pk}/").json()
    assert row["pending_email"] == ""
    validator = OAS30ReadValidator({"$ref": "#/components/schemas/Employee", "components": schema["components"]})
    assert [error.message for error in validator.iter_errors(row)] == []
    page = cast.api_a.get("/api/v1/employees/").json()
    paginated = OAS30ReadValidator(
        {"$ref": "#/components/schemas/PaginatedEmployeeList", "components": schema["components"]}
    )
    assert [error.message for error in paginated.iter_errors(page)] == []
