import pytest

from certification import services
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_code_page_shows_the_certificate_with_a_masked_holder_and_no_log_in(client):
    certificate = CertificateFactory(trainee=UserFactory(display_name="王小明"))
    response = client.get(f"/zh-hant/verify/{certificate.verification_code}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "王*明" in body and "王小明" not in body
    assert certificate.number in body and "銀行客戶經理專業資格證書" in body
    assert "此證書有效" in body or "status-active" in body


def test_a_number_finds_the_same_page_in_english(client):
    certificate = CertificateFactory(trainee=UserFactory(display_name="Alice Chen"))
    # With the holder's name as printed (a number alone shows validity only: test_abuse_certificate_enumeration).
    response = client.post("/en/verify/", {"number": certificate.number.lower(), "name": "alice chen"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "A**** C***" in body and "This certificate is valid." in body


def test_a_revoked_certificate_verifies_as_revoked(client):
    certificate = CertificateFactory()
    services.do_revoke_certificate(certificate=certificate, by=None, reason="舞弊")
    body = client.get(f"/en/verify/{certificate.verification_code}/").content.decode()
    assert "revoked" in body and "This certificate is valid." not in body


@pytest.mark.parametrize(
    "url",
    [
        "/en/verify/?number=BCM-STD-R-2026-000001-0",  # well formed, wrong check character
        "/en/verify/?number=nonsense",
        "/en/verify/?number=",
        "/en/verify/not-a-code/",
        "/en/verify/" + "x" * 300 + "/",
    ],
)
def test_unknown_or_malformed_input_gets_the_same_not_found_page(client, url):
    CertificateFactory()
    response = client.get(url)
    assert response.status_code == 404
    assert "No certificate matches this number, verification code or link." in response.content.decode()


def test_an_unknown_but_well_formed_number_reads_the_same(client):
    from certification.numbers import make_number

    CertificateFactory()
    number = make_number(tier_code="senior", track_code="retail", year=2030, sequence=7)
    response = client.get("/en/verify/", {"number": number})
    malformed = client.get("/en/verify/", {"number": "nonsense"})
    assert response.status_code == malformed.status_code == 404
    assert "No certificate matches this number, verification code or link." in response.content.decode()
    # Nothing tells a well-formed number from nonsense (the form echoes what was typed; the rest is the same page).
    assert _without(response.content.decode(), number) == _without(malformed.content.decode(), "nonsense")


def _without(body: str, typed: str) -> str:
    """The page with what the visitor typed and the per-response tokens left out."""
    import re

    body = body.replace(typed, "")
    return re.sub(r'(nonce|csrfmiddlewaretoken" value|csrf-token" content)="[^"]*"', "", body)


def test_look_ups_are_rate_limited_per_address(client, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 3
    for _ in range(3):
        assert client.get("/en/verify/nope/").status_code == 404
    response = client.get("/en/verify/nope/")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert client.get("/en/verify/nope/", REMOTE_ADDR="10.0.0.9").status_code == 404


def test_the_form_page_itself_is_not_counted(client, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 1
    for _ in range(3):
        assert client.get("/zh-hant/verify/").status_code == 200
