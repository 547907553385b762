"""Every font of the certificate PDF is embedded, so that a reader without the font (a phone's viewer) shows it as
drawn, and poppler reads the English text back whole: "Taipei Banking Training Centre", not "Taipei
BankingTraining Centre" nor "V alid". A missing font file is a system check's error where DEBUG is off."""

import re
import shutil
import subprocess

import pytest
from django.core import checks
from reportlab.pdfbase.pdfmetrics import stringWidth

from certification import pdf
from certification.checks import certificate_fonts
from tests.conftest import service_missing
from tests.factories import CertificateFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        service_missing(f"{name} (Debian poppler-utils) is not installed")
    return path  # type: ignore[return-value]


def _fonts_installed() -> None:
    if pdf.missing_fonts():
        service_missing(f"certificate fonts missing: {pdf.missing_fonts()} (make pdf-tools)")


def _fonts(path) -> list[tuple[str, str, str]]:
    """pdffonts' rows: (name, type, emb)."""
    out = subprocess.run([_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:  # a header and a rule
        # name, type (one or two words), encoding, emb, sub, uni, object ID
        match = re.match(r"(\S+)\s+(.+?)\s{2,}(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line)
        assert match, line
        rows.append((match[1], match[2], match[4]))
    return rows


def _text(path) -> str:
    return subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, check=True).stdout.decode()


def _certificate(name: str, language: str):
    institution = InstitutionFactory(name_zh="台北金融研訓中心", name_en="Taipei Banking Training Centre")
    holder = UserFactory(display_name=name, preferred_language=language)
    return CertificateFactory(trainee=holder, institution=institution)


@pytest.mark.parametrize(("name", "language"), [("Emily Chen", "en"), ("王小明", "zh-hant")])
def test_every_font_is_embedded_and_the_text_reads_back_whole(name, language):
    _fonts_installed()
    certificate = _certificate(name, language)
    path = pdf.ensure_pdf(certificate)
    fonts = _fonts(path)
    assert fonts and all(emb == "yes" for _name, _type, emb in fonts), fonts
    assert all("TrueType" in kind for _name, kind, _emb in fonts), fonts
    text = _text(path)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert name in lines
    assert "台北金融研訓中心 / Taipei Banking Training Centre" in lines
    assert "有效 / Active" in lines
    assert certificate.number in lines
    assert pdf.printed_of(certificate).code in lines  # the code in its groups of five
    assert "銀行客戶經理專業資格證書" in text


def test_a_suspended_certificate_reads_suspended_across_it():
    _fonts_installed()
    certificate = _certificate("Emily Chen", "en")
    certificate.status = "suspended"
    certificate.save(update_fields=["status"])
    lines = [" ".join(line.split()) for line in _text(pdf.ensure_pdf(certificate)).splitlines()]
    assert "已暫停 / Suspended" in lines


def test_a_long_english_name_is_fitted_with_the_embedded_fonts_metrics():
    _fonts_installed()
    name = ("Maximilian Alexander Wolfgang von Hohenzollern-Sigmaringen " * 3)[:150].strip()
    block = pdf.fit_name(name)
    assert len(block.lines) > 1 and block.size <= pdf.NAME_FLOOR_SIZE
    assert all(pdf.text_width(line, block.size) <= pdf.NAME_MAX_WIDTH for line in block.lines)
    assert " ".join(block.lines) == name
    # Measured in the fonts that draw it: Liberation Sans for Latin letters (Helvetica's widths), UMing for Chinese.
    assert pdf.text_width("Active", 10) == pytest.approx(stringWidth("Active", "Helvetica", 10), rel=0.01)
    assert pdf.text_width("王 Wang", 10) == pytest.approx(10 + stringWidth(" Wang", "Helvetica", 10), rel=0.01)


def test_a_missing_font_is_a_check_error_in_production_and_a_warning_in_development(settings, tmp_path):
    missing = tmp_path / "no-such-font.ttc"
    settings.CERTIFICATE_CJK_FONT = str(missing)
    settings.DEBUG = False
    errors = certificate_fonts()
    assert [(e.level, e.id) for e in errors] == [(checks.ERROR, "certification.E001")]
    assert str(missing) in errors[0].msg and "fonts-arphic-uming" in (errors[0].hint or "")
    settings.DEBUG = True
    assert [e.level for e in certificate_fonts()] == [checks.WARNING]
    with pytest.raises(pdf.FontMissing, match="no-such-font"):
        pdf.register_fonts()


def test_the_installed_fonts_pass_the_check(settings):
    _fonts_installed()
    settings.DEBUG = False
    assert certificate_fonts() == []
    assert certificate_fonts in checks.registry.registry.get_checks()
