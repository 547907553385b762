"""The verify form takes what the certificate prints: its number or its verification code (the PDF's
"驗證碼 / Verification code" line), typed or pasted, as the /verify/<code>/ link does."""

import pytest

from tests.factories import CertificateFactory

from .conftest import full_width

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: f"  {code}\n",
        lambda code: "\u3000" + full_width(code) + "\u3000",
        lambda code: code[:8] + " " + code[8:],
    ],
    ids=["as-printed", "spaces-around", "full-width", "a-space-inside"],
)
@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_form_finds_a_certificate_by_its_verification_code(client, certificate_to_verify, typed, language):
    response = client.get(f"/{language}/verify/", {"number": typed(certificate_to_verify.verification_code)})
    assert response.status_code == 200
    assert certificate_to_verify.number in response.content.decode()


def test_a_code_with_its_letters_in_the_wrong_case_is_not_found(client):
    # A code issued before the new ones (secrets.token_urlsafe(16)) is a random token whose capital and small
    # letters differ; the page says so (new codes are read in any case: test_verify_look_alikes.py).
    certificate = CertificateFactory(verification_code="AbCdEfGhIjKlMnOpQrStUv")
    response = client.get("/en/verify/", {"number": certificate.verification_code.swapcase()})
    assert response.status_code == 404
    assert "capital and small letters" in response.content.decode()


def test_the_form_says_it_takes_a_number_or_a_code(client):
    body = client.get("/en/verify/").content.decode()
    assert "Certificate number or verification code" in body
    assert "the number (e.g. BCM-STD-R-2026-000123-K) or the verification code" in body
    assert 'aria-describedby="id_number_helptext"' in body


def test_a_number_still_verifies_in_any_case(client, certificate_to_verify):
    assert client.get("/en/verify/", {"number": f" {certificate_to_verify.number.lower()} "}).status_code == 200
