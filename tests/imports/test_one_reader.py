"""Every import reads its file with one reader (accounts.imports.reader.read_spreadsheet): a CSV in UTF-8 or Big5, an
XLSX, and the quote the portal's own export puts before a formula-like cell comes off, so that an exported file
imports as it was, in the trainee and enrolment imports as in the question import."""

from __future__ import annotations

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import spreadsheets
from accounts.imports.reader import ROW_NUMBER, read_spreadsheet
from accounts.models import User
from tests.conftest import in_english, logged_in


def test_a_trainee_name_the_export_quoted_is_read_as_it_was_and_refused_as_a_formula(institution_admin):
    """The export's quote is taken off again (the name is read as it was, not as "'-Ann"); a name a spreadsheet
    would run is then refused by the name's own rule, in words, and nobody is imported."""
    alice = logged_in(in_english(institution_admin))
    exported = spreadsheets.csv_cell("-Ann")  # as the portal's export writes a cell a spreadsheet would run
    assert exported == "'-Ann"
    text = f"email,display_name,preferred_language\nann@example.test,{exported},en\n"
    upload = SimpleUploadedFile("people.csv", text.encode("utf-8"), content_type="text/csv")
    preview = alice.post("/en/admin/accounts/traineeprofile/import/", {"import_file": upload, "format": "0"})
    page = preview.content.decode()
    assert "Do not start this with =, +, - or @" in page
    assert "confirm_form" not in (preview.context or {})
    assert not User.objects.filter(email="ann@example.test").exists()


def test_a_file_reads_the_same_as_utf8_csv_big5_csv_and_xlsx():
    data = tablib.Dataset(headers=["course", "text_zh", "text_en", "difficulty"])
    data.append(["BCM-101", "銀行法", "=1+1", 2])
    written = {
        "utf-8 csv": (spreadsheets.write_csv(data).encode("utf-8"), "csv"),
        "big5 csv": (spreadsheets.write_csv(data).encode("cp950"), "csv"),
        "xlsx": (spreadsheets.write_xlsx(data), "xlsx"),
    }
    for name, (content, kind) in written.items():
        read = read_spreadsheet(content, kind)
        assert read.headers == [*data.headers, ROW_NUMBER], name  # each row's number in the sheet comes last
        assert [str(value) for value in read[0]] == ["BCM-101", "銀行法", "=1+1", "2", "2"], name


def test_a_csv_in_neither_encoding_is_refused_in_words():
    with pytest.raises(ValidationError) as refused:
        read_spreadsheet(b"email\n\xff\xfe\xfa\n", "csv")
    assert refused.value.code == "not_csv"
