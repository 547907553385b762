"""What an import page echoes of a file (``admin/import_export/row_errors.html``, ``import_outcome.html`` and the
question import's page): a refused row's cell and a message, each cut short with "…" (``accounts.imports.results``:
a probe's refused row once echoed a 30 MB cell in full). As ``truncatechars``, which they replace: text marked safe
stays so, any other is escaped."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.text import Truncator

from accounts.imports.results import ECHOED_CELL_CHARS, ECHOED_MESSAGE_CHARS

register = template.Library()


@register.filter(is_safe=True)
def echoed_cell(value: Any) -> str:
    """A cell of a refused row, its first :data:`~accounts.imports.results.ECHOED_CELL_CHARS` characters."""
    return Truncator("" if value is None else str(value)).chars(ECHOED_CELL_CHARS)


@register.filter(is_safe=True)
def echoed_message(value: Any) -> str:
    """A message (it may quote a cell), its first :data:`~accounts.imports.results.ECHOED_MESSAGE_CHARS`
    characters."""
    return Truncator("" if value is None else str(value)).chars(ECHOED_MESSAGE_CHARS)
