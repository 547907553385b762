"""What a refused import shows: each refused row as staff find it in their file (``row_errors.html`` in
``admin/import_export/``, which the trainee, enrolment and question imports share): its number as the spreadsheet
shows it (the header is row 1), what its cells hold and every message by column, in plain sight.

A page lists the first :data:`REFUSED_ROWS_SHOWN` refused rows of a file and says how many more were refused
(``more_refused.html``); it echoes a cell cut to :data:`ECHOED_CELL_CHARS` characters and a message to
:data:`ECHOED_MESSAGE_CHARS` (the filters of ``accounts.templatetags.import_echo``). A probe's refused row once
echoed a 30 MB cell in full, and a file of 10,000 refused rows (``IMPORT_MAX_ROWS``) of 50 columns
(``IMPORT_MAX_COLUMNS``) made a page of tens of MB with every cell cut short."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export.results import Result

from .reader import row_number, spreadsheet_row

#: The refused rows an import page lists: the first of the file. The page says how many more were refused; staff
#: fix these, import the file again and see the next ones.
REFUSED_ROWS_SHOWN = 200
#: The characters of a refused row's cell a page echoes, then "…".
ECHOED_CELL_CHARS = 80
#: The characters of a message a page shows (it may quote a cell of the file), then "…".
ECHOED_MESSAGE_CHARS = 300

Refused = TypeVar("Refused")


def first_refused(rows: Iterable[Refused]) -> tuple[list[Refused], int]:
    """The refused rows a page lists (the first :data:`REFUSED_ROWS_SHOWN`) and how many more there are, for
    ``row_errors.html`` (``problems`` and ``more``)."""
    each = iter(rows)
    shown = list(islice(each, REFUSED_ROWS_SHOWN))
    return shown, sum(1 for _row in each)


@dataclass(frozen=True)
class RowProblem:
    """A refused row as staff find it in their file, for ``admin/import_export/row_errors.html``.

    ``row``: its number in the spreadsheet (:func:`~.reader.row_number`); ``cells``: (header, label, value)
    as the file has them, the label as the page names the column ("員工編號 (employee_number)");
    ``errors``: (label, messages), "" for the row as a whole; ``wrong``: the headers of the cells in
    error, marked among the cells.
    """

    row: int
    cells: tuple[tuple[str, str, str], ...]
    errors: tuple[tuple[str, tuple[str, ...]], ...]
    wrong: frozenset[str] = frozenset()


def file_cells(row: dict[str, Any], labels: dict[str, str]) -> tuple[tuple[str, str, str], ...]:
    """A row's cells as (header, label, value), in the file's order (an empty cell as "", a header without a
    label as itself), without the keys the import adds to a row (``_…``)."""
    return tuple(
        (str(header), labels.get(str(header), str(header)), "" if value is None else str(value))
        for header, value in row.items()
        if header is not None and not str(header).startswith("_")
    )


class ImportResult(Result):  # type: ignore[misc]
    """import-export's result, whose refused rows are :class:`RowProblem` s (``row_problems``).

    import-export looks a refused row's values up by the preview's column heads, which are ours
    ("E-mail address (email)") rather than the file's headers, and showed "---" in every cell.

    Rows are numbered as the spreadsheet numbers them (:func:`~.reader.row_number`): ``invalid_rows``,
    ``error_rows`` and ``row_errors()`` alike, the header being row 1.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.column_labels: dict[str, str] = {}  # header -> the preview's column head (see name_columns)
        self._rows: dict[int, dict[str, Any]] = {}  # spreadsheet row -> the refused row
        self._numbers: dict[int, int] = {}  # data row (import-export's count, from 1) -> spreadsheet row
        self.welcomed = 0  # people the import created, each mailed a link to choose a password (resources.py)

    def _number(self, data_row: int, row: dict[str, Any]) -> int:
        self._numbers[data_row] = row_number(row, data_row)
        return self._numbers[data_row]

    def append_invalid_row(self, number: int, row: dict[str, Any], validation_error: ValidationError) -> None:
        shown = self._number(number, row)
        super().append_invalid_row(shown, row, validation_error)
        self._rows[shown] = dict(row)

    def append_error_row(self, number: int, row: dict[str, Any], errors: list[Any]) -> None:
        super().append_error_row(self._number(number, row), row, errors)

    def _row_errors(self) -> Iterator[tuple[int, list[Any]]]:
        for data_row, row in enumerate(self.rows, start=1):
            if row.errors:
                yield self._numbers.get(data_row, spreadsheet_row(data_row)), row.errors

    def row_errors(self) -> list[tuple[int, list[Any]]]:
        return list(self._row_errors())

    @property
    def shown_row_errors(self) -> list[tuple[int, list[Any]]]:
        """The rows an error stopped (not a refusal: ``row_problems``) that the page lists, the first
        :data:`REFUSED_ROWS_SHOWN`; ``more_row_errors`` counts the others."""
        return list(islice(self._row_errors(), REFUSED_ROWS_SHOWN))

    @property
    def more_row_errors(self) -> int:
        return max(0, sum(1 for _row in self._row_errors()) - REFUSED_ROWS_SHOWN)

    def name_columns(self, labels: dict[str, str]) -> None:
        """``labels``: each column's head in the preview, by header, in the preview's order."""
        self.column_labels = labels
        for invalid in self.invalid_rows:
            row = self._rows.get(invalid.number, {})
            invalid.values = tuple("" if row.get(header) is None else row[header] for header in labels)

    @property
    def row_problems(self) -> list[RowProblem]:
        """The refused rows the page lists, the first :data:`REFUSED_ROWS_SHOWN` of the file, each built only for
        them; ``more_refused_rows`` counts the others (``invalid_rows`` and ``totals`` still count every one)."""
        return [
            RowProblem(
                row=invalid.number,
                cells=file_cells(self._rows.get(invalid.number, {}), self.column_labels),
                errors=tuple(
                    (
                        "" if column == NON_FIELD_ERRORS else self.column_labels.get(column, column),
                        tuple(str(message) for message in messages),
                    )
                    for column, messages in invalid.error_dict.items()
                ),
                wrong=frozenset(invalid.error_dict) - {NON_FIELD_ERRORS},
            )
            for invalid in self.invalid_rows[:REFUSED_ROWS_SHOWN]
        ]

    @property
    def more_refused_rows(self) -> int:
        """The refused rows after those the page lists (``row_problems``)."""
        return max(0, len(self.invalid_rows) - REFUSED_ROWS_SHOWN)
