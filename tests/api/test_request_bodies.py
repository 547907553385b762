"""What the API makes of a request body that JSON or its schema lets through but that means something else
than it seems: nesting too deep for the parser, a key twice, a body where the operation takes none, and a
body of ``null``. Each is a 400 in the problem shape, in the request's language, and changes nothing.

Before: ``[[[…]]]`` a thousand deep was a 500 (RecursionError), even without a token (django-oauth-toolkit
reads the body); ``{"employee_number": "D…", "employee_number": "E…"}`` created E…; ``{"reason": "x"}``
to deactivate was ignored; ``null`` answered "No data provided" in English whatever the language.
"""

import ast
import re
from pathlib import Path

import pytest
import rest_framework
from rest_framework.test import APIClient

from accounts.models import TraineeProfile
from courses import services as training
from hr_api.auth import ClientAuthentication
from hr_api.errors import DRF_PLAIN_TEXTS
from hr_api.models import WebhookEndpoint
from hr_api.parsers import StrictJSONParser
from hr_api.views.base import ApiView
from tests.factories import CohortFactory

from .conftest import assert_problem

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
DEEP = ["[" * 1000 + "]" * 1000, "[" * 100_000 + "]" * 100_000, '{"employees": ' + "[" * 5000 + "]" * 5000 + "}"]
NEW = {"employee_number": "E1", "email": "e1@bank-a.test", "display_name": "Ann"}


def post(api, url, body: str, language: str = "en", **extra):
    return api.generic(
        "POST", url, body, content_type=extra.pop("content_type", "application/json"), HTTP_ACCEPT_LANGUAGE=language
    )


@pytest.mark.parametrize("body", DEEP, ids=["1000 deep", "100000 deep", "deep inside"])
@pytest.mark.parametrize("url", ["/api/v1/employees/", "/api/v1/employees/bulk/", "/api/v1/webhooks/",
                                 "/api/v1/evaluations/", "/api/v1/enrollments/"])  # fmt: skip
def test_json_nested_too_deep_is_a_parse_error_with_a_token_and_never_read_without(cast, url, body):
    problem = assert_problem(post(cast.api_a, url, body), 400)
    assert problem["type"].endswith("/parse_error")
    assert problem["detail"] == "The request body is not valid JSON."
    zh = assert_problem(post(cast.api_a, url, body, "zh-Hant"), 400)
    assert zh["detail"] == "請求內容不是有效的 JSON。"
    # Without a token the body is never parsed: the caller learns only that it must authenticate.
    assert assert_problem(post(APIClient(), url, body), 401)["type"].endswith("/not_authenticated")


def test_json_nested_too_deep_in_a_patch_is_a_parse_error(cast, employee_a):
    response = cast.api_a.generic(
        "PATCH", f"/api/v1/employees/{employee_a.pk}/", DEEP[1], content_type="application/json"
    )
    assert assert_problem(response, 400)["type"].endswith("/parse_error")


def test_a_key_twice_is_refused_naming_it(cast):
    body = '{"employee_number": "D1", "employee_number": "E1", "email": "e1@bank-a.test", "display_name": "Ann"}'
    problem = assert_problem(post(cast.api_a, "/api/v1/employees/", body), 400)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("employee_number", "duplicate_key")]
    assert "more than once" in problem["errors"][0]["message"]
    assert not TraineeProfile.objects.filter(employee_number__in=["D1", "E1"]).exists()


def test_a_key_twice_in_an_item_is_named_by_its_path(cast):
    body = (
        '{"employees": [{"employee_number": "E1", "email": "a@bank-a.test", "display_name": "A"},'
        ' {"employee_number": "E2", "email": "b@bank-a.test", "display_name": "B", "display_name": "C",'
        ' "email": "c@bank-a.test"}]}'
    )
    problem = assert_problem(post(cast.api_a, "/api/v1/employees/bulk/", body), 400)
    assert sorted(e["field"] for e in problem["errors"]) == ["employees[1].display_name", "employees[1].email"]
    assert not TraineeProfile.objects.filter(employee_number__in=["E1", "E2"]).exists()


