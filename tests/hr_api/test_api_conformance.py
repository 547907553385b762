"""What an integrator's probe (a client generated from /api/v1/schema/, and Schemathesis) found the API doing
against its own README and schema:

- OPTIONS answered 403 "lacks the scope" on some endpoints and DRF's metadata (200, any employer's row, labels in
  two languages) on others, and 500 on the docs: every address of the API now answers it as a method it does not
  have, 405 in the problem shape with ``Allow`` (the schema names no OPTIONS operation);
- a 400 named the unknown fields alone, or the values of another JSON type alone: it names every bad field;
- an ``Idempotency-Key`` retry whose JSON was written otherwise (another key order) was a 409: the content is
  compared;
- ``Accept: */*;q=0`` was served JSON: a type the client weighs 0 is refused (406).

The addresses come from the URL resolver and the operations from the schema, not from a list kept here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from hr_api.idempotency import _digest
from hr_api.models import SCOPES, IdempotencyRecord
from hr_api.schema import generated_schema
from hr_api.views.base import ApiView
from tests.api import conftest as api_fixtures
from tests.api import test_sweep
from tests.api.conftest import assert_problem, http
from tests.api.test_every_method_needs_its_scope import ARGUMENTS, api_patterns
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

# tests/api's fixtures: bank A's and bank B's clients, an employee of each, bank B's rows (its own client's).
cast = api_fixtures.cast
employee_a = api_fixtures.employee_a
employee_b = api_fixtures.employee_b
bank_b_rows = test_sweep.bank_b_rows

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "errors"}
#: The arguments of the API's public addresses that name something (ARGUMENTS has those of its ApiViews).
PUBLIC_ARGUMENTS = {"problem": {"code": "invalid"}}


def schema() -> dict[str, Any]:
    return generated_schema(settings.LANGUAGE_CODE)


def operations_of(url: str) -> set[str]:
    """The methods the schema gives the path ``url`` matches (HEAD with GET), or None if it has no such path."""
    matching = [
        (path.count("{"), item)
        for path, item in schema()["paths"].items()
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", path), url)
    ]
    if not matching:
        return None
    _placeholders, item = min(matching, key=lambda match: match[0])  # /employees/bulk/ before /employees/{id}/
    methods = {method.upper() for method in item if method in ("get", "post", "put", "patch", "delete")}
    return methods | ({"HEAD"} if "GET" in methods else set())


def api_urls(rows) -> list[tuple[str, str, bool]]:
    """Every address of the API, as (name, URL with bank B's rows, whether it is an ApiView); not the catch-all."""
    urls = []
    for pattern in api_patterns():
        if pattern.name is None:
            continue
        is_api_view = issubclass(getattr(pattern.callback, "cls", object), ApiView)
        arguments = ARGUMENTS[pattern.name](rows) if pattern.name in ARGUMENTS else PUBLIC_ARGUMENTS.get(pattern.name)
        urls.append((pattern.name, reverse(f"api:{pattern.name}", kwargs=arguments), is_api_view))
    return urls


def assert_method_not_allowed(response, allowed: set[str]) -> None:
    body = assert_problem(response, 405)
    assert set(body) <= PROBLEM_MEMBERS, body  # no metadata of the view
    assert body["type"].endswith("/method_not_allowed"), body
    assert set(response["Allow"].split(", ")) == allowed, (response.request["PATH_INFO"], response["Allow"])


# --- 6. OPTIONS ---------------------------------------------------------------------------------------------


def test_options_is_a_405_with_allow_on_every_address_of_the_api_to_every_token(cast, bank_b_rows):
    urls = api_urls(bank_b_rows)
    assert len(urls) > 25 and {name for name, _url, api_view in urls if not api_view} >= {"schema", "docs", "token"}
    tokens = [http(cast.hr_b), http(cast.hr_b, []), *(http(cast.hr_b, [scope]) for scope in SCOPES)]
    for _name, url, api_view in urls:
        allowed = operations_of(url) or {"GET", "HEAD"}  # the schema, its docs and the problem types' page
        for api in tokens:
            assert_method_not_allowed(api.options(url, **EN), allowed)
        if api_view:  # a token first, as for any request
            assert_problem(APIClient().options(url), 401)
        else:
            assert_method_not_allowed(APIClient().options(url), allowed)


def test_options_of_another_employers_row_says_nothing_of_it(cast, bank_b_rows):
    """Bank A's client asks of bank B's employee: the answer is that for an id of none."""
    theirs = cast.api_a.options(f"/api/v1/employees/{bank_b_rows['employee']}/deactivate/")
    nobodys = cast.api_a.options("/api/v1/employees/999999999/deactivate/")
    assert_method_not_allowed(theirs, {"POST"})
    assert theirs.content == nobodys.content


def test_the_problem_types_page_refuses_other_methods_in_the_problem_shape(cast):
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        response = cast.api_a.generic(method, "/api/v1/problems/", **EN)
        assert_method_not_allowed(response, {"GET", "HEAD"})
        assert response.json()["detail"] == f'Method "{method}" not allowed.'


# --- 7. every bad field named -------------------------------------------------------------------------------

UNKNOWN = "not_a_field"


def resolved(node: dict) -> dict:
    """``node`` with its ``$ref`` (or a lone ``allOf`` of one) followed."""
    while True:
        if "$ref" in node:
            node = schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        elif len(node.get("allOf", ())) == 1:
            node = node["allOf"][0]
        else:
            return node


WRONG_TYPE = {"string": 912, "integer": "1", "number": "1", "boolean": "yes", "array": "x", "object": "x"}


def bad_value(prop: dict) -> Any:
    """A value of the property's JSON type that its rules refuse, or None where the schema gives no rule to break."""
    if "enum" in prop:
        return "not-a-choice"
    if prop.get("type") == "string" and "maxLength" in prop:
        return "x" * (prop["maxLength"] + 1)
    if prop.get("type") == "integer" and "minimum" in prop:
        return prop["minimum"] - 1
    return None


def bad_object(node: dict, path: str = "") -> tuple[dict, set[str]]:
    """A body of the object ``node`` with an unknown field, a value of another JSON type and values its rules
    refuse (an array of objects gets one such item); and the fields a 400 must name for it."""
    where = lambda name: f"{path}.{name}" if path else name  # noqa: E731
    body: dict[str, Any] = {UNKNOWN: 1}
    named = {where(UNKNOWN)}
    typed = False
    for name, given in node.get("properties", {}).items():
        prop = resolved(given)
        if prop.get("readOnly"):
            continue
        items = resolved(prop.get("items", {}))
        if prop.get("type") == "array" and "properties" in items:
            item, inner = bad_object(items, f"{where(name)}[0]")
            body[name] = [item]
            named |= inner
        elif "properties" in prop:
            body[name], inner = bad_object(prop, where(name))
            named |= inner
        elif (value := bad_value(prop)) is not None and typed:
            body[name] = value
            named.add(where(name))
        elif prop.get("type") in WRONG_TYPE and not typed:
            body[name] = WRONG_TYPE[prop["type"]]
            named.add(where(name))
            typed = True
    return body, named


def write_operations(rows) -> list[tuple[str, str, dict]]:
    """Every operation of the schema that takes a JSON body: (method, URL with bank B's rows, the body's schema)."""
    found = []
    for path, item in schema()["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if content is None:
                continue
            name = resolve(re.sub(r"\{[^}]+\}", "1", path)).url_name
            arguments = ARGUMENTS[name](rows) if name in ARGUMENTS else None
            found.append((method.upper(), reverse(f"api:{name}", kwargs=arguments), resolved(content["schema"])))
    return found


def error_fields(response) -> set[str]:
    return {error["field"] for error in assert_problem(response, 400)["errors"]}


def test_every_write_names_every_bad_field_at_once(cast, bank_b_rows):
    operations = write_operations(bank_b_rows)
    assert len(operations) >= 7
    for method, url, body_schema in operations:
        assert body_schema.get("additionalProperties") is False, (method, url)  # the unknown-field rule
        body, named = bad_object(body_schema)
        assert len(named) >= 3, (method, url, body)  # an unknown field, a type and a value at least
        response = cast.api_b.generic(method, url, json.dumps(body), content_type="application/json", **EN)
        missing = named - error_fields(response)
        assert not missing, (method, url, body, response.json())


def test_the_integrators_employee_is_refused_naming_every_field(cast):
    bad = {"employee_number": "a b", "email": "x", "display_name": "", "preferred_language": "xx", "phone": "abc"}
    bad["branch"] = "b" * 999
    everything = set(bad)
    assert error_fields(cast.api_a.post("/api/v1/employees/", {**bad, "extra": 1}, format="json")) == {
        *everything,
        "extra",
    }
    # A value of another JSON type is named with the values its rules refuse.
    typed = cast.api_a.post("/api/v1/employees/", {**bad, "phone": 912}, format="json", **EN)
    errors = {error["field"]: error["code"] for error in assert_problem(typed, 400)["errors"]}
    assert set(errors) == everything and errors["phone"] == "type" and errors["branch"] == "max_length"
    # In a bulk item, and beside the item the batch's own unknown field.
    bulk = cast.api_a.post("/api/v1/employees/bulk/", {"employees": [{**bad, "extra": 1}], "x": 1}, format="json")
    assert error_fields(bulk) == {"x", "employees[0].extra", *(f"employees[0].{name}" for name in everything)}


def test_scores_of_another_type_are_named_with_the_items_other_fields(cast):
    item = {"employee": 0, "period": {"kind": "weekly", "starts_on": "x", "ends_on": "2026-03-31"}, "scores": []}
    response = cast.api_a.post("/api/v1/evaluations/", {"evaluations": [{**item, "extra": 1}]}, format="json", **EN)
    errors = {error["field"]: error["code"] for error in assert_problem(response, 400)["errors"]}
    assert errors == {
        "evaluations[0].employee": "min_value",
        "evaluations[0].period.kind": "invalid_choice",
        "evaluations[0].period.starts_on": "invalid",
        "evaluations[0].scores": "type",
        "evaluations[0].extra": "invalid",
    }


def test_a_required_field_of_another_type_is_named_once_for_its_type(cast):
    response = cast.api_a.post("/api/v1/employees/", {"employee_number": 7, "extra": 1}, format="json", **EN)
    errors = [(error["field"], error["code"]) for error in assert_problem(response, 400)["errors"]]
    assert ("employee_number", "type") in errors and ("extra", "invalid") in errors
    assert [field for field, _code in errors].count("employee_number") == 1


# --- 8. idempotency compares the content --------------------------------------------------------------------


def enrol(api, text: str, key: str = "retry-1"):
    return api.generic("POST", "/api/v1/enrollments/", text, content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key, **EN)  # fmt: skip


def test_a_retry_whose_json_is_written_otherwise_is_replayed(cast, employee_a):
    cohort = CohortFactory()
    first = enrol(cast.api_a, json.dumps({"employee": employee_a.pk, "cohort": cohort.pk}))
    assert first.status_code == 201
    for text in (
        f'{{"cohort": {cohort.pk}, "employee": {employee_a.pk}}}',  # another key order
        f'{{\n  "cohort" : {cohort.pk} ,\n  "employee" : {employee_a.pk}\n}}\n',  # other spacing
        f'{{"\\u0063ohort": {cohort.pk}, "employee": {employee_a.pk}}}',  # an escape for a letter
    ):
        retry = enrol(cast.api_a, text)
        assert retry.status_code == 201, retry.content
        assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    # Another content is another request, however close: another cohort, 1.0 for 1, a field more.
    other = CohortFactory()
    for text in (
        json.dumps({"employee": employee_a.pk, "cohort": other.pk}),
        f'{{"employee": {employee_a.pk}.0, "cohort": {cohort.pk}}}',
        json.dumps({"employee": employee_a.pk, "cohort": cohort.pk, "note": ""}),
    ):
        body = assert_problem(enrol(cast.api_a, text), 409)
        assert body["detail"] == "This Idempotency-Key was used for a different request."
    assert IdempotencyRecord.objects.count() == 1


def test_a_record_stored_with_the_raw_bodys_fingerprint_still_replays_the_same_bytes(cast, employee_a):
    """The records written before the content was compared hold a fingerprint of the bytes: the same bytes
    are still the same request."""
    text = f'{{"employee": {employee_a.pk},  "cohort": 1}}'
    request = type("Sent", (), {"method": "POST", "path": "/api/v1/enrollments/"})()
    IdempotencyRecord.objects.create(
        client=cast.hr_a, key="before", fingerprint=_digest(request, text.encode()), status_code=201,
        body={"id": 5}, location="/api/v1/enrollments/5/",
    )  # fmt: skip
    retry = enrol(cast.api_a, text, key="before")
    assert retry.status_code == 201 and retry.json() == {"id": 5} and retry["Idempotent-Replayed"] == "true"


# --- 9. Accept ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        ("*/*;q=0", 406),
        ("application/json;q=0", 406),
        ("application/*;q=0", 406),
        ("application/json;q=0, */*", 406),  # the most specific range decides
        ("application/json;q=0.0", 406),
        ("application/problem+json", 406),  # no row or list is written as a problem
        ("*/*;q=0, application/json", 200),
        ("*/*;q=0.1", 200),
        ("application/json;q=0.5, text/html", 200),
        ("application/problem+json, application/json;q=0.5", 200),
    ],
)
def test_a_type_the_client_weighs_0_is_not_served(cast, employee_a, accept, status):
    for url in ("/api/v1/employees/", f"/api/v1/employees/{employee_a.pk}/"):
        response = cast.api_a.get(url, HTTP_ACCEPT=accept, **EN)
        if status == 406:
            assert assert_problem(response, 406)["type"].endswith("/not_acceptable")
        else:
            assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_the_schema_refuses_a_type_weighed_0_too(client):
    assert_problem(client.get("/api/v1/schema/", HTTP_ACCEPT="*/*;q=0"), 406)
    assert_problem(client.get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT="application/*;q=0"), 406)
    assert client.get("/api/v1/schema/", HTTP_ACCEPT="application/json;q=0.5").status_code == 200


