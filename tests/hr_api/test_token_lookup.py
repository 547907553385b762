"""The API's bearer tokens (issue 20): hr_api.auth reads a token from the ``Authorization`` header itself,
with django-oauth-toolkit's semantics, instead of going through oauthlib's request validation.

Every refusal is a 401 ``invalid_token`` (unknown, expired, revoked, of a revoked or inactive client or
of an inactive employer, of no client); and for a matrix of token states and ways to send one (a GET,
a POST, headers well or badly formed, a token in the query string, a bad percent-escape), the answer
is byte for byte the one DOT's own path gives (``token_of_header`` made to leave every request to it).
"""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from accounts.models import Employer
from hr_api import auth
from hr_api.models import ApiClient
from tests.api.conftest import assert_problem, token_for

pytestmark = pytest.mark.django_db

LIST = "/api/v1/certificates/"


def bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def assert_invalid_token(response) -> None:
    body = assert_problem(response, 401)
    assert body["type"].endswith("/invalid_token")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_valid_token_reads_the_list_without_oauthlib(hr_client, monkeypatch):
    token = token_for(hr_client)

    def refuse(*args, **kwargs):
        raise AssertionError("DOT's verify_request ran for a bearer header")

    monkeypatch.setattr("oauth2_provider.oauth2_backends.OAuthLibCore.verify_request", refuse)
    response = bearer(token).get(LIST)
    assert response.status_code == 200, response.content


def test_an_unknown_token_is_invalid(hr_client):
    assert_invalid_token(bearer("never-issued").get(LIST))


def test_an_expired_token_is_invalid(hr_client):
    token = token_for(hr_client)
    AccessToken.objects.filter(token=token).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    assert_invalid_token(bearer(token).get(LIST))


def test_a_token_expiring_now_is_invalid(hr_client, monkeypatch):
    token = token_for(hr_client)
    expires = AccessToken.objects.get(token=token).expires
    monkeypatch.setattr(timezone, "now", lambda: expires)  # DOT: expired from the instant itself on
    assert_invalid_token(bearer(token).get(LIST))


def test_a_revoked_token_is_invalid(hr_client):
    token = token_for(hr_client)
    AccessToken.objects.get(token=token).revoke()  # DOT's revocation deletes it
    assert_invalid_token(bearer(token).get(LIST))


def test_a_token_of_a_revoked_client_is_invalid_even_when_the_token_is_still_stored(hr_client):
    token = token_for(hr_client)
    ApiClient.objects.filter(pk=hr_client.pk).update(revoked_at=timezone.now())
    assert AccessToken.objects.filter(token=token).exists()
    assert_invalid_token(bearer(token).get(LIST))


def test_a_token_of_a_client_of_an_inactive_employer_is_invalid(hr_client):
    token = token_for(hr_client)
    Employer.objects.filter(pk=hr_client.employer_id).update(is_active=False)
    assert_invalid_token(bearer(token).get(LIST))


def test_a_token_of_an_application_that_is_no_client_is_invalid(hr_client):
    application = Application.objects.create(
        name="not a client", client_type="confidential", authorization_grant_type="client-credentials"
    )
    token = AccessToken.objects.create(
        application=application, token="tok-no-client", scope="read",
        expires=timezone.now() + datetime.timedelta(hours=1),
    )  # fmt: skip
    assert_invalid_token(bearer(token.token).get(LIST))


def test_a_token_of_no_application_is_invalid(hr_client):
    token = AccessToken.objects.create(
        token="tok-no-application", scope="read", expires=timezone.now() + datetime.timedelta(hours=1)
    )
    assert_invalid_token(bearer(token.token).get(LIST))


def test_a_token_in_the_query_string_is_refused(hr_client):
    token = token_for(hr_client)
    assert_invalid_token(bearer(token).get(LIST, {"access_token": token}))  # RFC 9700: never in the URI
    body = assert_problem(APIClient().get(LIST, {"access_token": token}), 401)
    assert body["type"].endswith("/not_authenticated")


def test_a_malformed_authorization_header_is_refused(hr_client):
    token = token_for(hr_client)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token} more")
    assert_invalid_token(api.get(LIST))
    api.credentials(HTTP_AUTHORIZATION="Bearer")
    assert_problem(api.get(LIST), 401)
    api.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"hr-alpha:s-a").decode())
    assert_problem(api.get(LIST), 401)


