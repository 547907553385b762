"""Portable certificates (issue 21): each certificate as a signed Open Badges 3.0 credential, the JWK Set
it verifies with, and the Bitstring Status Lists that show a suspension or revocation at once.

Every credential and status list here is checked by ``credential_check`` — another library than the
signer's (``cryptography`` directly, not jwcrypto), and the OB 3.0 required fields written from the
specification (1EdTech's JSON Schema is not available offline; see that module).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from urllib.parse import urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from certification import credentials, keys, services, status_list
from certification.models import Certificate
from tests.certification.conftest import completed_enrolment, pass_all
from tests.certification.credential_check import assert_open_badge, b64url, read_bit, verify_jws
from tests.conftest import logged_in, make_program_office
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def signing_keys(settings, tmp_path):
    """The development key of this test (made on first use under its own var/)."""
    settings.CREDENTIAL_SIGNING_KEYS = None
    settings.CREDENTIAL_DEVELOPMENT_KEY_FILE = tmp_path / "var" / "credential-signing-keys.json"
    settings.SITE_URL = "https://bcm.example.org"
    return settings.CREDENTIAL_DEVELOPMENT_KEY_FILE


def jwks(client: Client | None = None) -> dict:
    response = (client or Client()).get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    return response.json()


def path_of(url: str) -> str:
    assert url.startswith("https://bcm.example.org/")
    return urlsplit(url).path


def status_of(certificate: Certificate, purpose: str, client: Client | None = None) -> int:
    """The certificate's bit in the signed status list of ``purpose``, read as a verifier would."""
    _header, credential = verify_jws(credentials.signed_credential(certificate), jwks())
    (entry,) = [entry for entry in credential["credentialStatus"] if entry["statusPurpose"] == purpose]
    response = (client or Client()).get(path_of(entry["statusListCredential"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    header, status_list_credential = verify_jws(response.content.decode(), jwks())
    assert header["typ"] == "vc+jwt"
    assert "BitstringStatusListCredential" in status_list_credential["type"]
    assert status_list_credential["credentialSubject"]["statusPurpose"] == purpose
    assert status_list_credential["id"] == entry["statusListCredential"]
    return read_bit(status_list_credential, int(entry["statusListIndex"]))


# --- the credential -------------------------------------------------------------------------------


def test_the_holder_downloads_a_credential_that_another_library_verifies(trainee):
    certificate = CertificateFactory(trainee=trainee, valid_until="2029-06-30")
    response = logged_in(trainee).get(reverse("certification:credential", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}.jwt"'
    token = response.content.decode()
    header, credential = verify_jws(token, jwks())
    assert header["typ"] == "vc+jwt" and header["kid"] == jwks()["keys"][0]["kid"]
    assert_open_badge(credential)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert certificate.number in credential["id"] and credential["jti"] == credential["id"]
    # The id is the verification page of the number (the language chosen by the visitor's browser).
    page = Client().get(urlsplit(credential["id"]).path + "?" + urlsplit(credential["id"]).query, follow=True)
    assert page.status_code == 200 and certificate.number in page.content.decode()
    assert credential["issuer"]["id"] == credential["iss"] == "https://bcm.example.org"
    assert credential["validFrom"] == f"{certificate.issued_on.isoformat()}T00:00:00+08:00"
    assert credential["validUntil"] == "2029-06-30T23:59:59+08:00"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["tag"] == ["standard", "retail"] and achievement["humanCode"] == "BCM-STD-R"
    assert certificate.tier.certificate_name_zh in achievement["name"]
    assert certificate.tier.certificate_name_en in achievement["name"]
    courses = certificate.curriculum.entries.select_related("course")
    for entry in courses:
        assert entry.course.title_zh in achievement["criteria"]["narrative"]
        assert entry.course.title_en in achievement["criteria"]["narrative"]
    assert {entry["statusPurpose"] for entry in credential["credentialStatus"]} == {"revocation", "suspension"}


def test_the_holder_is_a_salted_hash_and_the_address_never_shows(trainee):
    certificate = CertificateFactory(trainee=trainee)
    token = credentials.signed_credential(certificate)
    _header, credential = verify_jws(token, jwks())
    assert trainee.email not in json.dumps(credential, ensure_ascii=False)
    assert trainee.display_name not in json.dumps(credential, ensure_ascii=False)
    (identity,) = credential["credentialSubject"]["identifier"]
    assert identity["identityType"] == "emailAddress" and identity["hashed"] is True
    expected = hashlib.sha256((trainee.email + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    # Another certificate of the same person: another salt, so the two cannot be matched.
    second = CertificateFactory(trainee=trainee, curriculum=certificate.curriculum, status="expired")
    assert credentials.identity_of(second)["identityHash"] != identity["identityHash"]


def test_a_tampered_credential_fails_the_independent_check(trainee):
    token = credentials.signed_credential(CertificateFactory(trainee=trainee))
    header, payload, signature = token.split(".")
    forged = json.loads(b64url(payload)) | {"validUntil": "2099-12-31T23:59:59+08:00"}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    with pytest.raises(InvalidSignature):
        verify_jws(f"{header}.{forged_payload}.{signature}", jwks())


def test_nobody_else_downloads_the_holders_credential(trainee, other_trainee, institution, institution_admin):
    certificate = CertificateFactory(trainee=trainee, institution=institution)
    url = reverse("certification:credential", args=[certificate.pk])
    assert logged_in(other_trainee).get(url).status_code == 404
    assert logged_in(institution_admin).get(url).status_code == 404
    assert logged_in(make_program_office()).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the log-in page
    missing = reverse("certification:credential", args=[certificate.pk + 1000])
    assert logged_in(trainee).get(missing).status_code == 404


def test_the_certificate_page_and_the_verify_page_offer_the_holder_the_credential(trainee, other_trainee):
    certificate = CertificateFactory(trainee=trainee)
    link = reverse("certification:credential", args=[certificate.pk])
    holder = logged_in(trainee)
    assert link in holder.get(reverse("certification:mine")).content.decode()
    verify = reverse("certification:verify_code", args=[certificate.verification_code])
    assert link in holder.get(verify).content.decode()
    assert link not in logged_in(other_trainee).get(verify).content.decode()
    assert link not in Client().get(verify).content.decode()


# --- keys -----------------------------------------------------------------------------------------


def test_the_development_key_is_made_under_var_on_first_use_and_kept(signing_keys):
    assert not signing_keys.exists()
    first = jwks()
    assert signing_keys.exists()
    assert jwks() == first
    (key,) = first["keys"]
    assert key["kid"] and key["alg"] == "RS256" and key["use"] == "sig" and "d" not in key


def test_rotation_keeps_the_old_public_key_published_and_old_credentials_verifying(settings, trainee):
    certificate = CertificateFactory(trainee=trainee)
    old_set = keys.rotated_set(None)
    settings.CREDENTIAL_SIGNING_KEYS = old_set
    old_token = credentials.signed_credential(certificate)
    settings.CREDENTIAL_SIGNING_KEYS = keys.rotated_set(old_set)  # a new key first, the old one's public part
    published = jwks()
    assert [key["kid"] for key in published["keys"]][1:] == [old_set["keys"][0]["kid"]]
    assert all("d" not in key for key in published["keys"])
    verify_jws(old_token, published)
    new_header, _credential = verify_jws(credentials.signed_credential(certificate), published)
    assert new_header["kid"] == published["keys"][0]["kid"] != old_set["keys"][0]["kid"]


# --- status lists ---------------------------------------------------------------------------------


def test_suspending_reinstating_and_revoking_show_in_the_status_lists_at_once(trainee):
    certificate = CertificateFactory(trainee=trainee)
    office = make_program_office()
    assert status_of(certificate, "revocation") == 0 and status_of(certificate, "suspension") == 0
    services.do_suspend_certificate(certificate=certificate, by=office, reason="under review")
    assert status_of(certificate, "suspension") == 1 and status_of(certificate, "revocation") == 0
    services.do_reinstate_certificate(certificate=certificate, by=office)
    assert status_of(certificate, "suspension") == 0
    services.do_revoke_certificate(certificate=certificate, by=office, reason="fraud")
    assert status_of(certificate, "revocation") == 1 and status_of(certificate, "suspension") == 0


def test_a_status_change_rolled_back_leaves_the_bit_as_it_was(trainee):
    certificate = CertificateFactory(trainee=trainee)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.do_revoke_certificate(certificate=certificate, by=None, reason="fraud")
        assert status_of(certificate, "revocation") == 1  # inside the transaction: its own change
        raise RuntimeError("the rest of the change failed")
    assert status_of(certificate, "revocation") == 0


def test_only_the_certificates_own_bit_is_set(trainee, other_trainee):
    mine = CertificateFactory(trainee=trainee)
    theirs = CertificateFactory(trainee=other_trainee)
    services.do_revoke_certificate(certificate=theirs, by=None, reason="fraud")
    assert status_of(mine, "revocation") == 0 and status_of(theirs, "revocation") == 1


def test_the_status_list_is_cached_by_etag_and_changes_when_a_bit_does(trainee):
    certificate = CertificateFactory(trainee=trainee)
    url = reverse("credentials:status_list", args=["revocation", 1])
    first = Client().get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "no-cache"
    assert first["Access-Control-Allow-Origin"] == "*"
    etag = first["ETag"]
    again = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert Client().get(url).content == first.content  # the same bits, the same signed bytes
    services.do_revoke_certificate(certificate=certificate, by=None, reason="fraud")
    changed = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_list_is_as_long_as_the_specification_requires_and_its_first_entry_is_the_left_most_bit():
    encoded = status_list.encode([0, 9, status_list.LIST_SIZE - 1])
    subject = {"credentialSubject": {"type": "BitstringStatusList", "encodedList": encoded}}
    raw = gzip.decompress(b64url(encoded[1:]))
    assert len(raw) == 16_384 and raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000 and raw[-1] == 0b0000_0001
    assert [read_bit(subject, i) for i in (0, 1, 9, 10, status_list.LIST_SIZE - 1)] == [1, 0, 1, 0, 1]
    with pytest.raises(ValueError):
        status_list.encode([status_list.LIST_SIZE])


@pytest.mark.parametrize(
    "path",
    [
        "/credentials/status/expiry/1",  # no such purpose
        "/credentials/status/revocation/2",  # a list beyond those in use
        "/credentials/status/revocation/0",
        "/credentials/status/revocation/-1",
        "/credentials/status/revocation/99999999999999999999",
        "/credentials/status/revocation/x",
    ],
)
def test_an_unknown_status_list_is_not_found(path):
    assert Client().get(path).status_code == 404


def test_the_key_set_and_status_list_refuse_writes():
    assert Client().post("/.well-known/jwks.json").status_code == 405
    assert Client().post(reverse("credentials:status_list", args=["suspension", 1])).status_code == 405


# --- the index ------------------------------------------------------------------------------------


def test_issuance_draws_a_free_index_and_the_database_refuses_a_second_holder(passed, trainee):
    enrolment = completed_enrolment(trainee)
    pass_all(passed, enrolment)
    (certificate,) = services.do_check_certification(trainee_id=trainee.pk)
    assert 0 <= certificate.status_list_index < status_list.LIST_SIZE
    other = CertificateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=other.pk).update(status_list_index=certificate.status_list_index)


def test_issuance_draws_again_when_another_issuance_took_its_index(passed, trainee, monkeypatch):
    taken = CertificateFactory()
    draws = iter([taken.status_list_index, taken.status_list_index + 1])
    monkeypatch.setattr(status_list, "free_index", lambda: next(draws))
    enrolment = completed_enrolment(trainee)
    pass_all(passed, enrolment)
    (certificate,) = services.do_check_certification(trainee_id=trainee.pk)
    assert certificate.status_list_index == taken.status_list_index + 1


def test_free_indexes_are_unique_in_one_list_while_it_is_at_most_half_full():
    for _ in range(5):
        CertificateFactory()
    assert len(set(Certificate.objects.values_list("status_list_index", flat=True))) == 5
    assert status_list.lists_in_use() == 1
