import shutil
import subprocess

import pytest
from django.utils import timezone

from certification import pdf, services
from tests.conftest import service_missing
from tests.factories import CertificateFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tool(name):
    path = shutil.which(name)
    if not path:
        service_missing(f"{name} (Debian poppler-utils) is not installed")
    return path


def test_the_pdf_carries_the_chinese_title_and_renders_to_an_image(tmp_path):
    certificate = CertificateFactory(trainee=UserFactory(display_name="王小明"))
    path = pdf.ensure_pdf(certificate)
    text = subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, check=True).stdout.decode()
    assert "銀行客戶經理專業資格證書" in text
    assert "Bank Customer Manager" in text or "Certificate" in text
    assert certificate.verification_code in text and certificate.number in text
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "40", str(path), str(tmp_path / "page")], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = image.size
    # The title band (top fifth, centre) has ink: the CJK glyphs were drawn, not left blank.
    band = image.crop((width // 4, height // 8, 3 * width // 4, height // 4))
    dark = sum(band.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 50


def test_the_pdf_is_cached_per_status_and_made_anew_when_the_status_changes():
    certificate = CertificateFactory()
    first = pdf.ensure_pdf(certificate)
    assert pdf.ensure_pdf(certificate) == first
    services.do_suspend_certificate(certificate=certificate, by=None, reason="調查中")
    certificate.refresh_from_db()
    second = pdf.ensure_pdf(certificate)
    assert second != first and "suspended" in second.name and not first.exists()


def test_the_holder_and_their_institution_download_and_others_get_404(
    client, trainee, institution, institution_admin, other_trainee, other_institution_admin
):
    certificate = CertificateFactory(trainee=trainee, institution=institution)
    url = f"/en/certificates/{certificate.pk}/pdf/"
    client.force_login(certificate.trainee)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(institution_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # read to the end, the file is closed
    for outsider in (other_trainee, other_institution_admin):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_trainee_page_lists_only_their_certificates(client, django_assert_max_num_queries):
    trainee = UserFactory()
    mine = [
        CertificateFactory(trainee=trainee),
        CertificateFactory(
            trainee=trainee,
            curriculum=__import__("tests.factories", fromlist=["curriculum_of"]).curriculum_of("assistant"),
        ),
    ]
    other = CertificateFactory()
    client.force_login(trainee)
    with django_assert_max_num_queries(9):  # 8, and the continuing-education courses enrolled in
        body = client.get("/en/certificates/").content.decode()
    for certificate in mine:
        assert certificate.number in body and f"/verify/{certificate.verification_code}/" in body
    assert other.number not in body


def test_a_holder_reports_an_activity_that_waits_for_confirmation(client):
    from certification.models import ContinuingEducation

    trainee = CertificateFactory().trainee  # only holders report (tests/certification/test_ce_courses.py)
    institution = InstitutionFactory()
    client.force_login(trainee)
    response = client.post(
        "/en/certificates/",
        # On the certificate's issue date (today): inside its validity period.
        {"institution": institution.pk, "title": "Seminar", "completed_on": timezone.localdate(), "hours": "3"},
    )
    assert response.status_code == 302
    activity = ContinuingEducation.objects.get()
    assert activity.trainee == trainee and activity.self_reported and activity.status == "pending"
    bad = client.post(
        "/en/certificates/", {"institution": institution.pk, "title": "X", "completed_on": "2999-01-01", "hours": "3"}
    )
    assert bad.status_code == 200 and "cannot be completed in the future" in bad.content.decode()
    assert ContinuingEducation.objects.count() == 1
