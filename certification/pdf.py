"""The bilingual certificate PDF, cached under ``MEDIA_ROOT/certificates/``.

Chinese text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1, whose Unicode map
covers the traditional characters too; reportlab's ``MSung-Light`` is registered with the GB map
by mistake and shows nothing): no font file to ship, and every PDF reader carries a substitute for it.

The cache is keyed on everything the page prints (:class:`Printed`: the holder's name, the titles, tier, track
and institution names, dates, status, codes, the verification link) and on the layout's version: the file name
carries a digest of them, so a renamed holder, a renamed institution, a status change or a renewal makes a new
file and an old one is never served. Making one removes the other files of that certificate, so the folder
keeps one file per certificate, however often what it prints changes.

Text that can be long (the holder's name above all: the profile takes 150 characters) is fitted to its line:
a smaller font down to a floor size, then more lines, never cut (:func:`fit_text`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import uuid
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

# Part of the cache key: change it with the drawing, and every certificate's file is made anew on its next download.
LAYOUT_VERSION = "2"

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
LEADING = 1.2  # line spacing, times the font size

# The holder's name: 24 pt on one line, smaller down to 16 pt; longer, it wraps at 16 pt and below, as many lines
# as the band between the English title and the line under the name holds. 30 mm from each edge of the page.
NAME_SIZE = 24.0
NAME_FLOOR_SIZE = 16.0
NAME_SMALLEST_SIZE = 6.0
NAME_MAX_WIDTH = PAGE_WIDTH - 60 * mm
NAME_BAND_TOP = PAGE_HEIGHT - 61 * mm  # 4 mm under the English title, 4 mm over the line under the name
NAME_BAND_HEIGHT = 23 * mm
# The QR code (40 mm square, 40 mm from the right edge) and the text at the foot left of it.
QR_SIZE = 40 * mm
QR_LEFT = PAGE_WIDTH - 40 * mm - QR_SIZE
FOOT_LEFT = 25 * mm
FOOT_MAX_WIDTH = QR_LEFT - 5 * mm - FOOT_LEFT
VALUE_LEFT = 95 * mm
VALUE_MAX_WIDTH = QR_LEFT - 5 * mm - VALUE_LEFT


@dataclasses.dataclass(frozen=True)
class Printed:
    """Everything the PDF prints, as text: its digest is the cache key."""

    status: str
    title_zh: str
    title_en: str
    holder: str
    tier_zh: str
    tier_en: str
    track_zh: str
    track_en: str
    number: str
    issued_on: str
    valid_until: str
    institution_zh: str
    institution_en: str
    code: str
    url: str

    def digest(self) -> str:
        content = json.dumps([LAYOUT_VERSION, dataclasses.asdict(self)], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(content.encode()).hexdigest()[:24]


def printed_of(certificate: Certificate) -> Printed:
    """What the certificate's PDF prints, read now (one query)."""
    certificate = Certificate.objects.select_related("trainee", "tier", "track", "institution").get(pk=certificate.pk)
    track = certificate.track if certificate.track_id else None
    return Printed(
        status=certificate.status,
        title_zh=certificate.tier.certificate_name_zh,
        title_en=certificate.tier.certificate_name_en,
        holder=certificate.trainee.display_name,
        tier_zh=certificate.tier.name_zh,
        tier_en=certificate.tier.name_en,
        track_zh=track.name_zh if track else "",
        track_en=track.name_en if track else "",
        number=certificate.number,
        issued_on=certificate.issued_on.isoformat(),
        valid_until=certificate.valid_until.isoformat(),
        institution_zh=certificate.institution.name_zh,
        institution_en=certificate.institution.name_en,
        # A new code in groups of five, for reading and typing (the look-up ignores the dashes); one issued
        # before as it was printed.
        code=grouped_code(certificate.verification_code),
        url=verification_url(certificate),
    )


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "certificates"


def _path_of(pk: int, printed: Printed) -> Path:
    return cache_dir() / f"{pk}-{printed.status}-{printed.digest()}.pdf"


def cache_path(certificate: Certificate) -> Path:
    """Where the PDF of the certificate as it stands now is (or will be) kept."""
    return _path_of(certificate.pk, printed_of(certificate))


def forget(certificate: Certificate, *, keep: Path | None = None) -> None:
    """Remove the certificate's cached files (all of them, or all but ``keep``)."""
    for old in cache_dir().glob(f"{certificate.pk}-*.pdf"):
        if old != keep:
            old.unlink(missing_ok=True)


