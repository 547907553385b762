"""An operation takes the query parameters its schema lists, once each, with a value it allows, and nothing
else: a misspelt filter (``?updatedSince=``) is a 400 naming it, not the whole list.

The operations and their parameters are read from the schema document as a client gets it, so a new
endpoint or parameter is walked too.
"""

from urllib.parse import urlencode

import pytest
import yaml

from .conftest import assert_problem

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
METHODS = {"get", "post", "put", "patch", "delete"}
TOKEN_PATH = "/api/v1/oauth/token/"

#: A value each documented text parameter takes that the schema cannot say (a catalog code).
TEXT_VALUES = {"tier": "standard", "track": "retail", "course": "BCM-101"}


def schema_of(api) -> dict:
    return yaml.safe_load(api.get("/api/v1/schema/").content)


def operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def url_of(path: str) -> str:
    """The path with every path parameter filled (no row needs to exist: the query is checked first)."""
    return path.replace("{id}", "1").replace("{employee}", "1").replace("{number}", "NO-SUCH-NUMBER")


def call(api, method: str, url: str, query: str, **extra):
    target = f"{url}?{query}"
    if method in ("post", "patch", "put"):
        return getattr(api, method)(target, {}, format="json", **EN, **extra)
    return getattr(api, method)(target, **EN, **extra)


def query_parameters(schema: dict, operation: dict) -> dict[str, dict]:
    def resolve(node):
        while "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
        return node

    return {p["name"]: resolve(p.get("schema", {})) for p in operation.get("parameters", []) if p["in"] == "query"}


def a_value(name: str, parameter: dict) -> str:
    """A value the schema allows for a documented query parameter."""
    if "enum" in parameter:
        return str(parameter["enum"][0])
    kind = (parameter.get("type"), parameter.get("format"))
    if kind == ("string", "date-time"):
        return "2026-01-31T08:00:00+08:00"
    if kind == ("string", "date"):
        return "2026-01-31"
    if kind[0] == "integer":
        return str(max(parameter.get("minimum", 1), 1))
    if kind[0] == "boolean":
        return "true"
    assert name in TEXT_VALUES, f"give a value of the text parameter {name} in TEXT_VALUES"
    return TEXT_VALUES[name]


def the_error(body: dict, name: str) -> dict:
    [error] = [e for e in body["errors"] if e["field"] == name]
    return error


def test_every_operation_refuses_an_unknown_query_parameter_naming_it(cast):
    """The schema is the oracle: every operation it lists, the token endpoint included (RFC 6749's answer there)."""
    schema = schema_of(cast.api_a)
    walked = []
    for path, method, operation in operations(schema):
        response = call(cast.api_a, method, url_of(path), "updatedSince=2026-01-01T00:00:00Z&updated_since_=1")
        if path == TOKEN_PATH:
            assert response.status_code == 400, response.content
            assert response.json()["error"] == "invalid_request"
            continue
        body = assert_problem(response, 400)
        assert body["type"].endswith("/invalid"), (method, path, body)
        for name in ("updatedSince", "updated_since_"):
            error = the_error(body, name)
            assert error["code"] == "unknown_parameter", (method, path, error)
            documented = query_parameters(schema, operation)
            if documented:  # the message lists what the operation takes
                assert all(known in error["message"] for known in documented), (method, path, error)
        walked.append(f"{method} {path}")
    assert len(walked) >= 30, walked


def test_every_documented_query_parameter_is_still_taken(cast, employee_a):
    schema = schema_of(cast.api_a)
    walked = []
    for path, method, operation in operations(schema):
        for name, parameter in query_parameters(schema, operation).items():
            if name == "cursor":
                continue  # one the API gave: below
            query = urlencode({name: a_value(name, parameter)})
            response = call(cast.api_a, method, url_of(path), query)
            assert response.status_code == 200, (method, path, query, response.content)
            walked.append(f"{method} {path} {name}")
    assert len(walked) >= 25, walked


def test_the_cursor_the_api_gives_is_still_taken(cast, employee_a, colleague):
    first = cast.api_a.get("/api/v1/employees/", {"page_size": 1}, **EN)
    assert first.status_code == 200, first.content
    following = cast.api_a.get(first.json()["next"], **EN)
    assert following.status_code == 200, following.content
    assert following.json()["results"]


@pytest.fixture
def colleague(cast):
    from tests.factories import TraineeProfileFactory

    return TraineeProfileFactory(employer=cast.hr_a.employer)


def test_an_unknown_parameter_is_refused_on_a_row_before_the_row_is_looked_up(cast, employee_a, employee_b):
    for pk in (employee_a.pk, employee_b.pk):  # the employer's own and another's: the same 400, revealing nothing
        body = assert_problem(cast.api_a.get(f"/api/v1/employees/{pk}/?fields=email", **EN), 400)
        assert the_error(body, "fields")["code"] == "unknown_parameter"


