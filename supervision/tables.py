"""A figure's numbers as a table: shown under its chart, and downloaded as CSV or XLSX.

Every chart of the supervision area is drawn from a :class:`Table`, so what a reader sees, what
they download and what the chart shows are the same numbers. Every download of the area, a page's
table or a cohort's export, goes through :func:`download`: ``accounts.spreadsheets`` (formula-safe)
and a line in the audit trail. A CSV writes a number as the page does (an XLSX keeps numbers); a table
gives its numbers the places it means (a score as stored, never the fifteen digits of SQLite's MAX).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import tablib
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from accounts.spreadsheets import spreadsheet_response

from . import services
from .html import rows_html

if TYPE_CHECKING:
    from courses.models import Cohort
    from exams.models import ExamPaper

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Heading:
    """A column's heading where the page is short of room: ``text`` in the downloads and as the title
    (``<abbr>``) of ``short`` on the page; ``group`` a heading the page writes once above this column
    and its neighbours of the same group ("Completion" over "Admitted", "Completed", "%"…). It reads
    as its ``text`` wherever a heading is a string."""

    text: str | Promise
    short: str | Promise | None = None
    group: str | Promise | None = None

    def __str__(self) -> str:
        return str(self.text)


@dataclass
class Table:
    """``name`` is the table's key in a download link (``?download=<name>&format=csv``); ``source``
    the model its rows are read from, which the audit trail names for a download of it, with what
    narrowed the rows besides the viewer's institution: the ``paper`` they are of (a table of one
    paper's item analysis) and the page's ``filters`` of them (``{"flagged": True}``). ``national``:
    the rows are every institution's whatever institution the viewer chose (the national question
    bank's), so the trail names none."""

    name: str
    title: str | Promise
    columns: Sequence[str | Promise | Heading]
    rows: list[Sequence[Any]] = field(default_factory=list)
    source: type[models.Model] = field(kw_only=True)
    paper: ExamPaper | None = field(default=None, kw_only=True)
    filters: dict[str, Any] = field(default_factory=dict, kw_only=True)
    national: bool = field(default=False, kw_only=True)

    @property
    def body(self) -> SafeString:
        """The rows as HTML (``<tr>`` by ``<tr>``), written in Python: a table of hundreds of cells
        costs a template loop far more than the rest of the page."""
        return rows_html(self.rows)

    def dataset(self, fmt: str = "xlsx") -> tablib.Dataset:
        """The rows for a file of ``fmt``: numbers stay numbers in an XLSX, a CSV has their text."""
        write = _csv_cell if fmt == "csv" else _cell
        data = tablib.Dataset(headers=[str(c) for c in self.columns])
        for row in self.rows:
            data.append([write(value) for value in row])
        return data


def _cell(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    return value


def _csv_cell(value: Any) -> Any:
    """A number as the page writes it (``html.cell``: Django's ``localize``), which a CSV writer would
    not: a Decimal in its digits, never an exponent (``9.4E+3`` is ``9400``), nor is a float (``1e-05``
    is ``0.00001``). The digits are the value's own: a figure rounds or quantizes its values itself."""
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    if isinstance(value, float) and math.isfinite(value) and "e" in repr(value):
        return format(Decimal(repr(value)), "f")
    return _cell(value)


def requested_format(request: HttpRequest) -> str:
    """The download's format (``?format=csv|xlsx``, CSV when not given), or 404 for any other."""
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise Http404
    return fmt


def requested_table(request: HttpRequest, tables: Sequence[Table]) -> tuple[Table, str] | None:
    """The table and format a page's download asks for (``?download=<table>&format=csv|xlsx``), None
    for the page itself, or 404 for a table or format the page does not offer."""
    name = request.GET.get("download")
    if name is None:
        return None
    fmt = requested_format(request)
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        raise Http404
    return table, fmt


def download(
    table: Table,
    fmt: str,
    filename: str,
    *,
    report: str | None = None,
    cohort: Cohort | None = None,
    period: tuple[datetime.date, datetime.date] | None = None,
    institution_id: int | None = None,
) -> HttpResponse:
    """``table`` as a CSV or XLSX file, and its line in the audit trail (``services.do_record_export``,
    written once the file is: a table that fails to write is no export). ``report``: the page (its
    URL name) whose table this is; ``cohort``, ``period``, ``institution_id`` as the trail takes them,
    and the table's paper and filters."""
    dataset = table.dataset(fmt)
    response = spreadsheet_response(dataset, fmt, filename)
    services.do_record_export(
        model=table.source._meta.label,
        filename=filename,
        fmt=fmt,
        rows=len(dataset),
        report=(report, table.name) if report else None,
        cohort=cohort,
        paper=table.paper,
        filters=table.filters,
        period=period,
        institution_id=None if table.national else institution_id,
    )
    return response
