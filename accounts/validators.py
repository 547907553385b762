"""Validators of the text people and HR systems type about a person: names, numbers, branches.

Control and format characters (Unicode categories Cc and Cf: tab, newline, BEL, ESC, zero-width
space, right-to-left override …) are invisible or reorder what is shown. In an employee number
they make two numbers that look the same differ (and a match by number fail); in a name they land
on certificates, exports and audit lines. No such field has a use for one, so none is accepted.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REFUSED_CATEGORIES = frozenset({"Cc", "Cf"})


def first_control_character(value: str) -> str | None:
    """The first control or format character of ``value``, or None."""
    return next((char for char in value if unicodedata.category(char) in REFUSED_CATEGORIES), None)


def refuse_control_characters(value: object) -> None:
    """Raises ``ValidationError`` (code ``control_character``) naming the first such character."""
    char = first_control_character(str(value))
    if char is not None:
        raise ValidationError(
            _("Remove the invisible control character %(char)s."),
            code="control_character",
            params={"char": f"U+{ord(char):04X}"},
        )
