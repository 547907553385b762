"""The certificate PDF prints what is true now (the cache is keyed on everything printed), and a holder name of
any length the profile accepts (150 characters) stays on the page: smaller, then on more lines, never cut."""

import html
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from certification import pdf
from tests.certification.conftest import completed_enrolment, pass_all
from tests.conftest import service_missing
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db

WIDTH, HEIGHT = landscape(A4)
# The inner frame is drawn 15 mm in from each edge; the text of the page keeps 25 mm.
LEFT, RIGHT = 25 * mm, WIDTH - 25 * mm

LONG_NAMES = {
    "chinese": ("王" + "歐陽司馬諸葛上官東方皇甫尉遲公孫慕容長孫宇文軒轅令狐鍾離" * 8)[:150],
    "latin words": ("Maximilian Alexander Wolfgang von Hohenzollern-Sigmaringen " * 3)[:150].strip(),
    "latin, one word": "W" * 150,
    "mixed": ("陳 Alexandra 歐陽 Christina-" * 8)[:150],
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        service_missing(f"{name} (Debian poppler-utils) is not installed")
    return path  # type: ignore[return-value]


def _text(body: bytes) -> str:
    return subprocess.run([_tool("pdftotext"), "-", "-"], input=body, capture_output=True, check=True).stdout.decode()


def _words(body: bytes) -> list[tuple[float, float, float, float, str]]:
    """Each word poppler finds on the page, with its box (x0, y0 from the top, x1, y1) in points."""
    out = subprocess.run([_tool("pdftotext"), "-bbox", "-", "-"], input=body, capture_output=True, check=True)
    pattern = r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>'
    return [
        (float(a), float(b), float(c), float(d), html.unescape(w))
        for a, b, c, d, w in re.findall(pattern, out.stdout.decode())
    ]


def _rename(client, user, name: str) -> None:
    response = client.post(
        "/zh-hant/accounts/profile/", {"display_name": name, "preferred_language": "zh-hant", "phone": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.display_name == name


def _download(client, certificate) -> bytes:
    response = client.get(f"/zh-hant/certificates/{certificate.pk}/pdf/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _files_of(certificate) -> list[Path]:
    return sorted(pdf.cache_dir().glob(f"{certificate.pk}-*"))


# --- 1. the cache is keyed on what is printed ------------------------------------------------


def test_each_download_after_a_rename_shows_the_current_name_and_one_file_is_kept(client):
    holder = UserFactory(display_name="王小明")
    certificate = CertificateFactory(trainee=holder)
    client.force_login(holder)
    assert "王小明" in _text(_download(client, certificate))
    for name in ("王大明", "李美玲", "Alice Chen"):
        _rename(client, holder, name)
        text = _text(_download(client, certificate))
        assert name in text, f"the PDF still shows an earlier name, not {name}"
        # What the verification page shows (the masked name) agrees.
        page = client.get(f"/zh-hant/verify/{certificate.verification_code}/").content.decode()
        assert pdf.mask_name(name) in page
        # The superseded file is gone: one file per certificate, however often the name changes.
        assert len(_files_of(certificate)) == 1, _files_of(certificate)


@pytest.mark.parametrize(
    ("change", "printed"),
    [
        (lambda c: setattr(c.tier, "name_zh", "資深級") or c.tier.save(), "資深級"),
        (lambda c: setattr(c.tier, "certificate_name_en", "Renamed Certificate") or c.tier.save(), "Renamed"),
        (lambda c: setattr(c.track, "name_zh", "財富方向") or c.track.save(), "財富方向"),
        (lambda c: setattr(c.institution, "name_en", "Harbour Institute") or c.institution.save(), "Harbour"),
        (lambda c: setattr(c, "issued_on", c.issued_on.replace(day=1)) or c.save(), None),
    ],
    ids=["tier name", "certificate title", "track name", "institution name", "issue date"],
)
def test_a_change_to_anything_printed_makes_a_new_pdf(change, printed):
    certificate = CertificateFactory()
    first = pdf.ensure_pdf(certificate)
    change(certificate)
    certificate.refresh_from_db()
    second = pdf.ensure_pdf(certificate)
    assert second != first and not first.exists() and second.exists()
    text = _text(second.read_bytes())
    assert (printed or certificate.issued_on.isoformat()) in text
    assert pdf.ensure_pdf(certificate) == second  # nothing changed: the cached file


def test_the_cohort_zip_carries_the_current_name(client, passed, institution, institution_admin):
    from certification import services

    enrolment = completed_enrolment(institution=institution)
    pass_all(passed, enrolment)
    (certificate,) = services.do_check_certification(trainee_id=enrolment.trainee_id)
    url = reverse("admin:certification_certificate_cohort_zip", args=[enrolment.cohort_id])
    client.force_login(institution_admin)
    for name in ("周杰倫", "周董"):
        holder = certificate.trainee
        holder.display_name = name
        holder.save(update_fields=["display_name"])
        archive = zipfile.ZipFile(io.BytesIO(client.get(url).content))
        assert name in _text(archive.read(f"{certificate.number}.pdf"))
    assert len(_files_of(certificate)) == 1


def test_the_rerender_action_removes_every_file_of_the_certificate(client, program_office):
    certificate = CertificateFactory()
    current = pdf.ensure_pdf(certificate)
    stale = current.with_name(f"{certificate.pk}-active-20200101.pdf")  # as the cache named files before
    stale.write_bytes(b"%PDF-old")
    client.force_login(program_office)
    client.post(
        "/en/admin/certification/certificate/",
        {"action": "rerender_pdf", "_selected_action": [certificate.pk]},
    )
    assert not stale.exists()
    assert _files_of(certificate) in ([], [current])  # made again at once by the (eager) task, or on demand


# --- 2. a long name fits --------------------------------------------------------------------


@pytest.mark.parametrize("name", list(LONG_NAMES.values()), ids=list(LONG_NAMES))
def test_the_name_block_fits_inside_the_margins_by_the_fonts_metrics(name):
    assert len(name) <= 150
    block = pdf.fit_name(name)
    assert "".join(block.lines).replace(" ", "") == name.replace(" ", "")  # nothing cut
    assert len(block.lines) == 1 or block.size <= pdf.NAME_FLOOR_SIZE  # wraps only at the floor size
    for line in block.lines:
        assert pdf.text_width(line, block.size) <= pdf.NAME_MAX_WIDTH
    assert pdf.NAME_MAX_WIDTH <= RIGHT - LEFT
    assert block.height <= pdf.NAME_BAND_HEIGHT


def test_a_short_name_keeps_its_big_size_on_one_line():
    block = pdf.fit_name("王小明")
    assert block.lines == ("王小明",) and block.size == pdf.NAME_SIZE


def test_a_name_that_just_overflows_shrinks_before_it_wraps():
    name = "Alexandra " * 6 + "Christina Wolfgang"  # about 1.2 times the line at the full size
    assert pdf.text_width(name, pdf.NAME_SIZE) > pdf.NAME_MAX_WIDTH
    block = pdf.fit_name(name)
    assert len(block.lines) == 1 and pdf.NAME_FLOOR_SIZE <= block.size < pdf.NAME_SIZE


@pytest.mark.parametrize("name", list(LONG_NAMES.values()), ids=list(LONG_NAMES))
def test_a_150_character_name_is_printed_whole_inside_the_margins(name, tmp_path):
    holder = UserFactory()
    holder.display_name = name  # as the profile saves it (its form takes 150 characters)
    holder.save(update_fields=["display_name"])
    body = pdf.ensure_pdf(CertificateFactory(trainee=holder)).read_bytes()
    words = _words(body)
    assert words, "pdftotext found no text"
    for x0, _y0, x1, _y1, word in words:
        assert x0 >= LEFT - 1 and x1 <= RIGHT + 1, f"{word!r} runs off the page ({x0:.0f}–{x1:.0f} pt)"
    text = "".join(w for *_box, w in words)
    assert name.replace(" ", "") in text  # printed whole, in order
    # The holder line at the foot (the masked name) keeps clear of the QR code on the right.
    foot = [w for w in words if w[1] > HEIGHT - 50 * mm and w[4] not in ("掃描驗證", "Scan", "to", "verify")]
    assert pdf.mask_name(name).replace(" ", "") in "".join(w for *_box, w in foot)
    qr_left = WIDTH - 40 * mm - 40 * mm
    assert all(x1 <= qr_left for _x0, _y0, x1, _y1, _w in foot), foot
    # A look at the page (pdftoppm): kept beside the test's files when run by hand.
    if shutil.which("pdftoppm"):
        (tmp_path / "page.pdf").write_bytes(body)
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(tmp_path / "page.pdf"), str(tmp_path / "page")], check=True)


# --- 3. the foot's masked name says whose it is ---------------------------------------------------


def test_the_foot_says_its_masked_name_is_what_the_verification_page_shows(client):
    """The centre prints the holder's whole name; the foot, by the QR code, the masked one the verification page
    shows (a reader of "持證人 Holder: 劉*廷" under "劉家廷" took the two for a mistake)."""
    certificate = CertificateFactory(trainee=UserFactory(display_name="劉家廷"))
    words = _words(pdf.ensure_pdf(certificate).read_bytes())
    centre = [w for w in words if w[1] < HEIGHT - 50 * mm]
    foot = " ".join(w for _x0, y0, _x1, _y1, w in words if y0 > HEIGHT - 50 * mm)
    assert "劉家廷" in "".join(w for *_box, w in centre)
    assert "驗證頁面所示持證人 Holder as shown on the verification page: 劉*廷" in foot, foot
    assert "Holder: 劉*廷" not in foot.replace("verification page: ", "")
    page = client.get(f"/zh-hant/verify/{certificate.verification_code}/").content.decode()
    assert "劉*廷" in page and "劉家廷" not in page  # what the foot says the page shows
