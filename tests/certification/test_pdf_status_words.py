"""The certificate PDF prints its status in both languages, in the words of ``Certificate.Status``'s labels
("有效 / Active"), whatever language the request or the worker that draws it speaks; a void certificate's
watermark too. A word changed in the catalog is part of the file's cache key."""

import subprocess

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from certification import pdf, services
from certification.models import Certificate
from tests.certification.test_pdf_fonts import _fonts_installed, _tool
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

WORDS = {
    "active": ("有效", "Active"),
    "expired": ("已過期", "Expired"),
    "suspended": ("已暫停", "Suspended"),
    "revoked": ("已撤銷", "Revoked"),
}


def _lines(certificate: Certificate) -> list[str]:
    """The PDF's text lines in the order drawn (``-raw``: the rotated watermark reads as one line)."""
    text = subprocess.run(
        [_tool("pdftotext"), "-raw", str(pdf.ensure_pdf(certificate)), "-"], capture_output=True, check=True
    ).stdout.decode()
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.mark.parametrize("speaking", ["zh-hant", "en"])
@pytest.mark.parametrize("status", list(WORDS))
def test_the_pdf_prints_the_status_in_both_languages(status, speaking):
    _fonts_installed()
    certificate = CertificateFactory()
    if status == "suspended":
        services.do_suspend_certificate(certificate=certificate, by=None, reason="調查")
    else:
        Certificate.objects.filter(pk=certificate.pk).update(status=status, status_reason="測試")
    certificate.refresh_from_db()
    zh, en = WORDS[status]
    assert pdf.status_words(status) == (zh, en)
    with translation.override(speaking):
        lines = _lines(certificate)
    assert f"狀態 Status {zh} / {en}" in lines
    assert (f"{zh} {en.upper()}" in lines) == (status != "active")  # the watermark of a void certificate


def test_a_word_changed_in_the_catalog_makes_a_new_file(monkeypatch):
    certificate = CertificateFactory()
    before = pdf.cache_path(certificate)
    catalog = trans_real.translation("zh-hant")._catalog._catalogs[0]
    monkeypatch.setitem(catalog, "certificate status\x04active", "生效")
    assert pdf.status_words("active") == ("生效", "Active")
    assert pdf.cache_path(certificate) != before
