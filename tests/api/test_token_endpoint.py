"""The token endpoint's refusals: RFC 6749's JSON (``error`` as the RFC names it) with an ``error_description``
in English (printable ASCII, as RFC 6749 section 5.2 requires) and a ``detail`` in the request's language; any
method but POST is the API's 405 problem, not Django's empty HTML page
(found by an integrator probing the API)."""

import base64
import re

import pytest
from django.test import Client
from django.utils import translation
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from accounts import audit
from accounts.models import AuditEvent
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
    # The one grant is client_credentials: any other is unsupported, before the client or the grant's own
    # parameters are looked at (an integrator's report: oauthlib answered each by its own rules).
    "refresh grant": (
        {"data": {"grant_type": "refresh_token", "refresh_token": "x"}},
        400,
        "unsupported_grant_type",
        BAD_GRANT,
        None,
    ),
    "unknown grant": ({"data": {"grant_type": "bogus"}}, 400, "unsupported_grant_type", BAD_GRANT, None),
    "no grant": (
        {"data": {}},
        400,
        "invalid_request",
        "The request lacks the %(parameter)s parameter.",
        {"parameter": "grant_type"},
    ),
    "an empty grant": (
        {"data": {"grant_type": ""}},
        400,
        "invalid_request",
        "The request lacks the %(parameter)s parameter.",
        {"parameter": "grant_type"},
    ),
    "a grant twice": (
        {"data": {"grant_type": ["client_credentials", "password"]}},
        400,
        "invalid_request",
        "Give the %(parameter)s parameter once.",
        {"parameter": "grant_type"},
    ),
    "scope not granted": ({"data": {**CC, "scope": "enroll"}}, 400, "invalid_scope", BAD_SCOPE, None),
    "unknown scope": ({"data": {**CC, "scope": "everything"}}, 400, "invalid_scope", BAD_SCOPE, None),
    "code grant": (
        {"data": {"grant_type": "authorization_code", "code": "x"}},
        400,
        "unsupported_grant_type",
        BAD_GRANT,
        None,
    ),
    "password grant": ({"data": {"grant_type": "password"}}, 400, "unsupported_grant_type", BAD_GRANT, None),
    "password grant with a user": (
        {"data": {"grant_type": "password", "username": "trainee01@demo.test", "password": "x"}},
        400,
        "unsupported_grant_type",
        BAD_GRANT,
        None,
    ),
    "another grant of an unknown client": (
        {"data": {"grant_type": "password", "username": "u", "password": "p"}, "auth": basic("nobody", "x")},
        400,
        "unsupported_grant_type",
        BAD_GRANT,
        None,
    ),
    "no grant and no client": (
        {"data": {}, "auth": None},
        400,
        "invalid_request",
        "The request lacks the %(parameter)s parameter.",
        {"parameter": "grant_type"},
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


# --- a body Django does not read as a form, and two clients in one request (an attacker's probe) ----------

NOT_UTF8 = "Send the form in UTF-8: application/x-www-form-urlencoded without a charset, or with charset=utf-8."
TOO_LARGE = "The token request is too large: send only grant_type, scope and the client id and secret."
TWO_CLIENTS = "The client_id in the form is not the client that HTTP Basic authenticates; identify the client once."
FORM = "application/x-www-form-urlencoded"


def ask_raw(body: bytes, content_type: str, *, language: str):
    return Client().generic(
        "POST",
        TOKEN_URL,
        body,
        content_type=content_type,
        HTTP_AUTHORIZATION=basic("hr-alpha", "s-a"),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def assert_invalid_request(response, msgid: str, language: str) -> None:
    """RFC 6749's JSON, as every other refusal of the endpoint: not Django's HTML 400 page, not a 500."""
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "invalid_request",
        "error_description": msgid,
        "detail": described(msgid, None, language),
    }


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
@pytest.mark.parametrize("charset", ["utf-16", "utf-16-le", "latin-1"])
def test_a_form_in_another_charset_than_utf_8_is_an_invalid_request(cast, charset, language):
    """Django refuses to read such a form (BadRequest): its HTML page answered, where a client reads JSON."""
    body = "grant_type=client_credentials&scope=read".encode(charset)
    response = ask_raw(body, f"{FORM}; charset={charset}", language=language)
    assert_invalid_request(response, NOT_UTF8, language)


def test_a_form_in_utf_8_is_read_however_its_charset_is_named(cast):
    response = ask_raw(b"grant_type=client_credentials", f"{FORM}; charset=UTF-8", language="en")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_more_fields_than_django_reads_are_an_invalid_request(cast, settings, language):
    fields = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = ask_raw(f"grant_type=client_credentials&{fields}".encode(), FORM, language=language)
    assert_invalid_request(response, TOO_LARGE, language)


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
@pytest.mark.parametrize("kind", ["form", "multipart"])
def test_a_body_over_the_upload_limit_is_an_invalid_request(cast, settings, kind, language):
    padding = "a" * 3_000_000  # 3 MB, over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    assert len(padding) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if kind == "form":
        response = ask_raw(f"grant_type=client_credentials&x={padding}".encode(), FORM, language=language)
    else:
        data = {"grant_type": "client_credentials", "x": padding}
        response = Client().post(
            TOKEN_URL, data, HTTP_AUTHORIZATION=basic("hr-alpha", "s-a"), HTTP_ACCEPT_LANGUAGE=language
        )
    assert_invalid_request(response, TOO_LARGE, language)


def test_an_unreadable_body_is_refused_in_the_audit_trail_and_counted_by_the_throttle(cast, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 2
    for _ in range(2):
        assert ask_raw("a=b".encode("utf-16"), f"{FORM}; charset=utf-16", language="en").status_code == 400
    assert ask_raw(b"grant_type=client_credentials", FORM, language="en").status_code == 429
    refused = AuditEvent.objects.filter(action=audit.Action.ACCESS_REFUSED, actor_label="api:hr-alpha")
    # The two 400s, in one row (refusals are aggregated: test_abuse_token_audit_rows); a 429 is not recorded.
    assert [event.detail["status"] for event in refused] == [400]


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
@pytest.mark.parametrize(
    "form",
    [{"client_id": "hr-bravo"}, {"client_id": "hr-bravo", "client_secret": "s-b"}],
    ids=["another client id", "another client's credentials"],
)
def test_basic_and_a_form_naming_two_clients_is_an_invalid_request(cast, form, language):
    """RFC 6749, 5.2: a request that "includes multiple credentials" is invalid_request; oauthlib answered
    server_error (500, "Discrepency found between client identifier")."""
    response = ask({**CC, **form}, language=language)
    assert_invalid_request(response, TWO_CLIENTS, language)
    issued = AccessToken.objects.exclude(token__startswith="tok-")  # tests/api/conftest.py's are "tok-…"
    assert not issued.exists()


def test_basic_and_the_same_client_id_in_the_form_still_get_a_token(cast):
    assert ask({**CC, "client_id": "hr-alpha"}).status_code == 200
