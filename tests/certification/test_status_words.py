"""A certificate's status reads the same wherever it is shown, in each language: the verification page's and My
certificates' badge, and the PDF's status line ("有效 / Active"). Capitalised in English ("Active", never
"active" beside the PDF's other word)."""

import subprocess

import pytest

from certification import pdf, services
from certification.models import Certificate
from tests.certification.test_pdf_fonts import _fonts_installed, _tool
from tests.conftest import logged_in
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _badge(body: str) -> str:
    start = body.index('class="badge certificate-status')
    return body[body.index(">", start) + 1 : body.index("</span>", start)]


def _set_status(certificate: Certificate, status: str) -> None:
    if status == "suspended":
        services.do_suspend_certificate(certificate=certificate, by=None, reason="調查")
    else:
        Certificate.objects.filter(pk=certificate.pk).update(status=status, status_reason="測試")
    certificate.refresh_from_db()


@pytest.mark.parametrize("status", ["active", "expired", "suspended", "revoked"])
def test_the_pages_and_the_pdf_use_one_word_per_status_and_language(client, status):
    _fonts_installed()
    certificate = CertificateFactory()
    _set_status(certificate, status)
    words = dict(zip(("zh-hant", "en"), pdf.status_words(status), strict=True))
    assert words["en"][0].isupper()
    holder = logged_in(certificate.trainee)
    for lang, word in words.items():
        verify = client.get(f"/{lang}/verify/{certificate.verification_code}/").content.decode()
        mine = holder.get(f"/{lang}/certificates/").content.decode()
        assert _badge(verify) == word, (lang, "verify")
        assert _badge(mine) == word, (lang, "my certificates")
    text = subprocess.run(
        [_tool("pdftotext"), str(pdf.ensure_pdf(certificate)), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert f"{words['zh-hant']} / {words['en']}" in [" ".join(line.split()) for line in text.splitlines()]