def test_the_misspelt_sync_filter_no_longer_returns_everything(cast, employee_a):
    body = assert_problem(cast.api_a.get("/api/v1/employees/?updatedSince=2099-01-01T00:00:00Z", **EN), 400)
    error = the_error(body, "updatedSince")
    assert error["code"] == "unknown_parameter"
    assert "updated_since" in error["message"]
    assert "results" not in body


def test_unknown_parameters_need_a_token_first(cast):
    from rest_framework.test import APIClient

    assert_problem(APIClient().get("/api/v1/employees/?updatedSince=x", **EN), 401)


def test_every_single_valued_parameter_given_twice_is_refused_naming_it(cast):
    schema = schema_of(cast.api_a)
    walked = []
    for path, method, operation in operations(schema):
        for name, parameter in query_parameters(schema, operation).items():
            if parameter.get("type") == "array":
                continue
            value = "x" if name == "cursor" else a_value(name, parameter)
            query = urlencode([(name, value), (name, value)])
            body = assert_problem(call(cast.api_a, method, url_of(path), query), 400)
            assert the_error(body, name)["code"] == "repeated_parameter", (method, path, name, body)
            walked.append(f"{method} {path} {name}")
    assert len(walked) >= 30, walked


def test_two_statuses_are_refused_rather_than_the_last_one_taken(cast):
    body = assert_problem(cast.api_a.get("/api/v1/certificates/?status=active&status=revoked", **EN), 400)
    assert the_error(body, "status")["code"] == "repeated_parameter"


def test_every_enumerated_parameter_refuses_another_value_listing_the_allowed_ones(cast):
    schema = schema_of(cast.api_a)
    walked = []
    for path, method, operation in operations(schema):
        for name, parameter in query_parameters(schema, operation).items():
            if "enum" not in parameter:
                continue
            body = assert_problem(call(cast.api_a, method, url_of(path), f"{name}=nope"), 400)
            error = the_error(body, name)
            assert error["code"] == "invalid_choice", (method, path, name, error)
            assert all(str(value) in error["message"] for value in parameter["enum"]), error
            walked.append(f"{method} {path} {name}")
    assert {"get /api/v1/certificates/ status", "get /api/v1/enrollments/ state"} <= set(walked)


CATALOG_FILTERS = [
    ("/api/v1/certificates/", "tier", ("assistant", "standard", "senior")),
    ("/api/v1/certificates/", "track", ("corporate", "retail")),
    ("/api/v1/catalog/cohorts/", "tier", ("assistant", "standard", "senior")),
    ("/api/v1/catalog/cohorts/", "track", ("corporate", "retail")),
]


@pytest.mark.parametrize(("url", "name", "codes"), CATALOG_FILTERS)
def test_a_catalog_code_the_catalog_lacks_is_refused_as_status_is(cast, url, name, codes):
    """``tier=nope`` was an empty list where ``status=bogus`` was a 400."""
    body = assert_problem(cast.api_a.get(url, {name: "nope"}, **EN), 400)
    error = the_error(body, name)
    assert error["code"] == "invalid_choice"
    assert all(code in error["message"] for code in codes), error


@pytest.mark.parametrize(("url", "name", "codes"), CATALOG_FILTERS)
def test_a_catalog_code_or_none_is_still_taken(cast, url, name, codes):
    assert cast.api_a.get(url, {name: codes[0]}, **EN).status_code == 200
    assert cast.api_a.get(url, {name: ""}, **EN).status_code == 200  # an empty filter is none


def test_the_schema_gives_the_catalogs_codes_of_each_catalog_filter(cast):
    """The schema's ``pattern`` of ``tier`` and ``track`` takes the catalog's codes, no other (the oracle: the
    catalog's rows); every list with such a filter is walked above."""
    import re

    from courses.models import Tier, Track

    schema = schema_of(cast.api_a)
    catalog = {
        "tier": set(Tier.objects.values_list("code", flat=True)),
        "track": set(Track.objects.values_list("code", flat=True)),
    }
    walked = set()
    for path, _method, operation in operations(schema):
        for name, parameter in query_parameters(schema, operation).items():
            if name in catalog:
                pattern = re.compile(parameter["pattern"])
                assert {code for code in catalog[name] if pattern.search(code)} == catalog[name], (path, name)
                assert not pattern.search("nope") and not pattern.search(""), (path, name)
                walked.add((path, name))
    assert walked == {(url, name) for url, name, _codes in CATALOG_FILTERS}


@pytest.mark.parametrize("since", ["2026-W01", "2026-W01-1", "2026-01-31", "20260131", "２０２６-01-31T08:00:00Z"])
def test_an_updated_since_that_is_no_date_time_gets_the_format_error(cast, since):
    body = assert_problem(cast.api_a.get("/api/v1/employees/", {"updated_since": since}, **EN), 400)
    error = the_error(body, "updated_since")
    assert error["code"] == "invalid"
    assert "2026-01-31T08:00:00+08:00" in error["message"]  # the expected format


