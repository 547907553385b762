"""What an integrator with a generated client found the contract missing or the answers unclear (their second
report): the codes each operation answers and a ``type`` that leads somewhere; the scope a 403 lacks; the rate
limits; the language of errors; the token request's scopes and security; the headers of a write; a fraction given
for a whole number; the schema's own 429; no cache keeping an employer's rows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework import exceptions

from accounts.employees import NUMBER_TAKEN
from hr_api.auth import AddressRateThrottle, InvalidToken
from hr_api.errors import Conflict, PayloadTooLarge
from hr_api.models import SCOPES
from hr_api.problems import TYPES
from hr_api.views.base import ApiView, BodyNotAllowed
from hr_api.views.employees import BULK_ITEM_CODES

from .conftest import assert_problem, http

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_URL = "/api/v1/schema/"


def schema(language: str = "en") -> dict:
    return Client().get(SCHEMA_URL, {"format": "json", "lang": language}).json()


def operation(document: dict, path: str, method: str) -> dict:
    return document["paths"][path][method]


def response_text(document: dict, path: str, method: str, status: str) -> str:
    return operation(document, path, method)["responses"][status]["description"]


# --- the codes, and the page a problem's type leads to ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "method", "status", "codes"),
    [
        ("/api/v1/employees/", "post", "409", ["employee_number_taken", "email_taken", "conflict"]),
        ("/api/v1/employees/{id}/", "patch", "409", ["employee_number_taken", "email_taken"]),
        ("/api/v1/employees/", "get", "400", ["zone_required", "unknown_parameter", "body_not_allowed"]),
        ("/api/v1/webhooks/", "post", "400", ["scheme", "address", "unresolvable", "userinfo", "host", "port"]),
        ("/api/v1/webhooks/{id}/", "patch", "400", ["scheme", "address", "unresolvable", "userinfo"]),
        ("/api/v1/employees/", "post", "400", ["mixed_scripts", "employee_number", "phone", "parse_error"]),
        ("/api/v1/employees/bulk/", "post", "409", ["conflict", *BULK_ITEM_CODES]),
        ("/api/v1/enrollments/", "post", "409", ["full", "closed", "already_enrolled", "trainee_inactive"]),
        ("/api/v1/employees/", "get", "401", ["not_authenticated", "invalid_token"]),
        ("/api/v1/employees/", "get", "429", ["throttled"]),
    ],
)
def test_each_operation_names_the_codes_it_answers(path, method, status, codes):
    text = response_text(schema(), path, method, status)
    for code in codes:
        assert f"`{code}`" in text, (code, text)


def exception_codes() -> set[str]:
    """The codes of the exceptions the API answers with (hr_api.errors.problem_handler: DRF's and its own)."""
    raised = [
        exceptions.NotAuthenticated,
        InvalidToken,
        exceptions.PermissionDenied,
        exceptions.NotFound,
        exceptions.MethodNotAllowed,
        exceptions.NotAcceptable,
        exceptions.UnsupportedMediaType,
        exceptions.Throttled,
        PayloadTooLarge,
        BodyNotAllowed,
        Conflict,
    ]
    return {kind.default_code for kind in raised} | {"invalid", "parse_error"}


def api_views() -> list[type[ApiView]]:
    found, stack = [], [ApiView]
    while stack:
        kind = stack.pop()
        found.append(kind)
        stack.extend(kind.__subclasses__())
    return found


def test_every_code_a_problem_type_can_end_with_is_in_the_catalogue():
    codes = exception_codes()
    for view in api_views():
        for conflicts in view.conflicts.values():
            codes |= set(conflicts)
    assert codes <= set(TYPES), codes - set(TYPES)
    assert set(TYPES) <= codes, set(TYPES) - codes  # and no code no answer has


def test_the_bulk_item_codes_are_those_the_service_refuses_with():
    """accounts.employees.do_upsert_employees refuses an item with ``problems.append((field, code, message))``."""
    tree = ast.parse((ROOT / "accounts" / "employees.py").read_text())
    codes = {
        node.args[0].elts[1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "append"
        and getattr(node.func.value, "id", None) == "problems"
    }
    assert codes == set(BULK_ITEM_CODES)


def test_a_problem_type_leads_to_its_entry_on_the_sites_page_in_both_languages(cast, employee_a, settings):
    settings.SITE_URL = "https://portal.bank-certification.tw"
    taken = {"employee_number": employee_a.employee_number, "email": "new@bank-alpha.example", "display_name": "新"}
    body = assert_problem(cast.api_a.post("/api/v1/employees/", taken, format="json"), 409)
    assert body["type"] == "https://portal.bank-certification.tw/api/v1/problems/employee_number_taken"
    entry = Client().get(body["type"].removeprefix(settings.SITE_URL))
    assert entry.status_code == 302 and entry["Location"] == "/api/v1/problems/#employee_number_taken"
    page = Client().get("/api/v1/problems/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    for code in TYPES:
        assert f'id="{code}"' in html, code
    for language in ("en", "zh-hant"):  # both on the page, whatever the reader's language
        with translation.override(language):
            assert escape(str(NUMBER_TAKEN)) in html, language


def test_an_unknown_problem_type_is_the_apis_404():
    assert_problem(Client().get("/api/v1/problems/no_such_code"), 404)


def test_the_problem_schema_says_where_its_type_leads(settings):
    settings.SITE_URL = "https://portal.bank-certification.tw"
    description = schema()["components"]["schemas"]["Problem"]["properties"]["type"]["description"]
    assert "https://portal.bank-certification.tw/api/v1/problems/" in description


# --- 403 names the scope --------------------------------------------------------------------------------------


def test_a_403_names_the_scope_the_operation_needs(cast):
    read_only = http(cast.hr_a, ["read"])
    new = {"employee_number": "A-0500", "email": "a500@bank-alpha.example", "display_name": "甲"}
    body = assert_problem(read_only.post("/api/v1/employees/", new, format="json", HTTP_ACCEPT_LANGUAGE="en"), 403)
    assert body["type"].endswith("/permission_denied")
    assert body["detail"] == "This client's token lacks the scope enroll that this operation needs."
    body = assert_problem(http(cast.hr_a, ["enroll"]).get("/api/v1/managers/"), 403)
    assert "managers" in body["detail"]
    assert "`managers`" in response_text(schema(), "/api/v1/managers/", "get", "403")


# --- the rate limits, from the settings -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rate_limits_are_published_as_the_settings_give_them(settings, monkeypatch):
    info = schema()["info"]["description"]
    assert "600 requests a minute per client" in info
    assert "the token endpoint 20 requests a minute per address" in info
    assert "this schema 60 requests a minute per address" in info
    settings.API_TOKEN_RATE_PER_MINUTE = 7
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"api_public": "5/hour"})
    document = schema()
    assert "the token endpoint 7 requests a minute" in document["info"]["description"]
    assert "this schema 5 requests a hour" in document["info"]["description"]
    assert "7 requests a minute" in response_text(document, "/api/v1/oauth/token/", "post", "429")
    assert "600 requests a minute per client" in response_text(document, "/api/v1/employees/", "get", "429")


# --- the language of errors -----------------------------------------------------------------------------------


def test_lang_is_no_parameter_of_an_operation_and_the_refusal_says_what_sets_the_language(cast):
    new = {"employee_number": "A-0501", "email": "a501@bank-alpha.example", "display_name": "乙"}
    response = cast.api_a.post("/api/v1/employees/?lang=en", new, format="json")
    [error] = assert_problem(response, 400)["errors"]
    assert (error["field"], error["code"]) == ("lang", "unknown_parameter")
    assert "lang" in error["message"] and "Accept-Language" in error["message"]
    english = cast.api_a.get("/api/v1/employees/?lang=en&pagesize=2", HTTP_ACCEPT_LANGUAGE="en")
    errors = {e["field"]: e["message"] for e in assert_problem(english, 400)["errors"]}
    assert errors["pagesize"].startswith("Unknown parameter pagesize. This operation takes: ")
    assert errors["lang"].endswith("Answers are in the language the Accept-Language header asks for.")


@pytest.mark.django_db
def test_the_schema_says_that_errors_follow_accept_language():
    info = schema()["info"]["description"]
    assert "`Accept-Language`" in info and "`zh-hant` (the default)" in info and "`lang`" in info


# --- the token endpoint ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_token_request_lists_every_scope_the_settings_have():
    document = schema()
    description = document["components"]["schemas"]["TokenRequest"]["properties"]["scope"]["description"]
    for scope in [*settings.OAUTH2_PROVIDER["SCOPES"], *SCOPES]:
        assert f"`{scope}`" in description, scope
    token = operation(document, "/api/v1/oauth/token/", "post")
    assert token["security"] == [{"clientBasic": []}]  # a generated client sends HTTP Basic
    assert "`client_id` and `client_secret` in the form" in token["description"]


# --- the headers of a write -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_location_and_idempotent_replayed_are_declared():
    document = schema()
    for path, item in document["paths"].items():
        for method, op in item.items():
            idempotent = any(p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
            for status, answer in op["responses"].items():
                headers = answer.get("headers", {})
                if status == "201":
                    assert headers["Location"]["required"] is True, (path, method)
                if status.startswith("2"):
                    assert ("Idempotent-Replayed" in headers) is idempotent, (path, method, status)
    assert any(p["name"] == "Idempotency-Key" for p in operation(document, "/api/v1/employees/", "post")["parameters"])


def test_a_201_carries_the_location_it_declares(cast):
    new = {"employee_number": "A-0502", "email": "a502@bank-alpha.example", "display_name": "丙"}
    first = cast.api_a.post("/api/v1/employees/", new, format="json", HTTP_IDEMPOTENCY_KEY="k-502")
    assert first.status_code == 201
    assert first["Location"] == reverse("api:employee", args=[first.json()["id"]])
    again = cast.api_a.post("/api/v1/employees/", new, format="json", HTTP_IDEMPOTENCY_KEY="k-502")
    assert (again["Location"], again["Idempotent-Replayed"]) == (first["Location"], "true")


# --- small things ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [2.0, 2.5])
def test_a_number_with_a_fraction_for_a_whole_number_says_so(cast, number):
    response = cast.api_a.post("/api/v1/enrollments/", {"employee": number, "cohort": 1}, format="json",
                               HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    errors = {e["field"]: e for e in assert_problem(response, 400)["errors"]}
    assert errors["employee"]["code"] == "type"
    assert errors["employee"]["message"] == "Give a whole number without a fraction part (2, not 2.0 or 2.5)."
    text = cast.api_a.post("/api/v1/enrollments/", {"employee": "2", "cohort": 1}, format="json",
                           HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert assert_problem(text, 400)["errors"][0]["message"] == "Give a whole number (a JSON number, not text)."


PER_ADDRESS = "Too many requests from this address; wait %(seconds)s s (Retry-After) and try again."
PER_CLIENT = "Too many requests from this client; wait %(seconds)s s (Retry-After) and try again."


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_schemas_429_says_per_address_not_per_client(monkeypatch, language):
    monkeypatch.setattr(AddressRateThrottle, "THROTTLE_RATES", {"api_public": "1/min"})
    # The clock stands still between the two requests: the wait is a minute whatever the machine's load.
    monkeypatch.setattr(AddressRateThrottle, "timer", staticmethod(lambda: 1_800_000_000.0))
    client = Client()
    assert client.get(SCHEMA_URL).status_code == 200
    body = assert_problem(client.get(SCHEMA_URL, HTTP_ACCEPT_LANGUAGE=language), 429)
    with translation.override(language):
        said = translation.gettext(PER_ADDRESS) % {"seconds": 60}
        assert translation.gettext(PER_ADDRESS) != translation.gettext(PER_CLIENT)
    assert body["detail"] == said
    assert "client" not in body["detail"] and "用戶端" not in body["detail"]


def test_an_employers_rows_are_never_stored_by_a_cache(cast, employee_a, employee_b):
    answers = [
        cast.api_a.get("/api/v1/employees/"),
        cast.api_a.get(f"/api/v1/employees/{employee_a.pk}/"),
        cast.api_a.get(f"/api/v1/employees/{employee_b.pk}/"),  # another bank's: 404, no-store too
        cast.api_a.patch(f"/api/v1/employees/{employee_a.pk}/", {"branch": "信義"}, format="json"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 404, 200]
    for answer in answers:
        assert answer["Cache-Control"] == "no-store"
