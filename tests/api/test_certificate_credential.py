"""GET /api/v1/certificates/{number}/credential/: an employee's certificate as a signed Open Badges 3.0
credential, checked with another library than the signer's (tests/certification/credential_check.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from certification import services
from tests.api.conftest import assert_problem, http
from tests.certification.credential_check import assert_open_badge, read_bit, verify_jws
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEYS = None
    settings.CREDENTIAL_DEVELOPMENT_KEY_FILE = tmp_path / "credential-signing-keys.json"


def test_an_hr_system_gets_its_employees_credential_and_verifies_it(cast, employee_a):
    certificate = CertificateFactory(trainee=employee_a.user)
    response = cast.api_a.get(f"/api/v1/certificates/{certificate.number}/credential/")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == certificate.number and body["media_type"] == "application/vc+jwt"
    key_set = Client().get("/.well-known/jwks.json").json()
    assert body["key_set_url"].endswith("/.well-known/jwks.json")
    _header, payload = verify_jws(body["jwt"], key_set)
    assert payload == body["credential"]
    assert_open_badge(payload)
    assert employee_a.user.email not in response.content.decode()


def test_a_revocation_shows_in_the_status_list_the_credential_points_to(cast, employee_a):
    certificate = CertificateFactory(trainee=employee_a.user)
    credential = cast.api_a.get(f"/api/v1/certificates/{certificate.number}/credential/").json()["credential"]
    (entry,) = [e for e in credential["credentialStatus"] if e["statusPurpose"] == "revocation"]
    services.do_revoke_certificate(certificate=certificate, by=None, reason="fraud")
    path = "/" + entry["statusListCredential"].split("/", 3)[3]
    token = Client().get(path).content.decode()
    _header, status_list = verify_jws(token, Client().get("/.well-known/jwks.json").json())
    assert read_bit(status_list, int(entry["statusListIndex"])) == 1


def test_another_employers_certificate_is_not_found(cast, employee_b):
    theirs = CertificateFactory(trainee=employee_b.user)
    assert_problem(cast.api_a.get(f"/api/v1/certificates/{theirs.number}/credential/"), 404)
    assert cast.api_b.get(f"/api/v1/certificates/{theirs.number}/credential/").status_code == 200


@pytest.mark.parametrize("number", ["BCM-STD-R-2026-999999-Z", "not-a-number", "%20", "BCM" * 40])
def test_an_unknown_or_malformed_number_is_not_found(cast, employee_a, number):
    CertificateFactory(trainee=employee_a.user)
    assert_problem(cast.api_a.get(f"/api/v1/certificates/{number}/credential/"), 404)


def test_it_needs_a_token_with_the_read_scope(cast, employee_a):
    certificate = CertificateFactory(trainee=employee_a.user)
    url = f"/api/v1/certificates/{certificate.number}/credential/"
    assert_problem(Client().get(url), 401)
    assert_problem(http(cast.hr_a, scopes=["enroll"]).get(url), 403)


def test_the_schema_documents_the_endpoint(cast):
    schema = cast.api_a.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/certificates/{number}/credential/"]["get"]
    assert operation["operationId"] == "certificates_credential" and operation["summary"]
    assert operation["security"]
    content = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert content["$ref"].endswith("/CertificateCredential")
