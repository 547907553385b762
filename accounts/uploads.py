"""Checks on uploaded spreadsheets (the trainee, enrolment and question imports).

A file is accepted when its name ends in .csv or .xlsx, it is no bigger than
``IMPORT_MAX_UPLOAD_BYTES``, and its content is what the name says: an XLSX is a zip with a
workbook inside; a CSV is text (UTF-8 or Big5/cp950, as Excel in Taiwan saves it), with no
NUL byte. A renamed binary or a spreadsheet in another format is refused before it is parsed.

An XLSX is small on disk and may be huge unpacked: 300 KB held one 300-million-character text, or a row of three
million cells, which openpyxl built in memory (2 GB and a minute and a half for one request). So before openpyxl
reads a byte, :func:`check_unpacked_xlsx` unpacks every part of the zip in small pieces, counting what it unpacks
(the sizes the zip declares are checked first, and not trusted), and streams the XML through expat without
building it. It refuses a file that unpacks to more than ``IMPORT_MAX_UNPACKED_BYTES``, a part compressed more
than ``IMPORT_MAX_COMPRESSION_RATIO`` to one, a sheet or row wider than ``IMPORT_MAX_COLUMNS``, a cell (or shared
text) longer than ``IMPORT_MAX_CELL_CHARS``, more shared texts than an import's rows can hold, and a workbook
bloated with formats and settings openpyxl would read one by one, each at the first piece that exceeds it.
The reader checks the rows it reads against the same limits (accounts.imports.reader), a CSV's too.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Any, NoReturn
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 64 * 1024


def _head(upload: UploadedFile, size: int) -> bytes:
    upload.seek(0)
    head: bytes = upload.read(size)
    upload.seek(0)
    return head


def _looks_like_xlsx(upload: UploadedFile) -> bool:
    if not _head(upload, 4).startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _looks_like_csv(upload: UploadedFile) -> bool:
    head = _head(upload, SNIFF_BYTES)
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp950"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as error:
            # The sample may end inside a multi-byte character.
            if error.start < len(head) - 4:
                continue
            text = head[: error.start].decode(encoding)
        return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)
    return False


NOT_XLSX_MESSAGE = _("This file is not an XLSX workbook, whatever its name says.")

#: A part unpacked to less than this is never refused for its compression ratio: it does no harm, however tight.
RATIO_FLOOR_BYTES = 1024 * 1024
#: How much of a part is unpacked (and fed to expat) at a time.
CHUNK_BYTES = 64 * 1024
#: The elements a workbook may hold besides its rows and shared texts (formats, names, relationships, a sheet's
#: settings): Excel's own new workbook holds about a thousand; openpyxl reads each one (0.1 to 0.3 ms), and 16,000
#: cell formats (8 KB zipped) held a worker for 4 seconds.
MAX_OTHER_ELEMENTS = 20_000

_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")


@dataclass(frozen=True)
class ImportLimits:
    """What an import reads at most (config.settings ``IMPORT_MAX_*``): of an XLSX before openpyxl reads it
    (:func:`check_unpacked_xlsx`), of every row the reader reads (accounts.imports.reader)."""

    rows: int
    columns: int
    cell_chars: int
    unpacked_bytes: int
    compression_ratio: int

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
            compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
        )

    @property
    def texts(self) -> int:
        """The shared texts a workbook may hold: one for each cell an import reads at most."""
        return self.rows * self.columns

    # The refusals, each saying which limit the file exceeds and what to do.

    def too_big_unpacked(self) -> ValidationError:
        return ValidationError(
            _(
                "The file unpacks to more than %(mb)s MB, more than an import of %(rows)s rows needs. Keep only the "
                "sheet and the rows to import, save the file, and import it again."
            ),
            code="too_big_unpacked",
            params={"mb": self.unpacked_bytes // (1024 * 1024), "rows": self.rows},
        )

    def too_tightly_packed(self) -> ValidationError:
        return ValidationError(
            _(
                "The file is compressed far more tightly than a spreadsheet is (a part of it unpacks to more than "
                "%(ratio)s times its size). Open it in Excel, save it as a new XLSX file, and import that file."
            ),
            code="too_tightly_packed",
            params={"ratio": self.compression_ratio},
        )

    def too_many_columns(self, row: int) -> ValidationError:
        return ValidationError(
            _(
                "Row %(row)s has more than %(most)s columns. Delete the columns after the last one with a header "
                "(their formatting too), save the file, and import it again."
            ),
            code="too_many_columns",
            params={"row": row, "most": self.columns},
        )

    def sheet_too_wide(self) -> ValidationError:
        return ValidationError(
            _(
                "The sheet is more than %(most)s columns wide. Delete the columns after the last one with a header "
                "(their formatting too), save the file, and import it again."
            ),
            code="too_many_columns",
            params={"most": self.columns},
        )

    def cell_too_long(self, cell: str | None = None) -> ValidationError:
        if cell is None:
            message = _(
                "A cell of the file holds more than %(most)s characters. Shorten it, save the file, and import it "
                "again."
            )
        else:
            message = _(
                "Cell %(cell)s holds more than %(most)s characters. Shorten it, save the file, and import it again."
            )
        return ValidationError(message, code="cell_too_long", params={"cell": cell, "most": self.cell_chars})

    def row_too_long(self, row: int) -> ValidationError:
        return ValidationError(
            _(
                "Row %(row)s is longer than an import reads (at most %(columns)s columns of at most %(chars)s "
                "characters each). Shorten it, save the file, and import it again."
            ),
            code="row_too_long",
            params={"row": row, "columns": self.columns, "chars": self.cell_chars},
        )

    def too_many_texts(self) -> ValidationError:
        return ValidationError(
            _(
                "The workbook holds more different texts than an import of %(rows)s rows can use. Keep only the sheet "
                "and the rows to import, save the file, and import it again."
            ),
            code="too_many_texts",
            params={"rows": self.rows},
        )

    def too_many_settings(self) -> ValidationError:
        return ValidationError(
            _(
                "Besides its cells, the workbook holds more than %(most)s formats and other settings, far more than a "
                "file to import needs. Copy the cells into a new workbook (paste values only), save it, and import "
                "that file."
            ),
            code="too_many_settings",
            params={"most": MAX_OTHER_ELEMENTS},
        )


def cell_name(column: int, row: int) -> str:
    """A cell as a spreadsheet names it: column 28 of row 3 is "AB3"."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def column_number(letters: str) -> int:
    """The number of a column named by its letters: "AB" is 28."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _Enough(Exception):
    """Raised from an expat handler to stop reading a part's XML (its bytes are still counted)."""