def test_the_scope_is_still_checked_per_view(hr_client):
    token = token_for(hr_client, scopes=["enroll"])
    assert_problem(bearer(token).get(LIST), 403)


def test_a_restricted_token_is_judged_by_dot_against_the_resource(hr_client):
    token = token_for(hr_client)
    AccessToken.objects.filter(token=token).update(resource=["https://elsewhere.example/api/"])
    assert_invalid_token(bearer(token).get(LIST))
    AccessToken.objects.filter(token=token).update(resource=["http://testserver/api/v1/"])
    assert bearer(token).get(LIST).status_code == 200


# --- the same answers as DOT's own path --------------------------------------------------------


def _state(name: str, hr_client: ApiClient) -> str:
    """A token in the state ``name``; its text."""
    if name == "unknown":
        return "never-issued-token"
    if name == "no read scope":
        return token_for(hr_client, scopes=["enroll"])
    token = token_for(hr_client)
    stored = AccessToken.objects.filter(token=token)
    if name == "expired":
        stored.update(expires=timezone.now() - datetime.timedelta(minutes=1))
    elif name == "revoked":
        stored.get().revoke()
    elif name == "client revoked":
        ApiClient.objects.filter(pk=hr_client.pk).update(revoked_at=timezone.now())
    elif name == "employer inactive":
        Employer.objects.filter(pk=hr_client.employer_id).update(is_active=False)
    elif name == "restricted elsewhere":
        stored.update(resource=["https://elsewhere.example/"])
    else:
        assert name == "valid"
    return token


STATES = ["valid", "unknown", "expired", "revoked", "client revoked", "employer inactive", "no read scope",
          "restricted elsewhere"]  # fmt: skip
# (method, header with TOKEN standing for the token, QUERY_STRING, body, content type)
SHAPES = [
    ("GET", "Bearer TOKEN", "", None, None),
    ("GET", "bearer TOKEN", "", None, None),
    ("GET", "Bearer  TOKEN ", "", None, None),
    ("GET", "Bearer\u00a0TOKEN", "", None, None),
    ("GET", "Bearer TOKEN extra", "", None, None),
    ("GET", "Bearer", "", None, None),
    ("GET", "Basic aHItYWxwaGE6cy1h", "", None, None),
    ("GET", None, "access_token=TOKEN", None, None),
    ("GET", "Bearer TOKEN", "access_token=TOKEN", None, None),
    ("GET", "Bearer TOKEN", "page_size=2&x=%zz", None, None),
    ("GET", "Bearer TOKEN", "x=%4", None, None),
    ("GET", "Bearer TOKEN", "x=%e4%b8%ad&y=%C3", None, None),
    ("GET", "Bearer TOKEN", "x=1#%zz", None, None),
    ("GET", "Bearer TOKEN", "x=%%", None, None),
    ("GET", "Bearer TOKEN", "updated_since=bad", None, None),
    ("POST", "Bearer TOKEN", "", "{}", "application/json"),
    ("POST", "Bearer TOKEN", "", "{not json", "application/json"),
    ("POST", "Bearer TOKEN", "", "access_token=TOKEN", "application/x-www-form-urlencoded"),
    ("POST", None, "", "access_token=TOKEN", "application/x-www-form-urlencoded"),
]


def _ask(method: str, header: str | None, query: str, body: str | None, content_type: str | None, token: str):
    api = APIClient(raise_request_exception=False)
    extra = {"QUERY_STRING": query.replace("TOKEN", token)}
    if header is not None:
        extra["HTTP_AUTHORIZATION"] = header.replace("TOKEN", token)
    if method == "GET":
        return api.get(LIST, **extra)
    return api.generic(
        "POST", "/api/v1/employees/", (body or "").replace("TOKEN", token), content_type=content_type, **extra
    )


@pytest.mark.parametrize("state", STATES)
def test_every_answer_is_the_one_dots_own_path_gives(hr_client, monkeypatch, state):
    token = _state(state, hr_client)
    for shape in SHAPES:
        ours = _ask(*shape, token)
        with monkeypatch.context() as dot_only:
            dot_only.setattr(auth, "token_of_header", lambda request: auth.DOT_DECIDES)
            dots = _ask(*shape, token)
        where = f"{state}: {shape}"
        assert ours.status_code == dots.status_code, where
        assert ours.content == dots.content, where
        assert ours.get("WWW-Authenticate") == dots.get("WWW-Authenticate"), where
        if ours.status_code == 200:
            assert json.loads(ours.content)["results"] == json.loads(dots.content)["results"]
