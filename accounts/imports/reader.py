"""The reader of every import (trainees, enrolments, questions): an uploaded CSV or XLSX as a dataset.

Blank rows are skipped; every other row keeps the number the spreadsheet shows at its left (:data:`ROW_NUMBER`),
so that a refused row is named as staff find it in their file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.forms import ImportForm

from .. import spreadsheets
from ..uploads import EMPTY_FILE_MESSAGE, ImportLimits, cell_name, check_unpacked_xlsx, validate_tabular_upload

#: The column :func:`read_spreadsheet` adds to every row: the number the spreadsheet shows at the row's left.
ROW_NUMBER = "_row"


def spreadsheet_row(data_row: int) -> int:
    """The number a spreadsheet shows for the ``data_row``-th data row (from 1) of a file without blank rows:
    the header is row 1. For a dataset :func:`read_spreadsheet` did not read (see :func:`row_number`)."""
    return data_row + 1


def row_number(row: dict[str, Any], data_row: int) -> int:
    """The number the spreadsheet shows at the left of ``row``, the ``data_row``-th data row (from 1) of its
    dataset: as :func:`read_spreadsheet` read it (blank rows skipped keep their numbers), else counted.

    django-import-export counts data rows; staff look a row up by the number at the sheet's left.
    """
    number = row.get(ROW_NUMBER)
    return number if isinstance(number, int) else spreadsheet_row(data_row)


def csv_text(raw: bytes) -> str:
    """A CSV file's text: UTF-8 (a byte-order mark dropped) or else Big5 (cp950), as Excel in Taiwan saves it
    (accounts.uploads accepts both)."""
    for encoding in ("utf-8-sig", "cp950"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("This file is not a CSV text file (UTF-8 or Big5), whatever its name says."), code="not_csv"
    )


def read_spreadsheet(content: bytes | str, kind: str) -> tablib.Dataset:
    """An uploaded file as a dataset, header row first; the reader of every import (trainees, enrolments, questions).

    ``kind``: "csv" or "xlsx", as accounts.uploads found the file to be. A CSV is read as :func:`csv_text`
    (:func:`csv_records`) and a quote our own export put before a formula-like cell comes off
    (accounts.spreadsheets.read_csv_cell), so that an exported file imports as it was; an XLSX is read from its
    active sheet, a formula cell by its value, a date cell as a datetime, once accounts.uploads.check_unpacked_xlsx
    found it no bigger unpacked than an import reads. Either way (:func:`numbered_dataset`) a blank row is no row,
    the first row that is not blank is the header, and every row keeps the number the spreadsheet shows, in the
    column :data:`ROW_NUMBER`. Raises ``ValidationError`` for a CSV in neither encoding, cells beyond the header,
    a file beyond the limits of accounts.uploads.ImportLimits, and what the parser raises for a broken file.
    """
    if kind == "xlsx":
        workbook = content if isinstance(content, bytes) else content.encode()
        check_unpacked_xlsx(workbook)  # the confirm step reads the file again; nothing else checked it then
        return numbered_dataset(spreadsheets.xlsx_records(workbook))
    return numbered_dataset(csv_records(content if isinstance(content, str) else csv_text(content)))


def csv_records(text: str, limits: ImportLimits | None = None) -> Iterator[list[Any]]:
    """A CSV's records (accounts.spreadsheets.csv_records), a record refused (``ValidationError``) as soon as its
    text passes what ``limits.columns`` cells of ``limits.cell_chars`` characters can take, each quoted with its
    quotes doubled, before the csv module splits it into cells."""
    limits = limits or ImportLimits.from_settings()
    try:
        yield from spreadsheets.csv_records(text, longest=limits.columns * (2 * limits.cell_chars + 3))
    except spreadsheets.CsvRecordTooLong as too_long:
        raise (limits.cell_too_long() if too_long.cell else limits.row_too_long(too_long.row)) from too_long


def is_blank(cells: Iterable[Any]) -> bool:
    """Whether a row holds nothing: every cell empty or spaces."""
    return all(cell is None or str(cell).strip() == "" for cell in cells)


def numbered_dataset(records: Iterable[Sequence[Any]]) -> tablib.Dataset:
    """The rows of a sheet (``records``: the n-th is its row n) as a dataset: the first row that is not blank is
    the header; a blank row is skipped and every other row ends with its number (:data:`ROW_NUMBER`). Staff
    leave a blank line between groups of people, and look a refused row up by the number at the sheet's left.

    A row shorter than the header is filled with empty cells; cells beyond the header that are not empty
    refuse the file (``ValidationError``): no column would say what they are. So does a sheet longer than
    ``IMPORT_MAX_ROWS``, before the rest is read: a 5 MB workbook can unpack to a million rows, which would
    hold a web worker for minutes, blank rows as much as full ones. And, at the first row that exceeds one, the
    limits of accounts.uploads.ImportLimits: a row wider than ``IMPORT_MAX_COLUMNS``, a cell longer than
    ``IMPORT_MAX_CELL_CHARS``, and more text in all than ``IMPORT_MAX_UNPACKED_BYTES`` (one long shared text in
    every cell of a workbook is small on disk).
    """
    dataset = tablib.Dataset()
    width: int | None = None
    limits = ImportLimits.from_settings()
    most = settings.IMPORT_MAX_ROWS
    text = 0
    for number, record in enumerate(records, start=1):
        if number > most:
            raise ValidationError(
                _("The file has more than %(most)s rows. Split it and import the parts."),
                code="too_many_rows",
                params={"most": most},
            )
        if len(record) > limits.columns:
            raise limits.too_many_columns(number)
        for column, cell in enumerate(record, start=1):
            if isinstance(cell, str):
                if len(cell) > limits.cell_chars:
                    raise limits.cell_too_long(cell_name(column, number))
                text += len(cell)
        if text > limits.unpacked_bytes:
            raise limits.too_big_unpacked()
        if is_blank(record):
            continue
        cells = list(record)
        if width is None:
            width = len(cells)
            dataset.headers = [*cells, ROW_NUMBER]
            continue
        if not is_blank(cells[width:]):
            raise ValidationError(
                _("Row %(row)s has cells beyond the last column with a header: give them a header or clear them."),
                code="cells_beyond_header",
                params={"row": number},
            )
        dataset.append([*cells[:width], *[""] * (width - len(cells)), number])
    return dataset


class SpreadsheetCSV(base_formats.CSV):  # type: ignore[misc]
    """import-export's CSV, read by :func:`read_spreadsheet` from the file's bytes (so that Big5 is read too)."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes | str, **kwargs: Any) -> tablib.Dataset:
        return read_spreadsheet(in_stream, "csv")


