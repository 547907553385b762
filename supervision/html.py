"""Table bodies and chart marks written in Python: what the templates' loops wrote, at a fraction of
the cost (issue 18: every supervision page within 3× the portal's floor in CPU instructions).

A cell is written as ``{{ value }}`` writes it (the value localized, then escaped), so the page and
its tests read the same text as before; the table's own shape (caption, head, download links) stays
in ``supervision/_table.html``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime


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