def verification_url(certificate: Certificate) -> str:
    with translation.override("zh-hant"):
        path = reverse("certification:verify_code", kwargs={"code": certificate.verification_code})
    return site_url() + path


def ensure_pdf(certificate: Certificate) -> Path:
    """The cached PDF of the certificate as it stands now; rendered when missing, the superseded one removed.

    Written to a temporary name of its own and renamed, so a reader never sees half a file.
    """
    printed = printed_of(certificate)
    path = _path_of(certificate.pk, printed)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _draw(printed)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    forget(certificate, keep=path)
    return path


# --- fitting text to its room ---------------------------------------------------------------

# Chinese, Japanese and Korean characters (and full-width forms) break anywhere; other text between words, or
# after a hyphen; a word longer than the line breaks between its characters.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
_TOKENS = re.compile(rf"\s+|[^\s{_CJK}-]*-|[^\s{_CJK}-]+|.", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class TextBlock:
    lines: tuple[str, ...]
    size: float

    @property
    def leading(self) -> float:
        return self.size * LEADING

    @property
    def height(self) -> float:
        """From the top of the first line's characters to the foot of the last line's."""
        return self.size + (len(self.lines) - 1) * self.leading


def _width(text: str, font: str, size: float) -> float:
    return float(pdfmetrics.stringWidth(text, font, size))


def wrap(text: str, *, font: str, size: float, max_width: float) -> tuple[str, ...]:
    """``text`` in lines no wider than ``max_width``: broken between words (or CJK characters), and a word
    too long for a line between its characters. Nothing is dropped but the spaces where it breaks."""
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(text):
        if token.isspace():
            line = line + " " if line else line
            continue
        if _width(line + token, font, size) <= max_width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        for piece in _split_word(token, font=font, size=size, max_width=max_width):
            if line:
                lines.append(line)
            line = piece
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return tuple(lines)


def _split_word(word: str, *, font: str, size: float, max_width: float) -> list[str]:
    """``word`` in pieces no wider than ``max_width`` (one character at least), broken between its characters."""
    pieces, piece, used = [], "", 0.0
    for char in word:
        char_width = _width(char, font, size)
        if piece and used + char_width > max_width:
            pieces.append(piece)
            piece, used = "", 0.0
        piece += char
        used += char_width
    return [*pieces, piece]


def fit_text(
    text: str, *, font: str, size: float, floor: float, smallest: float, max_width: float, max_height: float
) -> TextBlock:
    """The largest size at which ``text`` fits: on one line from ``size`` down to ``floor``; then wrapped, at
    ``floor`` and below (down to ``smallest``), in as many lines as ``max_height`` holds. Past ``smallest``, it
    takes the lines it needs: a longer text than its room runs over, but is never cut."""
    text = " ".join(text.split())
    step = 0.5
    current = size
    while current >= floor:
        if _width(text, font, current) <= max_width:
            return TextBlock((text,), current)
        current -= step
    current = floor
    while current >= smallest:
        block = TextBlock(wrap(text, font=font, size=current, max_width=max_width), current)
        if block.height <= max_height:
            return block
        current -= step
    return TextBlock(wrap(text, font=font, size=smallest, max_width=max_width), smallest)


def fit_name(name: str) -> TextBlock:
    """The holder's name on the page: shrunk to fit its line, then wrapped (:data:`NAME_FLOOR_SIZE`)."""
    return fit_text(
        name,
        font=CJK_FONT,
        size=NAME_SIZE,
        floor=NAME_FLOOR_SIZE,
        smallest=NAME_SMALLEST_SIZE,
        max_width=NAME_MAX_WIDTH,
        max_height=NAME_BAND_HEIGHT,
    )


def _draw_centred_block(pdf: canvas.Canvas, block: TextBlock, font: str, centre: float, middle: float) -> None:
    """The block's lines centred on ``centre``, the block itself centred in height on ``middle``."""
    pdf.setFont(font, block.size)
    # A CJK character sits from 0.12 em below its baseline to 0.88 em above.
    baseline = middle + block.height / 2 - 0.88 * block.size
    for line in block.lines:
        pdf.drawCentredString(centre, baseline, line)
        baseline -= block.leading


def _draw_line(
    pdf: canvas.Canvas, text: str, *, font: str, size: float, x: float, y: float, max_width: float,
    centred: bool = False, max_height: float | None = None,
) -> None:  # fmt: skip
    """One line of text at ``y`` (its baseline), smaller when long; wrapped upwards only when even the smallest
    size does not fit (``max_height``: the room above ``y`` it may take)."""
    block = fit_text(
        text, font=font, size=size, floor=min(size, 6.0), smallest=min(size, 6.0), max_width=max_width,
        max_height=max_height if max_height is not None else size,
    )  # fmt: skip
    pdf.setFont(font, block.size)
    line_y = y + (len(block.lines) - 1) * block.leading
    for line in block.lines:
        if centred:
            pdf.drawCentredString(x, line_y, line)
        else:
            pdf.drawString(x, line_y, line)
        line_y -= block.leading


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF as it stands now (not cached: :func:`ensure_pdf` keeps it)."""
    return _draw(printed_of(certificate))


def _draw(printed: Printed) -> bytes:
    buffer = io.BytesIO()
    width, height = PAGE_WIDTH, PAGE_HEIGHT
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{printed.title_zh} {printed.number}")
    pdf.setAuthor("BCM")
    navy = HexColor("#1f3a5f")
    pdf.setStrokeColor(navy)
    pdf.setLineWidth(3)
    pdf.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)

    centre = width / 2
    text_width = width - 50 * mm
    pdf.setFillColor(navy)
    _draw_line(pdf, printed.title_zh, font=CJK_FONT, size=30, x=centre, y=height - 45 * mm, max_width=text_width,
               centred=True)  # fmt: skip
    _draw_line(pdf, printed.title_en, font=LATIN_FONT, size=16, x=centre, y=height - 56 * mm, max_width=text_width,
               centred=True)  # fmt: skip

    pdf.setFillColor(HexColor("#000000"))
    _draw_centred_block(pdf, fit_name(printed.holder), CJK_FONT, centre, NAME_BAND_TOP - NAME_BAND_HEIGHT / 2)
    line_zh = f"經考核合格，取得{printed.tier_zh}資格" + (f"（{printed.track_zh}）" if printed.track_zh else "") + "。"
    _draw_line(pdf, line_zh, font=CJK_FONT, size=13, x=centre, y=height - 92 * mm, max_width=text_width, centred=True)
    line_en = f"has met the requirements of the {printed.tier_en} tier" + (
        f" ({printed.track_en})" if printed.track_en else ""
    )
    _draw_line(pdf, line_en + ".", font=LATIN_FONT, size=12, x=centre, y=height - 100 * mm, max_width=text_width,
               centred=True)  # fmt: skip

    rows = [
        ("證書編號", "Certificate No.", printed.number),
        ("發證日期", "Issued on", printed.issued_on),
        ("有效期至", "Valid until", printed.valid_until),
        ("發證機構", "Issued by", f"{printed.institution_zh} / {printed.institution_en}"),
        ("狀態", "Status", f"{STATUS_ZH[printed.status]} / {STATUS_EN[printed.status]}"),
        ("驗證碼", "Verification code", printed.code),
    ]
    y = height - 118 * mm
    for zh, en, value in rows:
        pdf.setFont(CJK_FONT, 11)
        pdf.drawString(40 * mm, y, zh)
        pdf.setFont(LATIN_FONT, 9)
        pdf.drawString(62 * mm, y, en)
        _draw_line(pdf, value, font=CJK_FONT, size=11, x=VALUE_LEFT, y=y, max_width=VALUE_MAX_WIDTH, max_height=7 * mm)
        y -= 8 * mm

    if printed.status != Certificate.Status.ACTIVE:
        pdf.saveState()
        pdf.setFillColor(HexColor("#b00020"))
        pdf.setFont(CJK_FONT, 40)
        pdf.translate(centre, height / 2)
        pdf.rotate(20)
        pdf.drawCentredString(0, 0, f"{STATUS_ZH[printed.status]} {STATUS_EN[printed.status].upper()}")
        pdf.restoreState()

    widget = QrCodeWidget(printed.url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, QR_LEFT, 25 * mm)
    pdf.setFont(CJK_FONT, 8)
    pdf.drawCentredString(QR_LEFT + QR_SIZE / 2, 21 * mm, "掃描驗證 Scan to verify")
    pdf.setFont(LATIN_FONT, 7)
    pdf.drawString(FOOT_LEFT, 21 * mm, printed.url)
    _draw_line(pdf, f"持證人 Holder: {mask_name(printed.holder)}", font=CJK_FONT, size=9, x=FOOT_LEFT, y=26 * mm,
               max_width=FOOT_MAX_WIDTH, max_height=20 * mm)  # fmt: skip
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
