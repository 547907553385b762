"""A figure's numbers as a table: shown under its chart, and downloaded as CSV or XLSX.

Every chart of the supervision area is drawn from a :class:`Table`, so what a reader sees, what
they download and what the chart shows are the same numbers. Downloads go through
``accounts.spreadsheets`` (formula-safe).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.text import slugify

from accounts.spreadsheets import spreadsheet_response

from .html import rows_html

FORMATS = ("csv", "xlsx")


@dataclass
class Table:
    """``name`` is the table's key in a download link (``?download=<name>&format=csv``)."""

    name: str
    title: str | Promise
    columns: Sequence[str | Promise]
    rows: list[Sequence[Any]] = field(default_factory=list)

    @property
    def body(self) -> SafeString:
        """The rows as HTML (``<tr>`` by ``<tr>``), written in Python: a table of hundreds of cells
        costs a template loop far more than the rest of the page."""
        return rows_html(self.rows)

    def dataset(self) -> tablib.Dataset:
        data = tablib.Dataset(headers=[str(c) for c in self.columns])
        for row in self.rows:
            data.append([_cell(value) for value in row])
        return data


def _cell(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    return value


def requested_format(request: HttpRequest) -> str:
    """The download's format (``?format=csv|xlsx``, CSV when not given), or 404 for any other."""
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise Http404
    return fmt


def download(request: HttpRequest, tables: Sequence[Table], filename_prefix: str) -> HttpResponse | None:
    """The download the request asks for (``?download=<table>&format=csv|xlsx``), or None for the page."""
    name = request.GET.get("download")
    if name is None:
        return None
    fmt = requested_format(request)
    table = next((t for t in tables if t.name == name), None)
    if table is None:
        raise Http404
    return spreadsheet_response(table.dataset(), fmt, slugify(f"{filename_prefix}-{table.name}"))