def _not_xlsx() -> NoReturn:
    raise ValidationError(NOT_XLSX_MESSAGE, code="not_xlsx")


class _Tally:
    """What the parts of one workbook hold together."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.unpacked = 0
        self.others = 0
        self.texts = 0

    def other(self) -> None:
        self.others += 1
        if self.others > MAX_OTHER_ELEMENTS:
            raise self.limits.too_many_settings()


class _PartScan:
    """One part of a workbook, fed to expat as it unpacks, nothing built: a worksheet (``<worksheet>``) is read
    row by row up to the row after the last an import reads, each row's cells counted and each cell's text
    measured; a shared-strings part (``<sst>``) text by text; any other XML part element by element. A part
    that is not XML (a picture) is only counted in bytes. The part's root says what it is, not its name: a
    workbook may name its sheet anything."""

    def __init__(self, tally: _Tally) -> None:
        self.tally = tally
        self.limits = tally.limits
        self.kind = ""  # "sheet", "strings" or "other", from the root element
        self.reading = True
        self.in_data = False  # inside a sheet's <sheetData>
        self.row = 0
        self.cells = 0
        self.column = 0
        self.reference = ""
        self.depth = -1  # inside a cell (sheet) or a text (<si>): how deep below it; -1 outside
        self.chars = 0
        self.elements = 0  # the elements in a cell or a text (rich text runs, formats), held to the same limit
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text

    def feed(self, data: bytes, *, final: bool = False) -> None:
        if not self.reading:
            return
        try:
            self.parser.Parse(data, final)
        except _Enough:
            self.reading = False
        except expat.ExpatError:
            if self.kind in ("sheet", "strings"):
                _not_xlsx()  # openpyxl would fail on it as well
            self.reading = False  # not XML, or not a part openpyxl reads as such

    def _doctype(self, *args: Any) -> None:
        _not_xlsx()  # no workbook part has a DTD (nor its entities)

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if self.depth >= 0:  # inside a cell or a text
            self.depth += 1
            if self.depth == 1 and self.in_data:
                self.chars = 0  # a cell's value, formula and text are each measured
            self.elements += 1
            if self.elements > self.limits.cell_chars:
                raise self.limits.cell_too_long(self.reference if self.kind == "sheet" else None)
            return
        tag = name.rpartition(":")[2]  # "x:c" as "c": openpyxl reads the element by its namespace, not its prefix
        if self.in_data:
            if tag == "c":
                self._cell(attributes.get("r"))
            elif tag == "row":
                self._row(attributes.get("r"))
            else:
                self.tally.other()
        elif not self.kind:
            self.kind = {"worksheet": "sheet", "sst": "strings"}.get(tag, "other")
            self.tally.other()
        elif self.kind == "sheet" and tag == "sheetData":
            self.in_data = True
        elif self.kind == "sheet" and tag == "dimension":
            if self._last_column(attributes.get("ref", "")) > self.limits.columns:
                raise self.limits.sheet_too_wide()
        elif self.kind == "strings" and tag == "si":
            self.tally.texts += 1
            if self.tally.texts > self.limits.texts:
                raise self.limits.too_many_texts()
            self.depth, self.chars, self.elements = 0, 0, 0
        else:
            self.tally.other()

    def _row(self, number: str | None) -> None:
        row = int(number) if number and number.isdigit() else self.row + 1
        if row <= self.row:
            _not_xlsx()  # rows out of order: openpyxl would read on without stopping at the last row
        if row > self.limits.rows + 1:
            raise _Enough  # the reader stops before this row (IMPORT_MAX_ROWS)
        self.row, self.cells, self.column = row, 0, 0

    def _cell(self, reference: str | None) -> None:
        self.cells += 1
        if reference is None:
            self.column += 1
        else:
            found = _CELL_REFERENCE.fullmatch(reference)
            if found is None:
                _not_xlsx()  # openpyxl would fail on it as well
            self.column = column_number(found[1])
        if self.cells > self.limits.columns or self.column > self.limits.columns:
            raise self.limits.too_many_columns(self.row)
        self.reference = reference or cell_name(self.column, self.row)
        self.depth, self.chars, self.elements = 0, 0, 0

    def _end(self, name: str) -> None:
        if self.depth >= 0:
            self.depth -= 1
        elif self.in_data and name.rpartition(":")[2] == "sheetData":
            self.in_data = False

    def _text(self, data: str) -> None:
        if self.depth >= 1:  # a cell's value, formula or text; a shared text's
            self._add_chars(len(data))

    def _add_chars(self, count: int) -> None:
        self.chars += count
        if self.chars > self.limits.cell_chars:
            raise self.limits.cell_too_long(self.reference if self.kind == "sheet" else None)

    @staticmethod
    def _last_column(reference: str) -> int:
        """The last column of a sheet's ``<dimension ref="A1:H20">``, to which openpyxl widens every row it reads."""
        found = _CELL_REFERENCE.fullmatch(reference.rpartition(":")[2])
        return 0 if found is None else column_number(found[1])


