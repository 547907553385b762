"""The key set, the status lists and the credentials are served with the production settings too
(DEBUG off, HTTPS, the signing key from CREDENTIAL_SIGNING_KEYS), read in a subprocess with the variables
README documents, as tests/security does."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.certification.credential_check import read_bit, verify_jws
from tests.conftest import logged_in
from tests.factories import CertificateFactory
from tests.test_settings import PRODUCTION, run_django

pytestmark = pytest.mark.django_db
HOST = "bcm.example.org"


@pytest.fixture(scope="module")
def production_values() -> dict:
    code = (
        "import json; from django.conf import settings as s; from django.test import Client; "
        f"r = Client().get('/.well-known/jwks.json', secure=True, HTTP_HOST='{HOST}'); "
        "print(json.dumps({'keys': s.CREDENTIAL_SIGNING_KEYS, 'debug': s.DEBUG, 'redirect': s.SECURE_SSL_REDIRECT, "
        "'jwks_status': r.status_code, 'jwks': r.json()}))"
    )
    result = run_django(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production(settings, production_values):
    settings.DEBUG = production_values["debug"]
    settings.SECURE_SSL_REDIRECT = production_values["redirect"]
    settings.ALLOWED_HOSTS = [HOST]
    settings.CREDENTIAL_SIGNING_KEYS = production_values["keys"]
    settings.SITE_URL = f"https://{HOST}"
    return production_values


def test_production_signs_with_the_key_from_the_environment_and_publishes_only_its_public_part(production_values):
    assert production_values["debug"] is False
    assert production_values["keys"] == json.loads(PRODUCTION["CREDENTIAL_SIGNING_KEYS"])
    assert production_values["jwks_status"] == 200
    (published,) = production_values["jwks"]["keys"]
    assert published["kid"] == "test-production-key" and "d" not in published and "p" not in published


def test_the_credential_and_status_list_are_served_and_verify_with_production_settings(production, trainee):
    certificate = CertificateFactory(trainee=trainee)
    https = {"secure": True, "HTTP_HOST": HOST}
    key_set = Client().get("/.well-known/jwks.json", **https).json()
    assert key_set == production["jwks"]
    response = logged_in(trainee).get(reverse("certification:credential", args=[certificate.pk]), **https)
    assert response.status_code == 200
    header, credential = verify_jws(response.content.decode(), key_set)
    assert header["kid"] == "test-production-key"
    (entry,) = [e for e in credential["credentialStatus"] if e["statusPurpose"] == "suspension"]
    assert entry["statusListCredential"].startswith(f"https://{HOST}/credentials/status/suspension/")
    listed = Client().get("/" + entry["statusListCredential"].split("/", 3)[3], **https)
    assert listed.status_code == 200 and listed["ETag"]
    _header, status_list = verify_jws(listed.content.decode(), key_set)
    assert read_bit(status_list, int(entry["statusListIndex"])) == 0
    # Plain HTTP is sent to HTTPS, as every other page.
    assert Client().get("/.well-known/jwks.json", HTTP_HOST=HOST).status_code == 301
