"""Every CSV and XLSX the portal writes goes through here: one rule for cells a spreadsheet would
run as a formula (issue 15).

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets when the file is opened — a trainee who signs up as
``=HYPERLINK("http://x","y")`` would otherwise become a live link in the institution's export.

* XLSX: every text is written as a string cell (never a formula), with the quote-prefix style on a
  cell that begins with a trigger, so the visible text is exactly what was stored and stays text
  when someone edits the cell. What XML cannot carry is replaced: a control character becomes
  U+FFFD (as IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT does) and a carriage return a line feed
  (XML reads every line end as one).
* CSV is plain text, so the OWASP rule: a cell that begins with a trigger, or with the quote
  itself, gets one leading ``'``. Removing that one quote gives the stored text back
  (:func:`read_csv_cell`, which our own imports apply).

Django-import-export's own setting (IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT) only drops a leading
``=`` — it changes the text and misses the other triggers — so its admins export through
:data:`EXPORT_FORMATS` here instead. tests/security/test_formula_injection.py walks every admin
export and fails on a writer of CSV or XLSX outside this module.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import tablib
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.text import capfirst
from import_export import fields
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

#: What a CSV file the portal hands out begins with: the byte order mark, without which Excel reads UTF-8 as
#: the machine's code page (Big5 on a Taiwanese Windows) and garbles every Chinese name. Our imports read it.
CSV_FILE_START = "\N{BYTE ORDER MARK}"

#: An XLSX column's width, in widths of a digit (Excel's unit): its widest cell's text and a margin, at least
#: :data:`MIN_COLUMN_WIDTH` and at most :data:`MAX_COLUMN_WIDTH` (30 Chinese characters or 60 letters; a longer
#: text is cut off at the column's edge, the sheet stays readable).
COLUMN_MARGIN = 2
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60

# What XML 1.0 cannot hold (control characters but tab and line ends, surrogates, U+FFFE/U+FFFF).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read this text, typed into a cell, as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: a text that begins with a trigger or a quote gets one leading quote."""
    if isinstance(value, str) and value.startswith((*FORMULA_TRIGGERS, TEXT_PREFIX)):
        return TEXT_PREFIX + value
    return value


def read_csv_cell(value: Any) -> Any:
    """The inverse of :func:`csv_cell`, for imports of a CSV this portal may have written."""
    if (
        isinstance(value, str)
        and value.startswith(TEXT_PREFIX)
        and value[1:].startswith((*FORMULA_TRIGGERS, TEXT_PREFIX))
    ):
        return value[1:]
    return value


def xlsx_text(text: str) -> str:
    """What an XLSX string cell holds of ``text``: XML's characters, line ends as line feeds."""
    return _NOT_IN_XML.sub("\N{REPLACEMENT CHARACTER}", text.replace("\r\n", "\n").replace("\r", "\n"))


def display_width(text: str) -> int:
    """How many digit widths ``text`` takes in a spreadsheet's cell: a wide or full-width character (Chinese,
    Japanese, Korean, full-width forms: East Asian width W or F) two, a combining mark none, any other one."""
    return sum(
        2 if unicodedata.east_asian_width(char) in ("W", "F") else 0 if unicodedata.combining(char) else 1
        for char in text
    )


