"""OAuth2 client secrets and access tokens are stored hashed: a copy of the database gives no
working credential."""

import base64

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from hr_api.models import SCOPES
from hr_api.services import do_create_client, do_rotate_secret

pytestmark = pytest.mark.django_db


def ask_token(client_id: str, secret: str):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return APIClient().post(
        "/api/v1/oauth/token/",
        {"grant_type": "client_credentials"},
        format="multipart",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def test_the_client_secret_is_stored_as_a_password_hash_also_after_rotation(employer):
    client, secret = do_create_client(employer=employer, name="HR", scopes=SCOPES, client_id="hr-hash")
    stored = Application.objects.get(pk=client.application_id).client_secret
    assert secret not in stored
    identify_hasher(stored)  # a Django password hash, not the secret
    assert check_password(secret, stored)
    rotated = do_rotate_secret(client=client)
    stored = Application.objects.get(pk=client.application_id).client_secret
    assert rotated not in stored and check_password(rotated, stored)


def test_an_issued_access_token_is_not_stored_in_clear_and_still_works(employer):
    _client, secret = do_create_client(employer=employer, name="HR", scopes=SCOPES, client_id="hr-tok")
    response = ask_token("hr-tok", secret)
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    row = AccessToken.objects.get()
    assert token not in (row.token or "")
    assert row.token_checksum and row.token_checksum != token
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/catalog/tiers/").status_code == 200
    # The stored values themselves are no bearer token.
    for stored in {row.token, row.token_checksum} - {""}:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {stored}")
        assert api.get("/api/v1/catalog/tiers/").status_code == 401
