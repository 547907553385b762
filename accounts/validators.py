"""Validators of the text people and HR systems type: names, numbers, branches, posts.

Control and format characters (Unicode categories Cc and Cf: tab, newline, BEL, ESC, zero-width
space, right-to-left override …) are invisible or reorder what is shown. In an employee number
they make two numbers that look the same differ (and a match by number fail); in a name they land
on certificates, exports and audit lines. No such field has a use for one, so none is accepted.

Text of many lines (a post in the cohort discussions) keeps what its layout needs, :data:`TEXT_LAYOUT`, and
nothing else of the kind: a bidirectional control (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F) would make
what a reader sees differ from what was written.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REFUSED_CATEGORIES = frozenset({"Cc", "Cf"})
#: The control and format characters text of many lines keeps: line breaks and tabs (Markdown's lists and code),
#: and the zero-width non-joiner and joiner, which Persian and Indic words and emoji sequences are written with.
TEXT_LAYOUT = frozenset("\n\r\t\u200c\u200d")


def first_control_character(value: str, *, allowed: frozenset[str] = frozenset()) -> str | None:
    """The first control or format character of ``value`` not in ``allowed``, or None."""
    return next(
        (char for char in value if unicodedata.category(char) in REFUSED_CATEGORIES and char not in allowed), None
    )


def refuse_control_characters(value: object, *, allowed: frozenset[str] = frozenset()) -> None:
    """Raises ``ValidationError`` (code ``control_character``) naming the first such character not in ``allowed``."""
    char = first_control_character(str(value), allowed=allowed)
    if char is not None:
        raise ValidationError(
            _("Remove the invisible control character %(char)s."),
            code="control_character",
            params={"char": f"U+{ord(char):04X}"},
        )


def refuse_control_characters_in_text(value: object) -> None:
    """:func:`refuse_control_characters` for text of many lines: its :data:`TEXT_LAYOUT` is kept."""
    refuse_control_characters(value, allowed=TEXT_LAYOUT)


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
