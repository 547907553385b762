"""Authentication comes before the body is read: a request without a valid token is 401 whatever its body
(a body no JSON parser reads, a form body naming a token, a body of the wrong media type), on every kind of
write, as the same request with a valid JSON body is; a body is judged only for a client the API knows."""

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import assert_problem, token_for

pytestmark = pytest.mark.django_db

BAD_JSON = "{bad"
# Two creations and a change, of two resources.
WRITES = [
    ("post", "/api/v1/employees/"),
    ("post", "/api/v1/enrollments/"),
    ("post", "/api/v1/webhooks/"),
    ("patch", "/api/v1/employees/{employee}/"),
]


def code(response, status: int) -> str:
    """The problem's code: the last segment of its ``type``."""
    return assert_problem(response, status)["type"].rsplit("/", 1)[-1]


def send(api: APIClient, method: str, url: str, body: str, content_type: str = "application/json", **headers):
    return getattr(api, method)(url, data=body, content_type=content_type, **headers)


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


@pytest.mark.parametrize(("method", "url"), WRITES)
@pytest.mark.parametrize("body", [BAD_JSON, '{"a": 1, "a": 2}', "[[[[" * 2000, '{"email": "x@example.test"}'])
def test_a_write_without_a_token_is_401_whatever_its_body(anonymous, employee_a, method, url, body):
    response = send(anonymous, method, url.format(employee=employee_a.pk), body)
    assert code(response, 401) == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_a_write_with_an_unknown_token_is_401_invalid_token_whatever_its_body(anonymous, employee_a, method, url):
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = send(anonymous, method, url.format(employee=employee_a.pk), BAD_JSON)
    assert code(response, 401) == "invalid_token"


@pytest.mark.parametrize(("method", "url"), [WRITES[0], WRITES[3]])
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain; charset=utf-8"])
def test_a_body_of_another_media_type_without_a_token_is_401_not_415(anonymous, employee_a, method, url, content_type):
    response = send(anonymous, method, url.format(employee=employee_a.pk), "x=1", content_type)
    assert code(response, 401) == "not_authenticated"


def test_a_token_in_a_form_body_authenticates_nothing(anonymous, cast):
    """RFC 6750's form-body token: the API takes tokens in the Authorization header only."""
    token = token_for(cast.hr_a)
    form = "application/x-www-form-urlencoded"
    response = send(anonymous, "post", "/api/v1/employees/", f"access_token={token}", form)
    assert code(response, 401) == "not_authenticated"


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_with_a_valid_token_the_same_body_is_400_parse_error(cast, employee_a, method, url):
    response = send(cast.api_a, method, url.format(employee=employee_a.pk), BAD_JSON, HTTP_IDEMPOTENCY_KEY="k-1")
    assert code(response, 400) == "parse_error"


def test_with_a_valid_token_a_body_of_another_media_type_is_still_415(cast):
    response = send(cast.api_a, "post", "/api/v1/employees/", "x=1", "application/x-www-form-urlencoded")
    assert_problem(response, 415)