def test_the_same_key_in_two_objects_is_no_repeat(cast):
    body = '{"employees": [{"employee_number": "E1", "email": "a@bank-a.test", "display_name": "A"}, ' \
           '{"employee_number": "E2", "email": "b@bank-a.test", "display_name": "B"}]}'  # fmt: skip
    assert post(cast.api_a, "/api/v1/employees/bulk/", body).status_code == 200


def test_a_body_of_null_is_asked_for_an_object_in_the_request_language(cast):
    en = assert_problem(post(cast.api_a, "/api/v1/employees/", "null"), 400)
    assert [(e["field"], e["code"], e["message"]) for e in en["errors"]] == [
        ("", "null", "Give an object (a JSON object).")
    ]
    zh = assert_problem(post(cast.api_a, "/api/v1/employees/", "null", "zh-Hant"), 400)
    assert [e["message"] for e in zh["errors"]] == ["請提供物件（JSON 物件）。"]
    bulk = assert_problem(post(cast.api_a, "/api/v1/employees/bulk/", "null", "zh-Hant"), 400)
    assert all(CJK.search(e["message"]) for e in bulk["errors"])


def test_a_charset_that_is_no_text_is_an_unsupported_media_type_in_the_request_language(cast):
    for language in ("zh-Hant", "en"):
        response = post(
            cast.api_a, "/api/v1/employees/", "{}", language, content_type="application/json; charset=bz2_codec"
        )
        problem = assert_problem(response, 415)
        assert bool(CJK.search(problem["detail"])) == (language == "zh-Hant"), problem


# DRF's texts written as plain strings in its code (never through a catalog), and why none reaches an HR
# system in English.
PLAIN_TEXTS = {
    "No data provided": "hr_api.errors.DRF_PLAIN_TEXTS: a body of null",
    "JSON parse error - %s": "hr_api.errors.problem_handler: parse_error, with the line and column only",
    'Unsupported charset "%s" in request Content-Type header.': "hr_api.parsers: 415, DRF's translated text",
    "Multipart form parse error - %s": "the API parses JSON only (StrictJSONParser)",
    "CSRF Failed: %s": "SessionAuthentication's: the API authenticates by token only (ClientAuthentication)",
}
ERROR_CLASSES = {
    *("ErrorDetail", "ParseError", "ValidationError", "NotFound", "PermissionDenied", "APIException"),
    *("AuthenticationFailed", "NotAuthenticated", "UnsupportedMediaType", "NotAcceptable", "Throttled"),
}


def drf_plain_texts() -> set[str]:
    """The first argument of every error DRF raises with a string literal (or a literal ``%`` something)."""
    found = set()
    for path in Path(rest_framework.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(getattr(node, "func", None), "id", None) or getattr(getattr(node, "func", None), "attr", "")
            if isinstance(node, ast.Call) and name in ERROR_CLASSES and node.args:
                text = node.args[0].left if isinstance(node.args[0], ast.BinOp) else node.args[0]
                if isinstance(text, ast.Constant) and isinstance(text.value, str):
                    found.add(text.value)
    return found


def test_every_plain_english_text_of_drf_is_one_the_api_answers_in_its_own_words():
    assert drf_plain_texts() == set(PLAIN_TEXTS), "a DRF text no catalog translates: say how the API answers it"
    assert ApiView.parser_classes == [StrictJSONParser]
    assert ApiView.authentication_classes == [ClientAuthentication]
    assert set(DRF_PLAIN_TEXTS) == {"No data provided"}


# --- an operation that takes no body -----------------------------------------------------------------


@pytest.fixture
def own_rows(cast, employee_a):
    enrolment = training.do_enrol(trainee=employee_a.user, cohort=CohortFactory())
    webhook = WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer, url="https://a.example/", events=["certificate.issued"], secret="s"
    )
    return {
        "/api/v1/employees/{id}/deactivate/": employee_a.pk,
        "/api/v1/employees/{id}/reactivate/": employee_a.pk,
        "/api/v1/enrollments/{id}/withdraw/": enrolment.pk,
        "/api/v1/webhooks/{id}/": webhook.pk,
    }