def check_unpacked_xlsx(source: bytes | IO[bytes] | UploadedFile, limits: ImportLimits | None = None) -> None:
    """Refuse (ValidationError) a workbook that unpacks to more than an import reads, before openpyxl reads it.

    First the sizes the zip declares: their sum, and each part's ratio to its compressed size. Then every part
    is unpacked :data:`CHUNK_BYTES` at a time and counted as it comes (a zip may lie about its sizes), its XML
    streamed through expat (:class:`_PartScan`); the first piece over a limit stops it. A file that is no zip,
    or a broken one, is refused as not an XLSX workbook."""
    limits = limits or ImportLimits.from_settings()
    stream: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    stream.seek(0)
    tally = _Tally(limits)
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = [part for part in archive.infolist() if not part.is_dir()]
            if sum(part.file_size for part in parts) > limits.unpacked_bytes:
                raise limits.too_big_unpacked()
            for part in parts:
                if part.file_size > max(RATIO_FLOOR_BYTES, limits.compression_ratio * part.compress_size):
                    raise limits.too_tightly_packed()
            for part in parts:
                _scan_part(archive, part, tally)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError, ValueError):
        _not_xlsx()  # broken, encrypted, or packed in a way no spreadsheet is
    finally:
        stream.seek(0)


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, tally: _Tally) -> None:
    limits = tally.limits
    scan = _PartScan(tally)
    with archive.open(part) as unpacking:
        while chunk := unpacking.read(CHUNK_BYTES):
            tally.unpacked += len(chunk)
            if tally.unpacked > limits.unpacked_bytes:
                raise limits.too_big_unpacked()
            scan.feed(chunk)
    scan.feed(b"", final=True)


#: For a file of no bytes; Django's own words read, in Chinese, as if no file had been chosen.
EMPTY_FILE_MESSAGE = _("The file is empty: it holds not even a header row. Choose the file again, or save it anew.")


def validate_tabular_upload(upload: UploadedFile) -> str:
    """Return ``"csv"`` or ``"xlsx"``; raise ValidationError with a message for the person."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Split it and import the parts.") % {"mb": limit // (1024 * 1024)},
            code="too_big",
        )
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        if not _looks_like_xlsx(upload):
            raise ValidationError(NOT_XLSX_MESSAGE, code="not_xlsx")
        check_unpacked_xlsx(upload)  # its size unpacked, its rows and cells, before openpyxl reads it
        return "xlsx"
    if name.endswith(".csv"):
        if not _looks_like_csv(upload):
            raise ValidationError(
                _("This file is not a CSV text file (UTF-8 or Big5), whatever its name says."), code="not_csv"
            )
        return "csv"
    raise ValidationError(_("Only CSV and XLSX files can be imported."), code="bad_type")
