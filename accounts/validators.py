"""Validators of what spreadsheets and HR systems send: a date cell where text is meant.

The rule of invisible characters in typed text is the kernel's (:mod:`core.text_rules`); its names stay
importable from here because migrations name ``accounts.validators.refuse_control_characters``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text_rules import refuse_control_characters  # noqa: F401  (the migrations' name)


def shown_date(value: datetime.date | datetime.time) -> str:
    """A spreadsheet's date or time as people read it: a date without the midnight Excel adds."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    return value.isoformat()


def refuse_date_cell(value: object) -> None:
    """Raises ``ValidationError`` (code ``date_cell``) for a spreadsheet's date or time cell where text is meant.

    Excel turns what looks like a date as it is typed (``1-5``, ``2026/1/5``) into one, and an XLSX then holds a
    date, not what was typed; taking its text (``2026-01-05 00:00:00``) would store something nobody typed.
    """
    if isinstance(value, datetime.date | datetime.time):
        raise ValidationError(
            _(
                "This cell holds a date or time (%(value)s), not text: Excel turned what was typed into one. "
                "Format the column as text in Excel (Format Cells → Text) and type the value again."
            ),
            code="date_cell",
            params={"value": shown_date(value)},
        )