def column_width(values: Iterable[Any]) -> int:
    """The width of a column holding ``values`` (None for an empty cell): its widest text, by :func:`display_width`,
    with the margin, within the bounds."""
    widest = max((display_width(str(value)) for value in values if value is not None), default=0)
    return min(max(widest + COLUMN_MARGIN, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)


def _rows(dataset: tablib.Dataset) -> Iterable[Sequence[Any]]:
    if dataset.headers:
        yield [str(header) for header in dataset.headers]
    yield from (tuple(row) for row in dataset)


def write_csv(dataset: tablib.Dataset) -> str:
    """The dataset (header row first) as CSV text, every cell through :func:`csv_cell`."""
    stream = io.StringIO()
    writer = csv.writer(stream)
    for row in _rows(dataset):
        writer.writerow([csv_cell(value) for value in row])
    return stream.getvalue()


def write_xlsx(dataset: tablib.Dataset, *, text_columns: bool = False) -> bytes:
    """The dataset as an XLSX workbook of one sheet: a bold, frozen header row, no formula cells.

    ``text_columns``: every column of the sheet is formatted as text, so that what someone types into it stays
    text (an import's template: Excel turns ``1-5`` into a date and ``007`` into 7 in a column of the General
    format).
    """
    book = Workbook()
    sheet = book.active
    bold = Font(bold=True)
    for row_number, row in enumerate(_rows(dataset), start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            if isinstance(value, str):
                text = xlsx_text(value)
                cell.value = text
                cell.data_type = "s"  # openpyxl guesses "f" for a text that begins with "="
                if starts_formula(text):
                    cell.quotePrefix = True  # stays text when someone edits the cell
            elif value is not None:
                try:
                    cell.value = value
                except ValueError:  # a type openpyxl cannot store (an aware datetime): its text
                    cell.value = xlsx_text(str(value))
                    cell.data_type = "s"
            if row_number == 1 and dataset.headers:
                cell.font = bold
    if dataset.headers:
        sheet.freeze_panes = "A2"
    for column, cells in enumerate(sheet.iter_cols(values_only=True), start=1):
        dimension = sheet.column_dimensions[get_column_letter(column)]
        dimension.width = column_width(cells)
        if text_columns:
            dimension.number_format = "@"  # Excel's Text
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


class CsvRecordTooLong(ValueError):
    """A CSV record (``row``: its number, from 1) longer than :func:`csv_records` was told to read, or (``cell``)
    with a cell longer than the csv module reads."""

    def __init__(self, row: int, *, cell: bool = False) -> None:
        super().__init__(f"CSV record {row} is too long")
        self.row = row
        self.cell = cell


def csv_records(text: str, *, longest: int | None = None) -> Iterator[list[Any]]:
    """A CSV's records, each what a spreadsheet shows as one row (a blank line too, as an empty list), every cell
    through :func:`read_csv_cell`. A quoted cell may hold line breaks: a record is a row, not a line.

    ``longest``: the most characters a record may take, quotes and commas included. The csv module splits a whole
    record before anyone sees it (a 5 MB line of commas is five million cells), so a longer record raises
    :class:`CsvRecordTooLong` as its lines are read, before it is split (accounts.imports.reader)."""
    row, taken = 1, 0

    def lines() -> Iterator[str]:
        nonlocal taken
        for line in io.StringIO(text, newline=""):
            taken += len(line)
            if longest is not None and taken > longest:
                raise CsvRecordTooLong(row)
            yield line

    try:
        for record in csv.reader(lines()):
            yield [read_csv_cell(value) for value in record]
            row, taken = row + 1, 0
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # a cell of more than 128 KB
            raise CsvRecordTooLong(row, cell=True) from error
        raise


def xlsx_records(content: bytes) -> Iterator[tuple[Any, ...]]:
    """The rows of a workbook's active sheet from row 1, an empty row included (openpyxl fills the rows the file
    leaves out), so that the n-th is the sheet's row n; a formula cell by its value, a date cell as a datetime."""
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        yield from book.active.iter_rows(values_only=True)
    finally:
        book.close()


def write(dataset: tablib.Dataset, fmt: str, *, text_columns: bool = False) -> str | bytes:
    if fmt == "csv":
        return CSV_FILE_START + write_csv(dataset)
    if fmt == "xlsx":
        return write_xlsx(dataset, text_columns=text_columns)
    raise ValueError(f"no safe writer for {fmt!r}")


def spreadsheet_response(
    dataset: tablib.Dataset, fmt: str, filename: str, *, text_columns: bool = False
) -> HttpResponse:
    """An attachment ``<filename>.<fmt>`` of the dataset, for an export django-import-export does not make
    (``text_columns``: see :func:`write_xlsx`)."""
    response = HttpResponse(write(dataset, fmt, text_columns=text_columns), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# --- django-import-export ------------------------------------------------------------------------


class SafeCSV(base_formats.CSV):  # type: ignore[misc]
    """import-export's CSV (its import unchanged), exported through :func:`write_csv`."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        return CSV_FILE_START + write_csv(dataset)


class SafeXLSX(base_formats.XLSX):  # type: ignore[misc]
    """import-export's XLSX (its import unchanged), exported through :func:`write_xlsx`."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        return write_xlsx(dataset)


#: What every ImportExportMixin/ExportMixin admin offers as ``export_formats``.
EXPORT_FORMATS = [SafeCSV, SafeXLSX]


def _verbose_name(model: Any, path: str) -> str:
    """The verbose name of the field ``path`` reaches (``user__email``), in the active language; "" if none."""
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return ""
        model = getattr(field, "related_model", None) or model
    return str(getattr(field, "verbose_name", "") or "")


class LabelledExportForm(SelectableFieldsExportForm):  # type: ignore[misc]
    """import-export's export form, each column named in the reader's language and by its header in the file.

    import-export labels a column by its attribute name in English title case ("Employee Number"); ours
    read "員工編號 (employee_number)": the field's translated verbose name, then the file's header.
    """

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        return column_label(resource._meta.model, resource.fields.get(field_name), field_name)


class Column(fields.Field):  # type: ignore[misc]
    """A resource column whose name for people is ``label`` rather than the verbose name of the field it reaches
    (the employer column reaches ``Employer.code``, "code", but holds the employer's code)."""

    def __init__(self, *args: Any, label: str | Promise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label = label


def column_label(model: Any, field: Any, field_name: str) -> str:
    """A resource column for people: "員工編號 (employee_number)", its translated name, then its header."""
    column = field.column_name if field is not None and field.column_name else field_name
    label = getattr(field, "label", None)
    if label:
        return f"{capfirst(str(label))} ({column})"
    attribute = field.attribute if field is not None and field.attribute else field_name
    return header_label(model, attribute, column)


def header_label(model: Any, attribute: str, header: str) -> str:
    """A file's column for people: the translated name of the field ``attribute`` reaches, then ``header``
    ("員工編號 (employee_number)"); the header alone where the model has no such field."""
    name = _verbose_name(model, attribute)
    return f"{capfirst(name)} ({header})" if name else header
