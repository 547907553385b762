"""The certificate's QR code and printed link are the verification page without a language (/verify/<code>/),
which opens in the reader's own language: an English-reading employer gets /en/, a Chinese one /zh-hant/,
whatever the holder reads. The link printed is the one encoded."""

import pytest

from certification import pdf
from tests.browser.support import qr_address
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_qr_code_and_the_printed_link_carry_no_language(settings, tmp_path):
    settings.SITE_URL = "https://bcm.example.org"
    holder = UserFactory(display_name="Emily Chen", preferred_language="en")
    certificate = CertificateFactory(trainee=holder)
    expected = f"https://bcm.example.org/verify/{certificate.verification_code}/"
    assert pdf.verification_url(certificate) == expected
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf.ensure_pdf(certificate).read_bytes())
    assert qr_address(path) == expected


@pytest.mark.parametrize(
    ("accept_language", "lang"),
    [("en-GB,en;q=0.9", "en"), ("zh-TW,zh;q=0.9,en;q=0.5", "zh-hant"), ("", "zh-hant"), ("fr-FR", "zh-hant")],
)
def test_the_link_opens_the_verification_page_in_the_visitors_language(client, accept_language, lang):
    certificate = CertificateFactory()
    link = pdf.verification_url(certificate).removeprefix(pdf.site_url())
    response = client.get(link, HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/verify/{certificate.verification_code}/"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE=accept_language)
    assert page.status_code == 200 and certificate.number in page.content.decode()
    assert f'lang="{lang}"' in page.content.decode()