def test_the_pdf_is_sent_as_a_type_the_client_takes(cast, bank_b_rows):
    url = f"/api/v1/certificates/{bank_b_rows['certificate']}/pdf/"
    for accept, media_type in [
        ("application/pdf;q=0, */*", "application/octet-stream"),
        ("application/pdf, application/octet-stream;q=0", "application/pdf"),
    ]:
        response = cast.api_b.get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200 and response["Content-Type"] == media_type
        assert b"".join(response.streaming_content).startswith(b"%PDF")  # read to the end, the file is closed
    assert_problem(cast.api_b.get(url, HTTP_ACCEPT="application/pdf;q=0, application/octet-stream;q=0"), 406)


# --- 9. the schema in one language --------------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
#: Text that is an example of a value, not words of the schema: an internationalised domain (示範.test).
EXAMPLES = re.compile(r"[^\s(]+\.test\b")


def texts(node: Any, path: str = ""):
    """Every (path, title, description or summary) in a schema document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("title", "description", "summary") and isinstance(value, str):
                yield f"{path}/{key}", value
            else:
                yield from texts(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from texts(value, f"{path}[{index}]")


@pytest.mark.parametrize(
    ("query", "headers"),
    [({}, {}), ({"lang": "zh-hant"}, {}), ({}, {"HTTP_ACCEPT_LANGUAGE": "zh-Hant"}), ({"lang": "en"}, EN)],
)
def test_every_title_and_description_of_the_schema_is_in_its_one_language(client, query, headers):
    """The zh-hant schema had Chinese titles (員工編號, 分行, 電話, 更新時間) and choice labels beside English
    descriptions; generated clients put them together in their docstrings."""
    response = client.get("/api/v1/schema/", {**query, "format": "json"}, **headers)
    assert response.status_code == 200 and response["Content-Language"] == "en"
    chinese = [(path, text) for path, text in texts(response.json()) if CJK.search(EXAMPLES.sub("", text))]
    assert chinese == []
    english = client.get("/api/v1/schema/", {"lang": "en", "format": "json"}, **EN)
    assert response.content == english.content  # one document: a client generated from it is the same
