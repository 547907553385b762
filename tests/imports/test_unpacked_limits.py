"""An import refuses a file that is small on disk and huge unpacked, before openpyxl reads it (accounts.uploads
check_unpacked_xlsx), and a row too wide or a cell too long in an XLSX or a CSV (accounts.imports.reader), each
with a message saying which limit and what to do, nothing written; a refused row is echoed cut short.

The outside probe's files are built here by hand with zipfile, at their sizes: a 293 KB workbook whose shared
strings hold one 300,000,000-character text (55.7 s and 1.9 GB of server memory), a row of 3,000,000 cells
(85 s, 2.95 GB), a 30 MB cell in a 31 KB file (a 30 MB page echoing it). The tests assert that the refusal comes
before anything is unpacked beyond a few pieces (the bytes the zip hands out are counted) and without openpyxl,
not how long it takes.
"""

from __future__ import annotations

import io
import struct
import tempfile
import zipfile
from collections.abc import Iterable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from accounts import spreadsheets
from accounts.imports.reader import read_spreadsheet
from accounts.models import User
from accounts.uploads import CHUNK_BYTES, MAX_OTHER_ELEMENTS, check_unpacked_xlsx, validate_tabular_upload
from courses.models import Enrolment
from exams.models import Question
from tests.factories import CohortFactory
from tests.imports.rows import csv_upload, xlsx_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The refusals are read in English here (the pages' own language is tested through the client)."""
    with translation.override("en"):
        yield


TRAINEES = "/en/admin/accounts/traineeprofile/import/"
ENROLMENTS = "/en/admin/courses/enrolment/import/"
QUESTIONS = "/en/admin/exams/question/import/"
HEADER = ["email", "display_name", "preferred_language"]
MB = 1_000_000

# --- workbooks by hand -----------------------------------------------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPES}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPES}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}

#: A piece of a part, or (piece, times): written that many times over, so that nothing big is ever in memory.
Piece = str | tuple[str, int]


def header_row(headers: list[str] = HEADER) -> str:
    return '<row r="1">' + "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in headers) + "</row>"


def workbook(
    rows: Iterable[Piece], shared: Iterable[Piece] = (), *, before_data: str = "", extra: dict[str, str] | None = None
) -> bytes:
    """A workbook whose one sheet holds ``rows`` and whose shared strings ``shared``, each part written in pieces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (PARTS | (extra or {})).items():
            archive.writestr(name, text)
        write(archive, "xl/worksheets/sheet1.xml", [f'<worksheet xmlns="{MAIN}">{before_data}<sheetData>', *rows,
                                                    "</sheetData></worksheet>"])  # fmt: skip
        write(archive, "xl/sharedStrings.xml", [f'<sst xmlns="{MAIN}">', *shared, "</sst>"])
    return buffer.getvalue()


def write(archive: zipfile.ZipFile, name: str, pieces: Iterable[Piece]) -> None:
    with archive.open(name, "w") as part:
        for piece in pieces:
            text, times = piece if isinstance(piece, tuple) else (piece, 1)
            data = text.encode()
            for _ in range(times):
                part.write(data)


def long_shared_text(chars: int = 300 * MB) -> bytes:
    """The probe's first file: one shared text of 300,000,000 characters, in the cell under the first header."""
    return workbook([header_row(), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
                    ["<si><t>", ("a" * MB, chars // MB), "</t></si>"])  # fmt: skip


def wide_row(cells: int = 3 * MB) -> bytes:
    """The probe's second file: row 2 holds 3,000,000 cells."""
    return workbook([header_row(), '<row r="2">', ("<c><v>1</v></c>" * 1000, cells // 1000), "</row>"])


def long_cell(chars: int = 30 * MB) -> bytes:
    """The probe's third file: a 30 MB cell, echoed in full when its row was refused."""
    return workbook([header_row(), '<row r="2"><c r="A2" t="inlineStr"><is><t>', ("a" * MB, chars // MB),
                     "</t></is></c></row>"])  # fmt: skip


def declare_size(content: bytes, name: str, size: int) -> bytes:
    """The zip with the unpacked size of ``name`` declared as ``size`` in both of its headers: a lying header."""
    data = bytearray(content)
    encoded = name.encode()
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        local = data.find(signature)
        while local != -1:
            (length,) = struct.unpack_from("<H", data, local + name_length_at)
            if bytes(data[local + name_at : local + name_at + length]) == encoded:
                struct.pack_into("<I", data, local + size_at, size)
                break
            local = data.find(signature, local + 4)
        assert local != -1, (signature, name)
    return bytes(data)


# --- what the check unpacks --------------------------------------------------------------------------------------


class Unpacked:
    """The bytes the zip handed out (zipfile.ZipExtFile.read), and whether openpyxl opened the workbook."""

    def __init__(self) -> None:
        self.bytes = 0
        self.opened_by_openpyxl = False


@pytest.fixture
def unpacked(monkeypatch: pytest.MonkeyPatch) -> Unpacked:
    seen = Unpacked()
    read = zipfile.ZipExtFile.read

    def counting_read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = read(self, n)
        seen.bytes += len(data)
        return data

    def load_workbook(*args: object, **kwargs: object) -> None:
        seen.opened_by_openpyxl = True
        raise AssertionError("openpyxl read a file the check should have refused")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    monkeypatch.setattr(spreadsheets, "load_workbook", load_workbook)
    return seen


@pytest.fixture
def own_temp_folder(monkeypatch: pytest.MonkeyPatch, tmp_path) -> object:
    """The previews' uploads (accounts.imports.confirm.upload_folder) under this test's own folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def refusal(content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        validate_tabular_upload(SimpleUploadedFile("people.xlsx", content))
    return refused.value


#: Small parts and a piece or two of the big one: what the check may unpack before it refuses.
A_FEW_PIECES = 4 * CHUNK_BYTES


@pytest.fixture(scope="module")
def probes() -> dict[str, bytes]:
    return {"long shared text": long_shared_text(), "wide row": wide_row(), "long cell": long_cell()}


def test_the_probes_files_are_small_on_disk_and_huge_unpacked(probes):
    for name, content in probes.items():
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
        assert len(content) < 400_000 and unpacked > 30 * MB, name


@pytest.mark.parametrize(
    ("probe", "code", "message"),
    [
        ("long shared text", "too_big_unpacked", "The file unpacks to more than 50 MB, more than an import of 10000 "
                                                  "rows needs. Keep only the sheet and the rows to import"),
        ("wide row", "too_tightly_packed", "a part of it unpacks to more than 100 times its size). Open it in Excel, "
                                           "save it as a new XLSX file"),
        ("long cell", "too_tightly_packed", "The file is compressed far more tightly than a spreadsheet is"),
    ],
)  # fmt: skip
def test_each_probe_is_refused_on_the_trainee_import_before_it_is_unpacked(
    alice, probes, unpacked, own_temp_folder, probe, code, message
):
    people = User.objects.count()
    response = alice.post(TRAINEES, {"import_file": SimpleUploadedFile("people.xlsx", probes[probe]),
                                     "format": "1", "resource": "0"})  # fmt: skip
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert message in response.content.decode()
    assert unpacked.bytes < A_FEW_PIECES and not unpacked.opened_by_openpyxl
    assert User.objects.count() == people
    assert not [path for path in own_temp_folder.rglob("*") if path.is_file()], "the upload was stored for a preview"
    assert refusal(probes[probe]).code == code


# --- each limit on its own: the streaming read stops at the first piece over it -------------------------------


def test_a_row_of_three_million_cells_stops_the_read_at_the_cell_past_the_limit(settings, probes, unpacked):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10**6  # past the ratio: the row itself is refused
    refused = refusal(probes["wide row"])
    assert refused.code == "too_many_columns"
    assert refused.messages == ["Row 2 has more than 50 columns. Delete the columns after the last one with a "
                                "header (their formatting too), save the file, and import it again."]  # fmt: skip
    assert unpacked.bytes < A_FEW_PIECES and not unpacked.opened_by_openpyxl


def test_a_30_mb_cell_stops_the_read_past_the_cells_limit(settings, probes, unpacked):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10**6
    refused = refusal(probes["long cell"])
    assert refused.code == "cell_too_long"
    assert refused.messages == ["Cell A2 holds more than 10000 characters. Shorten it, save the file, and import it "
                                "again."]  # fmt: skip
    assert unpacked.bytes < A_FEW_PIECES and not unpacked.opened_by_openpyxl


def test_a_300_million_character_shared_text_stops_the_read_past_the_cells_limit(settings, probes, unpacked):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10**6
    settings.IMPORT_MAX_UNPACKED_BYTES = 10**10  # past the size declared: the text itself is refused
    refused = refusal(probes["long shared text"])
    assert refused.code == "cell_too_long"
    assert refused.messages == ["A cell of the file holds more than 10000 characters. Shorten it, save the file, "
                                "and import it again."]  # fmt: skip
    assert unpacked.bytes < A_FEW_PIECES and not unpacked.opened_by_openpyxl


def test_a_header_that_understates_a_part_does_not_let_it_unpack(settings, unpacked):
    content = declare_size(long_shared_text(40 * MB), "xl/sharedStrings.xml", 1000)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert sum(part.file_size for part in archive.infolist()) < 5000  # the sizes declared pass every limit
    refused = refusal(content)
    assert refused.code == "not_xlsx"
    assert unpacked.bytes < A_FEW_PIECES and not unpacked.opened_by_openpyxl


# --- what else openpyxl would build: the sheet's width, cells past the last column, texts, formats -------------


def test_a_sheet_declared_16384_columns_wide_is_refused_before_openpyxl_widens_every_row(unpacked):
    refused = refusal(workbook([header_row()], before_data='<dimension ref="A1:XFD1"/>'))
    assert refused.code == "too_many_columns"
    assert refused.messages[0].startswith("The sheet is more than 50 columns wide.")
    assert not unpacked.opened_by_openpyxl


def test_one_cell_in_the_last_column_is_refused_as_a_row_that_wide(unpacked):
    refused = refusal(workbook([header_row(), '<row r="2"><c r="XFD2"><v>1</v></c></row>']))
    assert refused.code == "too_many_columns"
    assert refused.messages[0].startswith("Row 2 has more than 50 columns.")
    assert not unpacked.opened_by_openpyxl


def test_more_shared_texts_than_the_cells_an_import_reads_are_refused(settings, unpacked):
    settings.IMPORT_MAX_ROWS = 3  # 3 rows of 50 columns: 150 texts at most
    check_unpacked_xlsx(workbook([header_row()], [("<si><t>x</t></si>", 150)]))
    refused = refusal(workbook([header_row()], [("<si><t>x</t></si>", 151)]))
    assert refused.code == "too_many_texts"
    assert refused.messages[0].startswith("The workbook holds more different texts than an import of 3 rows can use.")
    assert not unpacked.opened_by_openpyxl


def test_a_workbook_bloated_with_formats_is_refused_before_openpyxl_reads_each(unpacked):
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs>' + "<xf/>" * MAX_OTHER_ELEMENTS + "</cellXfs></styleSheet>"
    refused = refusal(workbook([header_row()], extra={"xl/styles.xml": styles}))
    assert refused.code == "too_many_settings"
    assert "Copy the cells into a new workbook (paste values only)" in refused.messages[0]
    assert not unpacked.opened_by_openpyxl


@pytest.mark.parametrize(
    "rows",
    [
        [header_row(), '<row r="3"><c><v>1</v></c></row>', '<row r="2"><c><v>1</v></c></row>'],  # out of order
        [header_row(), '<row r="2"><c r="A2A"><v>1</v></c></row>'],  # no cell's name
    ],
)
def test_a_sheet_openpyxl_would_misread_is_not_a_workbook(rows, unpacked):
    assert refusal(workbook(rows)).code == "not_xlsx"
    assert not unpacked.opened_by_openpyxl


def test_a_part_with_a_dtd_is_not_a_workbook(unpacked):
    entities = '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]>'
    content = workbook([header_row()])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for part in source.infolist():
            text = source.read(part)
            archive.writestr(part, entities.encode() + text if part.filename == "xl/sharedStrings.xml" else text)
    assert refusal(buffer.getvalue()).code == "not_xlsx"


def test_a_workbook_at_every_limit_is_read(settings):
    settings.IMPORT_MAX_ROWS = 20
    headers = [f"h{n}" for n in range(1, 51)]
    rows = [headers, *[["x" * 10_000 if n == 1 else n for n in range(1, 51)] for _ in range(19)]]
    content = xlsx_upload(rows).read()
    check_unpacked_xlsx(content)
    data = read_spreadsheet(content, "xlsx")
    assert len(data) == 19 and len(data.headers) == 51 and data[0][0] == "x" * 10_000


def test_a_row_past_the_last_an_import_reads_is_not_read_further(settings, unpacked):
    settings.IMPORT_MAX_ROWS = 3
    wide = "<c><v>1</v></c>" * 60
    check_unpacked_xlsx(workbook([header_row(), f'<row r="5">{wide}</row>']))  # openpyxl stops before row 5
    with pytest.raises(ValidationError) as refused:
        check_unpacked_xlsx(workbook([header_row(), f'<row r="4">{wide}</row>']))
    assert refused.value.code == "too_many_columns"


# --- CSV: the same limits -------------------------------------------------------------------------------------


def test_a_csv_line_of_a_million_commas_is_refused_before_it_is_split(monkeypatch):
    split = []
    monkeypatch.setattr(spreadsheets, "read_csv_cell", lambda value: split.append(value) or value)
    text = "email,display_name\n" + "," * (2 * MB) + "\n"
    with pytest.raises(ValidationError) as refused:
        read_spreadsheet(text.encode(), "csv")
    assert refused.value.code == "row_too_long"
    assert refused.value.messages == ["Row 2 is longer than an import reads (at most 50 columns of at most 10000 "
                                      "characters each). Shorten it, save the file, and import it again."]  # fmt: skip
    assert len(split) == 2, "the long record was split into cells"


def test_a_csv_record_built_of_quoted_line_breaks_is_refused_as_it_grows():
    piece = "," * 50_000 + '"\n"'
    with pytest.raises(ValidationError) as refused:
        read_spreadsheet(("email\n" + piece * 40).encode(), "csv")
    assert refused.value.code == "row_too_long"


@pytest.mark.parametrize(
    ("line", "code", "message"),
    [
        ("," * 50, "too_many_columns", "Row 2 has more than 50 columns."),
        ("a@b.test," + "x" * 10_001, "cell_too_long", "Cell B2 holds more than 10000 characters."),
        ("a@b.test," + "x" * 200_000, "cell_too_long", "A cell of the file holds more than 10000 characters."),
    ],
)
def test_a_csv_row_past_a_limit_is_refused_in_words(line, code, message):
    with pytest.raises(ValidationError) as refused:
        read_spreadsheet(f"email,display_name\n{line}\n".encode(), "csv")
    assert refused.value.code == code
    assert refused.value.messages[0].startswith(message)


def test_a_csv_at_the_limits_is_read():
    line = ",".join(["x" * 10_000, *["1"] * 49])
    data = read_spreadsheet((",".join(f"h{n}" for n in range(50)) + "\n" + line + "\n").encode(), "csv")
    assert len(data[0]) == 51 and data[0][0] == "x" * 10_000


# --- every import page, and its confirm step ---------------------------------------------------------------------


@pytest.fixture
def cohort(institution):
    return CohortFactory(institution=institution, code="A-1")


@pytest.mark.parametrize(
    ("page", "field", "who"),
    [(TRAINEES, "import_file", "alice"), (ENROLMENTS, "import_file", "alice"), (QUESTIONS, "file", "office")],
)
def test_every_import_refuses_the_probes_and_writes_nothing(
    request, cohort, probes, unpacked, own_temp_folder, page, field, who
):
    client: Client = request.getfixturevalue(who)
    counts = (User.objects.count(), Enrolment.objects.count(), Question.objects.count())
    for probe in probes.values():
        response = client.post(page, {field: SimpleUploadedFile("file.xlsx", probe), "format": "1", "resource": "0"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "The file unpacks to more than 50 MB" in html or "compressed far more tightly" in html
    assert (User.objects.count(), Enrolment.objects.count(), Question.objects.count()) == counts
    assert unpacked.bytes < 3 * A_FEW_PIECES and not unpacked.opened_by_openpyxl
    assert not [path for path in own_temp_folder.rglob("*") if path.is_file()]


def test_the_confirm_steps_reader_checks_the_file_again(probes, unpacked):
    """The confirm step reads the stored upload with read_spreadsheet, not through the form's checks."""
    for probe in probes.values():
        with pytest.raises(ValidationError):
            read_spreadsheet(probe, "xlsx")
    assert not unpacked.opened_by_openpyxl


# --- a refused row is echoed cut short ---------------------------------------------------------------------------


def test_a_refused_rows_long_cell_is_echoed_cut_short(alice):
    long_value = "n" * 9_000 + "@"  # within the cell limit; not an e-mail address
    response = alice.post(TRAINEES, {"import_file": csv_upload([",".join(HEADER), f"{long_value},Ann,en"]),
                                     "format": "0", "resource": "0"})  # fmt: skip
    html = response.content.decode()
    assert "confirm_form" not in response.context
    assert response.context["result"].row_problems[0].row == 2
    assert "n" * 79 + "…" in html
    assert "n" * 400 not in html
    assert len(response.content) < 100_000


def test_a_csv_row_past_a_limit_is_refused_on_the_import_page(alice, own_temp_folder):
    people = User.objects.count()
    response = alice.post(TRAINEES, {"import_file": csv_upload([",".join(HEADER), "a@b.test,Ann,en" + "," * 60]),
                                     "format": "0", "resource": "0"})  # fmt: skip
    assert "confirm_form" not in response.context
    assert "Row 2 has more than 50 columns. Delete the columns after the last one with a header" in (
        response.content.decode()
    )
    assert User.objects.count() == people


def test_one_long_text_in_every_cell_is_refused_once_the_text_passes_the_unpacked_limit(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 100_000
    rows = ["email,display_name", *[f"a{n}@b.test,{'x' * 5_000}" for n in range(30)]]
    with pytest.raises(ValidationError) as refused:
        read_spreadsheet("\n".join(rows).encode(), "csv")
    assert refused.value.code == "too_big_unpacked"
