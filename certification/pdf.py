"""The bilingual certificate PDF, cached under ``MEDIA_ROOT/certificates/``.

Chinese text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1, whose Unicode map
covers the traditional characters too; reportlab's ``MSung-Light`` is registered with the GB map
by mistake and shows nothing): no font file to ship, and every PDF reader carries a substitute for it. The file
name carries the certificate, its status and its validity date, so a status change or a renewal
makes a new file and an old one is never served.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from core.links import site_url

from .models import Certificate
from .numbers import grouped_code
from .selectors import mask_name

CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

STATUS_ZH = {"active": "有效", "expired": "已過期", "suspended": "已暫停", "revoked": "已撤銷"}
STATUS_EN = {"active": "Valid", "expired": "Expired", "suspended": "Suspended", "revoked": "Revoked"}


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "certificates"


def cache_path(certificate: Certificate) -> Path:
    return cache_dir() / f"{certificate.pk}-{certificate.status}-{certificate.valid_until:%Y%m%d}.pdf"


def verification_url(certificate: Certificate) -> str:
    with translation.override("zh-hant"):
        path = reverse("certification:verify_code", kwargs={"code": certificate.verification_code})
    return site_url() + path


def ensure_pdf(certificate: Certificate) -> Path:
    """The cached PDF of the certificate as it stands now; rendered when missing.

    Written to a temporary name and renamed, so a reader never sees half a file.
    """
    path = cache_path(certificate)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    data = render_pdf(certificate)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    for old in path.parent.glob(f"{certificate.pk}-*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def render_pdf(certificate: Certificate) -> bytes:
    certificate = Certificate.objects.select_related("trainee", "tier", "track", "institution").get(pk=certificate.pk)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{certificate.tier.certificate_name_zh} {certificate.number}")
    pdf.setAuthor("BCM")
    navy = HexColor("#1f3a5f")
    pdf.setStrokeColor(navy)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    centre = width / 2
    pdf.setFillColor(navy)
    pdf.setFont(CJK_FONT, 30)
    pdf.drawCentredString(centre, height - 45 * mm, certificate.tier.certificate_name_zh)
    pdf.setFont(LATIN_FONT, 16)
    pdf.drawCentredString(centre, height - 56 * mm, certificate.tier.certificate_name_en)

    pdf.setFillColor(HexColor("#000000"))
    pdf.setFont(CJK_FONT, 24)
    pdf.drawCentredString(centre, height - 78 * mm, certificate.trainee.display_name)
    track_zh = certificate.track.name_zh if certificate.track_id else ""
    track_en = certificate.track.name_en if certificate.track_id else ""
    pdf.setFont(CJK_FONT, 13)
    line_zh = f"經考核合格，取得{certificate.tier.name_zh}資格" + (f"（{track_zh}）" if track_zh else "") + "。"
    pdf.drawCentredString(centre, height - 92 * mm, line_zh)
    pdf.setFont(LATIN_FONT, 12)
    line_en = f"has met the requirements of the {certificate.tier.name_en} tier" + (
        f" ({track_en})" if track_en else ""
    )
    pdf.drawCentredString(centre, height - 100 * mm, line_en + ".")

    rows = [
        ("證書編號", "Certificate No.", certificate.number),
        ("發證日期", "Issued on", certificate.issued_on.isoformat()),
        ("有效期至", "Valid until", certificate.valid_until.isoformat()),
        ("發證機構", "Issued by", f"{certificate.institution.name_zh} / {certificate.institution.name_en}"),
        ("狀態", "Status", f"{STATUS_ZH[certificate.status]} / {STATUS_EN[certificate.status]}"),
        # A new code in groups of five, for reading and typing (the look-up ignores the dashes); one issued
        # before as it was printed.
        ("驗證碼", "Verification code", grouped_code(certificate.verification_code)),
    ]
    y = height - 118 * mm
    for zh, en, value in rows:
        pdf.setFont(CJK_FONT, 11)
        pdf.drawString(40 * mm, y, zh)
        pdf.setFont(LATIN_FONT, 9)
        pdf.drawString(62 * mm, y, en)
        pdf.setFont(CJK_FONT, 11)
        pdf.drawString(95 * mm, y, value)
        y -= 8 * mm

    if certificate.status != Certificate.Status.ACTIVE:
        pdf.saveState()
        pdf.setFillColor(HexColor("#b00020"))
        pdf.setFont(CJK_FONT, 40)
        pdf.translate(centre, height / 2)
        pdf.rotate(20)
        pdf.drawCentredString(0, 0, f"{STATUS_ZH[certificate.status]} {STATUS_EN[certificate.status].upper()}")
        pdf.restoreState()

    url = verification_url(certificate)
    size = 40 * mm
    widget = QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, width - 40 * mm - size, 25 * mm)
    pdf.setFont(CJK_FONT, 8)
    pdf.drawCentredString(width - 40 * mm - size / 2, 21 * mm, "掃描驗證 Scan to verify")
    pdf.setFont(LATIN_FONT, 7)
    pdf.drawString(25 * mm, 21 * mm, url)
    pdf.setFont(CJK_FONT, 9)
    pdf.drawString(25 * mm, 26 * mm, f"持證人 Holder: {mask_name(certificate.trainee.display_name)}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
