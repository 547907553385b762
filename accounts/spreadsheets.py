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
from collections.abc import Iterable, Sequence
from typing import Any

import tablib
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponse
from django.utils.text import capfirst
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

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


def write_xlsx(dataset: tablib.Dataset) -> bytes:
    """The dataset as an XLSX workbook of one sheet: a bold, frozen header row, no formula cells."""
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
        longest = max((len(str(value)) for value in cells if value is not None), default=0)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(longest + 2, 8), 60)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def read_csv(text: str) -> tablib.Dataset:
    """A CSV (header row first) as a dataset, each cell through :func:`read_csv_cell`."""
    loaded = tablib.Dataset().load(text, format="csv")
    dataset = tablib.Dataset(headers=[read_csv_cell(h) for h in loaded.headers] if loaded.headers else None)
    for row in loaded:
        dataset.append([read_csv_cell(value) for value in row])
    return dataset


def write(dataset: tablib.Dataset, fmt: str) -> str | bytes:
    if fmt == "csv":
        return write_csv(dataset)
    if fmt == "xlsx":
        return write_xlsx(dataset)
    raise ValueError(f"no safe writer for {fmt!r}")


def spreadsheet_response(dataset: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """An attachment ``<filename>.<fmt>`` of the dataset, for an export django-import-export does not make."""
    response = HttpResponse(write(dataset, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# --- django-import-export ------------------------------------------------------------------------


class SafeCSV(base_formats.CSV):
    """import-export's CSV (its import unchanged), exported through :func:`write_csv`."""

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> str:
        return write_csv(dataset)


class SafeXLSX(base_formats.XLSX):
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


class LabelledExportForm(SelectableFieldsExportForm):
    """import-export's export form, each column named in the reader's language and by its header in the file.

    import-export labels a column by its attribute name in English title case ("Employee Number"); ours
    read "員工編號 (employee_number)": the field's translated verbose name, then the file's header.
    """

    def _get_field_label(self, resource: Any, field_name: str) -> str:
        return column_label(resource._meta.model, resource.fields.get(field_name), field_name)


def column_label(model: Any, field: Any, field_name: str) -> str:
    """A resource column for people: "員工編號 (employee_number)", its translated name, then its header."""
    column = field.column_name if field is not None and field.column_name else field_name
    attribute = field.attribute if field is not None and field.attribute else field_name
    return header_label(model, attribute, column)


def header_label(model: Any, attribute: str, header: str) -> str:
    """A file's column for people: the translated name of the field ``attribute`` reaches, then ``header``
    ("員工編號 (employee_number)"); the header alone where the model has no such field."""
    name = _verbose_name(model, attribute)
    return f"{capfirst(name)} ({header})" if name else header
