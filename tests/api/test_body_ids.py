"""An id in a request body is a row id as in a path or a filter: 1 to 2**63 - 1, an ``int64`` with its
``minimum`` and ``maximum`` in the schema; outside that, 400 naming the field.

``{"employee": 9223372036854775808, "cohort": 1}`` answered 404 (no employee), and ``EnrolRequest`` and
``EvaluationItemRequest`` declared only ``minimum: 1``.
"""

import pytest

from accounts.converters import MAX_ID

from .conftest import assert_problem

pytestmark = pytest.mark.django_db

PERIOD = {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}


def integers_of_request_bodies(schema: dict):
    """(component.property…, schema) of every integer in a request body component."""

    def walk(node, path):
        if isinstance(node, dict):
            if node.get("type") == "integer":
                yield path, node
            for key, value in node.items():
                yield from walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for value in node:
                yield from walk(value, path)

    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request"):
            yield from walk(component, name)


def test_every_integer_of_a_request_body_is_an_int64_row_id(cast):
    schema = cast.api_a.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    found = dict(integers_of_request_bodies(schema))
    assert {
        "EnrolRequest.properties.employee",
        "EnrolRequest.properties.cohort",
        "EvaluationItemRequest.properties.employee",
    } <= set(found)
    for path, integer in found.items():
        assert (integer.get("format"), integer.get("minimum"), integer.get("maximum")) == ("int64", 1, MAX_ID), path


@pytest.mark.parametrize("field", ["employee", "cohort"])
@pytest.mark.parametrize("value", [MAX_ID + 1, 2**64, 0])
def test_an_enrolment_with_an_id_out_of_range_is_a_400_naming_it(cast, employee_a, field, value):
    body = {"employee": employee_a.pk, "cohort": 1} | {field: value}
    problem = assert_problem(cast.api_a.post("/api/v1/enrollments/", body, format="json"), 400)
    assert [e["field"] for e in problem["errors"]] == [field]


def test_the_largest_id_is_taken_and_names_no_row(cast, employee_a):
    body = {"employee": MAX_ID, "cohort": 1}
    assert_problem(cast.api_a.post("/api/v1/enrollments/", body, format="json"), 404)


def test_an_evaluation_with_an_id_out_of_range_is_a_400_naming_it(cast):
    body = {"evaluations": [{"employee": MAX_ID + 1, "period": PERIOD, "scores": {"performance": 80}}]}
    problem = assert_problem(cast.api_a.post("/api/v1/evaluations/", body, format="json"), 400)
    assert [e["field"] for e in problem["errors"]] == ["evaluations[0].employee"]