@pytest.mark.parametrize("since", ["2026-01-31T08:00:00", "2026-01-31T08:00", "2026-01-31 08:00:00"])
def test_only_a_date_time_without_a_zone_is_told_the_zone_is_missing(cast, since):
    body = assert_problem(cast.api_a.get("/api/v1/employees/", {"updated_since": since}, **EN), 400)
    assert the_error(body, "updated_since")["code"] == "zone_required"


@pytest.mark.parametrize(
    "since",
    ["2026-01-31T08:00:00Z", "2026-01-31T08:00:00.123456+08:00", "2026-01-31 08:00:00+08:00", "2026-01-31T08:00Z"],
)
def test_a_date_time_with_a_zone_is_taken(cast, since):
    assert cast.api_a.get("/api/v1/employees/", {"updated_since": since}, **EN).status_code == 200


@pytest.mark.parametrize("day", ["2026-W01", "20260131", "2026-01-31T00:00:00Z"])
def test_expiring_before_takes_a_date_as_yyyy_mm_dd_only(cast, day):
    body = assert_problem(cast.api_a.get("/api/v1/certificates/", {"expiring_before": day}, **EN), 400)
    assert "YYYY-MM-DD" in the_error(body, "expiring_before")["message"]


# --- format, NUL and an empty cursor (an attacker's probe) --------------------------------------------

NUL_MESSAGE = "The request contains a NUL character."


@pytest.mark.parametrize("value", ["json", "xml", "api", "yaml", "pdf", ""])
def test_format_is_an_unknown_parameter_like_any_other(cast, value):
    """DRF's ``?format=`` override picked the renderer before authentication: any value but ``json`` was a 404
    (no such renderer), the same for a token or none. No operation lists ``format`` (the schema says so)."""
    for url in ("/api/v1/employees/", "/api/v1/catalog/tiers/", "/api/v1/certificates/NO-SUCH/pdf/"):
        body = assert_problem(cast.api_a.get(url, {"format": value}, **EN), 400)
        assert the_error(body, "format")["code"] == "unknown_parameter", (url, body)


def test_format_needs_a_token_first_as_any_parameter(cast):
    from rest_framework.test import APIClient

    for value in ("json", "xml"):
        assert_problem(APIClient().get("/api/v1/employees/", {"format": value}, **EN), 401)


def test_no_operation_lists_format(cast):
    schema = schema_of(cast.api_a)
    assert not [
        path for path, _method, operation in operations(schema) if "format" in query_parameters(schema, operation)
    ]


def test_an_accept_of_no_type_the_api_serves_is_still_a_406_problem(cast):
    body = assert_problem(cast.api_a.get("/api/v1/employees/", HTTP_ACCEPT="text/html", **EN), 406)
    assert body["type"].endswith("/not_acceptable")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("a%00b=1", "a\x00b"),  # in a name the operation does not list
        ("updated_since=a%00b", "updated_since"),  # in a documented parameter's value
        ("cursor=%00", "cursor"),
        ("tier=a%00b", "tier"),
        ("nope=a%00b", "nope"),  # in an unknown parameter's value
    ],
)
def test_a_nul_in_a_parameters_name_or_value_is_one_error_naming_the_parameter(cast, query, name):
    """It was ``unknown_parameter`` in a name and an unnamed ``invalid`` in a value."""
    body = assert_problem(cast.api_a.get(f"/api/v1/catalog/cohorts/?{query}", **EN), 400)
    assert body["type"].endswith("/invalid")
    assert body["errors"] == [{"field": name, "code": "nul_character", "message": NUL_MESSAGE}]


def test_a_nul_in_a_path_segment_is_the_same_error_naming_the_segment(cast):
    body = assert_problem(cast.api_a.get("/api/v1/certificates/a%00b/", **EN), 400)
    assert body["errors"] == [{"field": "number", "code": "nul_character", "message": NUL_MESSAGE}]


def test_an_empty_cursor_is_the_first_page_as_any_empty_parameter(cast, employee_a, colleague):
    """``cursor=`` was a 404 (a cursor the API did not give); the schema gives every optional query parameter
    ``allowEmptyValue``, and an empty one is none (``?tier=``)."""
    schema = schema_of(cast.api_a)
    [cursor] = [p for p in schema["paths"]["/api/v1/employees/"]["get"]["parameters"] if p["name"] == "cursor"]
    assert cursor["allowEmptyValue"] is True
    first = cast.api_a.get("/api/v1/employees/", {"page_size": 1}, **EN).json()
    empty = cast.api_a.get("/api/v1/employees/", {"page_size": 1, "cursor": ""}, **EN)
    assert empty.status_code == 200, empty.content
    assert empty.json()["results"] == first["results"] and empty.json()["previous"] is None
    assert (
        cast.api_a.get(empty.json()["next"], **EN).json()["results"]
        == cast.api_a.get(first["next"], **EN).json()["results"]
    )
    assert_problem(cast.api_a.get("/api/v1/employees/", {"cursor": "garbage"}, **EN), 404)  # not one it gave: as before
