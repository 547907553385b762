"""The token endpoint's refusals: RFC 6749's JSON (``error`` as the RFC names it) with an ``error_description``
in English (printable ASCII, as RFC 6749 section 5.2 requires) and a ``detail`` in the request's language; any
method but POST is the API's 405 problem, not Django's empty HTML page
(found by an integrator probing the API)."""

import base64
import re

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from hr_api.models import ApiClient

from .conftest import assert_problem

TOKEN_URL = "/api/v1/oauth/token/"
CJK = re.compile(r"[\u3400-\u9fff]")


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def ask(data: dict, *, auth: str | None = basic("hr-alpha", "s-a"), query: str = "", language: str = "en"):
    extra = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return APIClient().post(TOKEN_URL + query, data, HTTP_ACCEPT_LANGUAGE=language, **extra)


CC = {"grant_type": "client_credentials"}
BAD_CLIENT = "Unknown client id or wrong secret, or the client is revoked."
BAD_GRANT = "Unsupported grant type; send grant_type=client_credentials."
BAD_SCOPE = "A scope asked for is unknown or not granted to this client."
#: One request per error a client can cause: the request (``ask``'s arguments), the status and ``error`` RFC 6749
#: (and oauthlib) give it, and the description (a msgid, with its arguments).
REFUSALS = {
    "wrong secret": ({"data": CC, "auth": basic("hr-alpha", "wrong")}, 401, "invalid_client", BAD_CLIENT, None),
    "unknown client": ({"data": CC, "auth": basic("nobody", "x")}, 401, "invalid_client", BAD_CLIENT, None),
    "no client at all": ({"data": CC, "auth": None}, 401, "invalid_client", BAD_CLIENT, None),
    "refresh grant": (
        {"data": {"grant_type": "refresh_token", "refresh_token": "x"}},
        400,
        "invalid_grant",
        "The grant is invalid or has expired; ask with grant_type=client_credentials.",
        None,
    ),
    "unknown grant": ({"data": {"grant_type": "bogus"}}, 400, "unsupported_grant_type", BAD_GRANT, None),
    "no grant": ({"data": {}}, 400, "unsupported_grant_type", BAD_GRANT, None),
    "scope not granted": ({"data": {**CC, "scope": "enroll"}}, 400, "invalid_scope", BAD_SCOPE, None),
    "unknown scope": ({"data": {**CC, "scope": "everything"}}, 400, "invalid_scope", BAD_SCOPE, None),
    "code grant": (
        {"data": {"grant_type": "authorization_code", "code": "x"}},
        400,
        "unauthorized_client",
        "This client may use grant_type=client_credentials only.",
        None,
    ),
    "password grant": (
        {"data": {"grant_type": "password"}},
        400,
        "invalid_request",
        "The request lacks the %(parameter)s parameter.",
        {"parameter": "username"},
    ),
    "query string": (
        {"data": CC, "query": "?scope=read"},
        400,
        "invalid_request",
        "Send the parameters in the form-encoded body, not in the URL.",
        None,
    ),
}


def described(msgid: str, params: dict | None, language: str) -> str:
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % params if params else text


@pytest.fixture
def refusals(cast):
    ApiClient.objects.filter(pk=cast.hr_a.pk).update(can_enroll=False)  # so that scope=enroll is not granted
    return REFUSALS


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_each_refusal_keeps_its_rfc_6749_error_and_explains_it_in_the_asked_language(refusals, case, language):
    request, status, error, msgid, params = refusals[case]
    response = ask(**request, language=language)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Content-Language"] == language.lower()
    body = response.json()
    english = msgid % params if params else msgid
    assert body == {"error": error, "error_description": english, "detail": described(msgid, params, language)}
    assert re.fullmatch(r"[\x20-\x21\x23-\x5b\x5d-\x7e]+", body["error_description"])


def test_a_token_is_still_issued(cast):
    response = ask(CC)
    assert response.status_code == 200, response.content
    assert response.json()["token_type"] == "Bearer"


def test_the_device_grant_is_an_unsupported_grant_not_a_server_error(cast):
    """DOT's view read ``device_code`` before oauthlib looked at the request: a KeyError, a 500."""
    response = ask({"grant_type": "urn:ietf:params:oauth:grant-type:device_code"})
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete", "options"])
def test_any_method_but_post_is_a_405_problem_naming_post(method):
    response = getattr(APIClient(), method)(TOKEN_URL, HTTP_ACCEPT_LANGUAGE="en")
    body = assert_problem(response, 405)
    assert body["type"].endswith("/method_not_allowed")
    assert body["detail"] == f'Method "{method.upper()}" not allowed.'
    assert response["Allow"] == "POST"


def test_head_is_a_405_naming_post():
    response = APIClient().head(TOKEN_URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_405_is_in_the_asked_language():
    body = assert_problem(APIClient().get(TOKEN_URL, HTTP_ACCEPT_LANGUAGE="zh-Hant"), 405)
    assert CJK.search(body["title"]) and CJK.search(body["detail"])