class SpreadsheetXLSX(base_formats.XLSX):  # type: ignore[misc]
    """import-export's XLSX, read by :func:`read_spreadsheet`."""

    def create_dataset(self, in_stream: bytes) -> tablib.Dataset:
        return read_spreadsheet(in_stream, "xlsx")


#: What every import admin offers (ConfirmOwnPreviewMixin.import_formats); TraineeImportForm picks by the file.
IMPORT_FORMATS = [SpreadsheetCSV, SpreadsheetXLSX]


class TraineeImportForm(ImportForm):  # type: ignore[misc]
    """import-export's import form; the format follows from the file (its name and content, checked by
    accounts.uploads), so that a workbook is never read as CSV text because the wrong format was chosen
    (import-export answered "'BadZipFile' encountered while trying to read file")."""

    def __init__(self, formats: Any, resources: Any, **kwargs: Any) -> None:
        super().__init__(formats, resources, **kwargs)
        self.fields["format"].required = False
        self.fields["import_file"].error_messages["empty"] = EMPTY_FILE_MESSAGE
        self._format_choice = {str(title): value for value, title in self.fields["format"].choices if value != ""}
        self._kind: str | None = None

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        self._kind = validate_tabular_upload(upload)  # size, name and content (accounts.uploads)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self._kind in self._format_choice:
            cleaned["format"] = self._format_choice[self._kind]
        return cleaned
