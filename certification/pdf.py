"""The bilingual certificate PDF, cached under ``MEDIA_ROOT/certificates/``.

Every font is embedded (a TrueType subset of the characters used), so that every reader, a phone's too, shows
the page as drawn: Chinese in AR PL UMing TW (Debian's fonts-arphic-uming), everything else in Liberation Sans
(fonts-liberation, with Helvetica's widths). ``make pdf-tools`` installs both; their files are the settings
``CERTIFICATE_CJK_FONT`` (with ``CERTIFICATE_CJK_FONT_INDEX``, the face in a .ttc collection) and
``CERTIFICATE_LATIN_FONT``, and a system check (:mod:`certification.checks`) names a missing one. Text mixing both
(an institution's two names, the holder's name) is drawn run by run, each character in the font that has it
(:func:`runs`). reportlab's built-in CID fonts are never embedded, nor can it embed the CFF-based Noto CJK.

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
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from core.links import site_url

from .models import Certificate
from .numbers import grouped_code
from .selectors import mask_name

# The fonts' names in the PDF. Text drawn "in" CJK_FONT is mixed: its Chinese characters in the CJK font, the rest
# in the Latin one (:func:`runs`); text in LATIN_FONT is all Latin but for a character only the CJK font has.
CJK_FONT = "BCM-CJK"
LATIN_FONT = "BCM-Latin"

# The Debian packages of the fonts' files (settings CERTIFICATE_CJK_FONT and CERTIFICATE_LATIN_FONT name them).
FONT_PACKAGES = "fonts-arphic-uming fonts-liberation"

# Part of the cache key: change it with the drawing, and every certificate's file is made anew on its next download.
# 3: embedded TrueType fonts; the language-neutral verification link. 4: the foot's masked name said to be the
# verification page's.
LAYOUT_VERSION = "4"

# The line at the foot, before the masked name: what the verification page shows (it never shows the whole name).
VERIFY_PAGE_HOLDER = "驗證頁面所示持證人 Holder as shown on the verification page:"

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
    status_zh: str
    status_en: str
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


def status_words(status: str) -> tuple[str, str]:
    """The status as the PDF prints it, in Chinese and in English: the pages' words (``Certificate.Status``'s
    label, in the context "certificate status", capitalised as the status badge has it) in each language."""
    label = Certificate.Status(status).label
    with translation.override("zh-hant"):
        zh = capfirst(str(label))
    with translation.override("en"):
        en = capfirst(str(label))
    return zh, en


def printed_of(certificate: Certificate) -> Printed:
    """What the certificate's PDF prints, read now (one query)."""
    certificate = Certificate.objects.select_related("trainee", "tier", "track", "institution").get(pk=certificate.pk)
    track = certificate.track if certificate.track_id else None
    # In the cache key too: a status's word changed in the catalog makes the PDF anew.
    status_zh, status_en = status_words(certificate.status)
    return Printed(
        status=certificate.status,
        status_zh=status_zh,
        status_en=status_en,
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
    """The verification page's address without a language: the portal sends whoever opens it to the page in
    their browser's language (LocaleMiddleware: i18n_patterns with every language prefixed), so one printed
    link serves a Chinese and an English reader alike, and stays short for the QR code."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("certification:verify_code", kwargs={"code": certificate.verification_code})
    return site_url() + "/" + path.removeprefix(f"/{settings.LANGUAGE_CODE}/")


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


class FontMissing(ImproperlyConfigured):
    """A font file the certificate needs is not there (``make pdf-tools`` installs them)."""


def font_files() -> tuple[Path, int, Path]:
    """The CJK font's file and face index in it, and the Latin font's file, as the settings name them."""
    return (
        Path(settings.CERTIFICATE_CJK_FONT),
        settings.CERTIFICATE_CJK_FONT_INDEX,
        Path(settings.CERTIFICATE_LATIN_FONT),
    )


def missing_fonts() -> list[Path]:
    """The font files named by the settings that are not there."""
    cjk, _index, latin = font_files()
    return [path for path in (cjk, latin) if not path.is_file()]


@dataclasses.dataclass
class _Registered:
    files: tuple[Path, int, Path] | None = None  # as registered, None before
    latin_chars: frozenset[int] = frozenset()  # the characters the Latin font has


_registered = _Registered()
_register_lock = threading.Lock()


def register_fonts() -> None:
    """Register the fonts of the settings as :data:`CJK_FONT` and :data:`LATIN_FONT` (again when the settings
    name other files). A missing file raises :class:`FontMissing`, naming it and the package to install."""
    files = font_files()
    if _registered.files == files:
        return
    with _register_lock:
        if _registered.files == files:
            return
        missing = missing_fonts()
        if missing:
            names = ", ".join(str(path) for path in missing)
            raise FontMissing(f"Certificate font missing: {names} (make pdf-tools; apt-get install {FONT_PACKAGES})")
        cjk, index, latin = files
        pdfmetrics.registerFont(TTFont(CJK_FONT, str(cjk), subfontIndex=index))
        latin_font = TTFont(LATIN_FONT, str(latin))
        pdfmetrics.registerFont(latin_font)
        _registered.latin_chars = frozenset(latin_font.face.charToGlyph)
        _registered.files = files


_CJK_CHAR = re.compile(f"[{_CJK}]")


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` in runs of one font each: Chinese, Japanese and Korean characters (and whatever the Latin font
    lacks) in :data:`CJK_FONT`, the rest in :data:`LATIN_FONT`."""
    register_fonts()
    found: list[tuple[str, str]] = []
    for char in text:
        font = CJK_FONT if _CJK_CHAR.match(char) or ord(char) not in _registered.latin_chars else LATIN_FONT
        if found and found[-1][1] == font:
            found[-1] = (found[-1][0] + char, font)
        else:
            found.append((char, font))
    return found


def text_width(text: str, size: float) -> float:
    """How wide ``text`` is drawn at ``size`` points, each run in its font (:func:`runs`)."""
    return sum(float(pdfmetrics.stringWidth(run, font, size)) for run, font in runs(text))


def draw_text(pdf: canvas.Canvas, x: float, y: float, text: str, size: float, *, centred: bool = False) -> None:
    """``text`` with its baseline at ``y``, from ``x`` (or centred on it), each run in its font."""
    if centred:
        x -= text_width(text, size) / 2
    for run, font in runs(text):
        pdf.setFont(font, size)
        pdf.drawString(x, y, run)
        x += float(pdfmetrics.stringWidth(run, font, size))


def _width(text: str, font: str, size: float) -> float:
    # Every text is drawn in runs (:func:`runs`); ``font`` names what the text is, not what draws it.
    return text_width(text, size)


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
    # A CJK character sits from 0.12 em below its baseline to 0.88 em above.
    baseline = middle + block.height / 2 - 0.88 * block.size
    for line in block.lines:
        draw_text(pdf, centre, baseline, line, block.size, centred=True)
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
    line_y = y + (len(block.lines) - 1) * block.leading
    for line in block.lines:
        draw_text(pdf, x, line_y, line, block.size, centred=centred)
        line_y -= block.leading


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF as it stands now (not cached: :func:`ensure_pdf` keeps it)."""
    return _draw(printed_of(certificate))


def _draw(printed: Printed) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    width, height = PAGE_WIDTH, PAGE_HEIGHT
    # The initial font too, or reportlab names Helvetica, unembedded, on the page.
    pdf = canvas.Canvas(buffer, pagesize=(width, height), initialFontName=LATIN_FONT)
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
        ("狀態", "Status", f"{printed.status_zh} / {printed.status_en}"),
        ("驗證碼", "Verification code", printed.code),
    ]
    y = height - 118 * mm
    for zh, en, value in rows:
        draw_text(pdf, 40 * mm, y, zh, 11)
        draw_text(pdf, 62 * mm, y, en, 9)
        _draw_line(pdf, value, font=CJK_FONT, size=11, x=VALUE_LEFT, y=y, max_width=VALUE_MAX_WIDTH, max_height=7 * mm)
        y -= 8 * mm

    if printed.status != Certificate.Status.ACTIVE:
        pdf.saveState()
        pdf.setFillColor(HexColor("#b00020"))
        pdf.translate(centre, height / 2)
        pdf.rotate(20)
        draw_text(pdf, 0, 0, f"{printed.status_zh} {printed.status_en.upper()}", 40, centred=True)
        pdf.restoreState()

    widget = QrCodeWidget(printed.url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0])
    drawing.initialFontName = LATIN_FONT  # else the drawing sets Helvetica, unembedded, for text it has none of
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, QR_LEFT, 25 * mm)
    draw_text(pdf, QR_LEFT + QR_SIZE / 2, 21 * mm, "掃描驗證 Scan to verify", 8, centred=True)
    draw_text(pdf, FOOT_LEFT, 21 * mm, printed.url, 7)
    # What the verification page (the QR code's) shows of the holder: masked there, so it says where the masked
    # name comes from, not a second "holder" that differs from the name printed whole above.
    _draw_line(pdf, f"{VERIFY_PAGE_HOLDER} {mask_name(printed.holder)}", font=CJK_FONT, size=9, x=FOOT_LEFT,
               y=26 * mm, max_width=FOOT_MAX_WIDTH, max_height=20 * mm)  # fmt: skip
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
