"""Imports accept CSV and XLSX only, by name AND content, up to IMPORT_MAX_UPLOAD_BYTES, and say
what is wrong in the person's language."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import TraineeProfile
from accounts.uploads import validate_tabular_upload

pytestmark = pytest.mark.django_db
HEADER = "email,display_name,preferred_language,employer,employee_number,branch,manager_class,phone\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADER.strip().split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def other_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@pytest.fixture
def admin_client(client: Client, institution_admin) -> Client:
    client.force_login(institution_admin)
    return client


def preview(client: Client, name: str, content: bytes, language="en", file_format="0"):
    return client.post(
        f"/{language}/admin/accounts/traineeprofile/import/",
        {"import_file": SimpleUploadedFile(name, content), "format": file_format, "resource": "0"},
    )


@pytest.mark.parametrize(
    ("name", "content", "file_format", "message"),
    [
        ("trainees.csv", PNG, "0", "This file is not a CSV text file (UTF-8 or Big5), whatever its name says."),
        (
            "trainees.xlsx",
            (HEADER + "a@b.test,A,,,,,,\n").encode(),
            "1",
            "This file is not an XLSX workbook, whatever its name says.",
        ),
        ("trainees.xlsx", other_zip(), "1", "This file is not an XLSX workbook, whatever its name says."),
        ("trainees.exe", b"MZ\x90\x00", "0", "Only CSV and XLSX files can be imported."),
    ],
)  # fmt: skip
def test_a_file_that_is_not_what_its_name_says_is_refused_before_parsing(
    admin_client, name, content, file_format, message
):
    response = preview(admin_client, name, content, file_format=file_format)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert message in response.content.decode()
    assert not TraineeProfile.objects.exists()


def test_the_refusal_is_in_traditional_chinese_on_the_chinese_admin(admin_client):
    response = preview(admin_client, "trainees.csv", PNG, language="zh-hant")
    html = response.content.decode()
    assert "This file is not" not in html
    assert "不是 CSV 文字檔" in html


def test_a_file_over_the_limit_is_refused_for_every_import(admin_client, program_office, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = (HEADER + "x@example.test,X,,,,,,\n" * 110_000).encode()
    assert len(big) > settings.IMPORT_MAX_UPLOAD_BYTES
    response = preview(admin_client, "trainees.csv", big)
    assert "The file is larger than 2 MB. Split it and import the parts." in response.content.decode()
    client = Client()
    client.force_login(program_office)
    response = client.post(reverse("admin:exams_question_import"), {"file": SimpleUploadedFile("q.csv", big)})
    assert "The file is larger than 2 MB" in response.content.decode()


@translation.override("en")
def test_the_question_import_refuses_a_renamed_binary(program_office):
    client = Client()
    client.force_login(program_office)
    response = client.post(reverse("admin:exams_question_import"), {"file": SimpleUploadedFile("q.xlsx", PNG)})
    assert response.status_code == 200
    assert "This file is not an XLSX workbook" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.csv", (HEADER + "陳安@example.test,陳安,,,,,,\n").encode("utf-8"), "csv"),
        ("a.csv", "\ufeff".encode() + HEADER.encode(), "csv"),
        ("a.csv", (HEADER + "chen@example.test,陳安,,,,,,\n").encode("cp950"), "csv"),
        ("A.XLSX", xlsx_bytes(), "xlsx"),
    ],
)
def test_real_spreadsheets_pass_the_checks(name, content, kind):
    assert validate_tabular_upload(SimpleUploadedFile(name, content)) == kind


def test_a_csv_with_a_nul_byte_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_tabular_upload(SimpleUploadedFile("a.csv", HEADER.encode() + b"\x00"))
    assert refused.value.code == "not_csv"
