"""The rule of invisible characters in text people type, for every app: control and format characters (Unicode
categories Cc and Cf: tab, newline, BEL, ESC, zero-width space, right-to-left override …) are invisible or reorder
what is shown. A field of one line has no use for one; text of many lines (a post, a reason given for a decision)
keeps what its layout needs, :data:`TEXT_LAYOUT`, and nothing else of the kind: a bidirectional control
(U+202A–U+202E, U+2066–U+2069, U+200E, U+200F) would make what a reader sees differ from what was written.
"""

from __future__ import annotations

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


#: What a person's name never holds and a web or e-mail address does. A name is set by whoever registers someone
#: (an institution's import, an employer's HR system) and greets them in the portal's mails ("Hello …,"): a name
#: reading "Go to https://… to choose your password" would be a phishing mail sent in the portal's name. Characters
#: (ASCII and full-width), so that the HR API's schema can say the same rule as a pattern (hr_api.schema).
ADDRESS_CHARACTERS = "@/\\:＠／＼："


#: What a spreadsheet reads a cell starting with as a formula (``=cmd|' /C calc'!A0``, ``+SUM(1+1)``, ``-2+3``,
#: ``@SUM(…)``), ASCII and full-width (which NFKC folds to them). Exports neutralise them (each export's own rule);
#: a person's name or a branch never starts with one, so they are refused where typed (:func:`refuse_formula_start`).
FORMULA_STARTS = "=+-@＝＋－＠"
#: A lone dash, which no spreadsheet reads as a formula and HR systems write for "none" (a branch): not refused.
LONE_DASHES = frozenset("-－")


def refuse_formula_start(value: object) -> None:
    """Raises ``ValidationError`` (code ``formula_start``) for text whose first character, spaces before it
    left aside (a spreadsheet may trim them), is one of :data:`FORMULA_STARTS`; a lone dash (:data:`LONE_DASHES`)
    is no formula and passes. A tab or line break before it is a control character
    (:func:`refuse_control_characters`, which the fields that take this rule check too)."""
    text = str(value).strip()
    if text and text[0] in FORMULA_STARTS and text not in LONE_DASHES:
        raise ValidationError(
            _("Do not start this with =, +, - or @: a spreadsheet would take it for a formula."),
            code="formula_start",
        )


def refuse_address_in_name(value: object) -> None:
    """The rule of a person's name, which greets them in the portal's mails and is printed on their certificate:
    raises ``ValidationError`` for any control character (:func:`refuse_control_characters`), a first character
    a spreadsheet reads as a formula (:func:`refuse_formula_start`, code ``formula_start``), and a character of a
    web or e-mail address (:data:`ADDRESS_CHARACTERS`, code ``address_in_name``)."""
    text = str(value)
    refuse_control_characters(text)
    refuse_formula_start(text)
    if any(char in ADDRESS_CHARACTERS for char in text):
        raise ValidationError(_("A name holds no web or e-mail address (no @, / or :)."), code="address_in_name")
