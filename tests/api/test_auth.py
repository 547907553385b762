"""OAuth2 client credentials, scopes, revocation, rotation, throttling, the error shape of 401/403/429."""

import base64

import pytest
from rest_framework.test import APIClient

from hr_api import services
from hr_api.models import ApiClient

from .conftest import assert_problem, http

TOKEN_URL = "/api/v1/oauth/token/"


def ask_token(client_id: str, secret: str, scope: str | None = None):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    return APIClient().post(TOKEN_URL, data, format="multipart", HTTP_AUTHORIZATION=f"Basic {basic}")


def test_a_client_gets_a_token_with_its_scopes_and_uses_it(cast):
    response = ask_token("hr-alpha", "s-a")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body["scope"].split()) == {"read", "enroll", "webhooks", "managers", "evaluations"}
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api.get("/api/v1/employees/").status_code == 200


def test_the_secret_is_stored_hashed(cast):
    cast.hr_a.application.refresh_from_db()
    assert cast.hr_a.application.client_secret != "s-a"


def test_it_refuses_a_wrong_secret(cast):
    assert ask_token("hr-alpha", "wrong").status_code == 401


def test_it_refuses_a_scope_the_client_was_not_granted(cast):
    ApiClient.objects.filter(pk=cast.hr_a.pk).update(can_enroll=False)
    assert ask_token("hr-alpha", "s-a", scope="enroll").status_code == 400
    body = ask_token("hr-alpha", "s-a").json()
    assert set(body["scope"].split()) == {"read", "webhooks", "managers", "evaluations"}


def test_a_revoked_client_gets_no_token_and_its_tokens_stop_working(cast):
    api = http(cast.hr_a)
    services.do_revoke_client(client=cast.hr_a)
    assert ask_token("hr-alpha", "s-a").status_code == 401
    assert_problem(api.get("/api/v1/employees/"), 401)


def test_a_rotated_secret_replaces_the_old_one(cast):
    new = services.do_rotate_secret(client=cast.hr_a)
    assert ask_token("hr-alpha", "s-a").status_code == 401
    assert ask_token("hr-alpha", new).status_code == 200


def test_without_a_token_it_answers_401_with_a_bearer_challenge():
    response = APIClient().get("/api/v1/employees/")
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert body["type"].endswith("not_authenticated")


def test_a_token_without_the_scope_gets_403(cast):
    api = http(cast.hr_a, scopes=["read"])
    assert_problem(api.post("/api/v1/employees/", {}, format="json"), 403)


def test_throttling_is_per_client_with_retry_after(cast, monkeypatch):
    from hr_api.auth import ClientRateThrottle

    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api_client": "3/min"})
    for _ in range(3):
        assert cast.api_a.get("/api/v1/catalog/tiers/").status_code == 200
    response = cast.api_a.get("/api/v1/catalog/tiers/")
    assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1
    # Another client is not held up by the first one's traffic.
    assert cast.api_b.get("/api/v1/catalog/tiers/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/"])
def test_the_schema_and_docs_are_public(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("where", ["basic", "body"])
def test_a_client_id_with_a_nul_character_is_refused_and_recorded_not_a_server_error(cast, where):
    """PostgreSQL stores no NUL in text or JSON: the refusal's audit event keeps the id with U+FFFD
    (the API fuzzer sent one; this was a 500 on PostgreSQL)."""
    from accounts.models import AuditEvent

    if where == "basic":
        response = ask_token("hr-\x00alpha", "s-a")
    else:
        data = {"grant_type": "client_credentials", "client_id": "hr-\x00alpha", "client_secret": "s-a"}
        response = APIClient().post(TOKEN_URL, data, format="multipart")
    assert 400 <= response.status_code < 500, response.status_code
    event = AuditEvent.objects.filter(summary__startswith="token refused").latest("pk")
    assert "\x00" not in event.actor_label


def bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def test_rotating_the_secret_ends_the_tokens_issued_with_the_old_one(cast):
    """A secret is rotated because it may have leaked: a token got with it must not stay good for its hour;
    one asked with the new secret works."""
    before = ask_token("hr-alpha", "s-a").json()["access_token"]
    assert bearer(before).get("/api/v1/employees/").status_code == 200
    new = services.do_rotate_secret(client=cast.hr_a)
    body = assert_problem(bearer(before).get("/api/v1/employees/"), 401)
    assert body["type"].endswith("invalid_token")
    after = ask_token("hr-alpha", new).json()["access_token"]
    assert bearer(after).get("/api/v1/employees/").status_code == 200
    assert cast.api_b.get("/api/v1/employees/").status_code == 200  # another client's tokens are its own


def test_the_rotation_records_how_many_tokens_it_ended(cast):
    from accounts.models import AuditEvent

    ask_token("hr-alpha", "s-a")
    services.do_rotate_secret(client=cast.hr_a)
    event = AuditEvent.objects.filter(detail__change="secret_rotated").latest("pk")
    assert event.detail["tokens_revoked"] >= 2  # the cast's token and the one asked above


def test_a_token_asked_with_the_old_secret_as_the_rotation_commits_does_not_work(cast, monkeypatch):
    """The token request authenticated with the old secret, then the rotation committed before the token was
    stored (two processes): no token is issued, as for the old secret after the rotation."""
    from oauth2_provider.models import AccessToken

    from hr_api.auth import ClientValidator

    authenticate = ClientValidator.authenticate_client
    rotated = []

    def then_rotated(self, request, *args, **kwargs):
        ok = authenticate(self, request, *args, **kwargs)
        if ok and not rotated:
            rotated.append(services.do_rotate_secret(client=cast.hr_a))
        return ok

    monkeypatch.setattr(ClientValidator, "authenticate_client", then_rotated)
    response = ask_token("hr-alpha", "s-a")
    assert rotated
    assert response.status_code == 401, response.content
    assert response.json()["error"] == "invalid_client"
    assert not AccessToken.objects.filter(application=cast.hr_a.application).exists()
    assert ask_token("hr-alpha", rotated[0]).status_code == 200