def bodyless_operations(api) -> list[tuple[str, str]]:
    """The writes the schema gives no request body: (method, path)."""
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return sorted(
        (method, path)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("post", "put", "patch", "delete") and "requestBody" not in operation
        and path != "/api/v1/oauth/token/"
    )  # fmt: skip


def test_an_operation_without_a_body_refuses_any_field_and_takes_none_or_an_empty_object(cast, own_rows):
    operations = bodyless_operations(cast.api_a)
    assert {path for _method, path in operations} == set(own_rows), "give own_rows a row for each"
    for method, path in operations:
        url = path.format(id=own_rows[path])
        response = cast.api_a.generic(
            method.upper(), url, '{"reason": "left", "at": 1}', content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )  # fmt: skip
        problem = assert_problem(response, 400)
        assert sorted((e["field"], e["message"]) for e in problem["errors"]) == [
            ("at", "Unknown field."),
            ("reason", "Unknown field."),
        ], (method, path)
        assert_problem(cast.api_a.generic(method.upper(), url, "[]", content_type="application/json"), 400)
        missing = path.format(id=10**12)  # the row is looked for first, as for a body that is taken
        assert_problem(
            cast.api_a.generic(method.upper(), missing, '{"reason": "left"}', content_type="application/json"), 404
        )
    employee = TraineeProfile.objects.get(pk=own_rows["/api/v1/employees/{id}/deactivate/"])
    assert employee.user.is_active  # refused: nothing done
    assert WebhookEndpoint.objects.filter(pk=own_rows["/api/v1/webhooks/{id}/"]).exists()
    deactivate = f"/api/v1/employees/{employee.pk}/deactivate/"
    assert cast.api_a.generic("POST", deactivate, "{}", content_type="application/json").status_code == 200
    webhook = f"/api/v1/webhooks/{own_rows['/api/v1/webhooks/{id}/']}/"
    assert cast.api_a.delete(webhook).status_code == 204


# --- a GET with a body (an integrator's finding) -----------------------------------------------------

BODY_NOT_ALLOWED = "A GET request takes no body: give the filters in the query string (?name=value)."


def get_operations(api) -> list[str]:
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return sorted(path for path, item in schema["paths"].items() if "get" in item)


def test_every_get_with_a_body_is_refused_rather_than_the_body_ignored(cast, employee_a):
    """A filter in a GET's body was parsed and ignored: the whole list came back, which the integrator took for
    the filtered one. Every GET the schema lists is walked, a list and a row alike, before the row is looked up."""
    walked = []
    for path in get_operations(cast.api_a):
        url = path.replace("{id}", "1").replace("{employee}", "1").replace("{number}", "NO-SUCH")
        for body in ('{"employee_number": "BANK-A-0001"}', '{"employee": 1}', "{}", "[]", "null"):
            response = cast.api_a.generic("GET", url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
            problem = assert_problem(response, 400)
            assert problem["type"].endswith("/body_not_allowed"), (path, problem)
            assert problem["detail"] == BODY_NOT_ALLOWED
        walked.append(path)
    assert "/api/v1/employees/" in walked and len(walked) >= 15, walked


def test_a_head_with_a_body_is_refused_too(cast):
    response = cast.api_a.generic("HEAD", "/api/v1/employees/", '{"x": 1}', content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_get_without_a_body_or_with_an_empty_one_is_answered(cast, employee_a):
    assert cast.api_a.get("/api/v1/employees/").status_code == 200
    assert cast.api_a.generic("GET", "/api/v1/employees/", "", content_type="application/json").status_code == 200


def test_a_get_with_a_body_still_needs_a_token_first(cast):
    response = APIClient().generic("GET", "/api/v1/employees/", '{"x": 1}', content_type="application/json")
    assert_problem(response, 401)


def test_the_schema_says_a_get_takes_no_body(cast):
    schema = cast.api_a.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/employees/"]["get"]
    assert "requestBody" not in operation
    assert "`body_not_allowed`" in operation["responses"]["400"]["description"]
