"""Table bodies and chart marks written in Python: what the templates' loops wrote, at a fraction of
the cost (issue 18: every supervision page within 3× the portal's floor in CPU instructions).

A cell is written as ``{{ value }}`` writes it (the value localized, then escaped), so the page and
its tests read the same text as before; so are a table's caption, download links and head
(:func:`table_html`), a chart's SVG (:func:`chart_html`) and a part of a figure page that shows one
chart and its table (:func:`part_html`), for ``{% load supervision_html %}``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from html import escape
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in django-stubs

if TYPE_CHECKING:  # both import this module at run time
    from .charts import BarChart, Histogram
    from .tables import Table


def cell(value: Any, decimal_separator: str | None = None) -> str:
    """``value`` as the template engine writes ``{{ value }}`` (autoescape on), as plain text of HTML.

    Ints and floats take Django's own short path (``numberformat.format`` without grouping: the
    digits of ``str()``, the decimal separator of the language) without its look-ups per number.
    """
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, str):
        return escape(value)
    kind = type(value)
    if (kind is int or kind is float) and not settings.USE_THOUSAND_SEPARATOR:
        text = str(value)
        if kind is int:
            return text
        if "e" not in text:  # a float Django would write through Decimal otherwise
            separator = decimal_separator or get_format("DECIMAL_SEPARATOR")
            return text if separator == "." else text.replace(".", separator)
    if isinstance(value, datetime.datetime):
        value = template_localtime(value)
    return escape(str(localize(value)))


def rows_html(rows: Iterable[Sequence[Any]], none: str | None = None) -> SafeString:
    """``<tr><td>…</td>…</tr>`` for each row; ``none`` is written for a None (else "None", as ``{{ }}``)."""
    parts = []
    separator = get_format("DECIMAL_SEPARATOR")
    for row in rows:
        parts.append("<tr>")
        for value in row:
            if value is None and none is not None:
                parts.append(f"<td>{none}</td>")
            else:
                parts.append(f"<td>{cell(value, separator)}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))


def table_html(table: Any, query_prefix: str = "") -> SafeString:
    """A table with its caption, its download links (``?<query_prefix>download=<name>&format=csv``), head and body."""
    from django.utils.translation import gettext as _

    prefix = escape(query_prefix)
    name = cell(table.name)
    head = head_html(table.columns)
    if table.rows:
        body = table.body
    else:
        body = f'\n      <tr><td colspan="{len(table.columns)}">{escape(_("Nothing to show yet."))}</td></tr>'
    return mark_safe(
        '<div class="table-responsive">\n'
        '  <table class="table table-sm table-striped align-middle supervision-table">\n'
        f'    <caption class="caption-top">{cell(table.title)}\n'
        f'      <span class="ms-2 small">{escape(_("Download:"))}\n'
        f'        <a href="?{prefix}download={name}&amp;format=csv">CSV</a> ·\n'
        f'        <a href="?{prefix}download={name}&amp;format=xlsx">XLSX</a></span>\n'
        "    </caption>\n"
        f"    {head}\n"
        f"    <tbody>{body}</tbody>\n"
        "  </table>\n"
        "</div>\n"
    )


def heading_html(column: Any) -> str:
    """A column's heading: its text, or its short form with the text as its title (``tables.Heading``)."""
    short = getattr(column, "short", None)
    if short is None:
        return cell(column)
    return f'<abbr title="{cell(column.text)}">{cell(short)}</abbr>'


def head_html(columns: Sequence[Any]) -> str:
    """The table's head: a row of headings, or two where columns have a ``group`` (``tables.Heading``):
    each group's heading over its columns, the headings of columns of no group over both rows."""
    runs = [(group, list(run)) for group, run in groupby(columns, key=lambda c: getattr(c, "group", None))]
    if all(group is None for group, _run in runs):
        return "<thead><tr>" + "".join(f'<th scope="col">{heading_html(c)}</th>' for c in columns) + "</tr></thead>"
    spans, top, below = [], [], []
    for group, run in runs:
        spans.append(f'<colgroup span="{len(run)}"></colgroup>')
        if group is None:
            top.extend(f'<th scope="col" rowspan="2">{heading_html(c)}</th>' for c in run)
        else:
            top.append(f'<th scope="colgroup" colspan="{len(run)}">{cell(group)}</th>')
            below.extend(f'<th scope="col">{heading_html(c)}</th>' for c in run)
    return f"{''.join(spans)}<thead><tr>{''.join(top)}</tr><tr>{''.join(below)}</tr></thead>"


def chart_html(chart: Any, chart_id: str) -> SafeString:
    """A chart (bars or a histogram) as SVG, with its title and caption."""
    from django.utils.translation import gettext as _

    histogram = hasattr(chart, "columns")
    title = cell(chart.title)
    note = ""
    if not histogram and any(row["low_x"] is not None for row in chart.rows):
        note = " — " + escape(_("the line across each bar is its %(level)s interval (Wilson)") % {"level": "95 %"})
    kind = "supervision-svg supervision-histogram" if histogram else "supervision-svg"
    ident = cell(chart_id)
    return mark_safe(
        '<figure class="supervision-chart">\n'
        f'  <svg role="img" aria-labelledby="{ident}-title" viewBox="0 0 {chart.width} {chart.height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" class="{kind}">\n'
        f'    <title id="{ident}-title">{title}</title>\n'
        f"    {chart.marks}\n"
        "  </svg>\n"
        f'  <figcaption class="small text-body-secondary">{title}{note}</figcaption>\n'
        "</figure>\n"
    )


def part_html(name: str, title: str, chart: BarChart | Histogram, table: Table, query_prefix: str = "") -> SafeString:
    """A part of a figure page: a section under its heading (``part-<name>``) with its chart
    (``chart-<name>``) and the table of the chart's figures. A chart with nothing to draw (a bar chart
    without bars) is left out, its table saying there is nothing to show; a chart of fixed categories
    (every state, every score band) always has something to draw."""
    ident = cell(name)
    drawn = "" if chart.is_empty else chart_html(chart, f"chart-{name}")
    return mark_safe(
        f'<section class="my-4" aria-labelledby="part-{ident}"><h2 class="h4" id="part-{ident}">{cell(title)}</h2>\n'
        f"  {drawn}\n"
        f"  {table_html(table, query_prefix)}\n"
        "</section>"
    )
