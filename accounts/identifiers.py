"""The one normalisation of each identifier: a log-in (an e-mail address), an employee number and a code.

Log-in, lock-out, sign-up, password reset, the trainee import and the HR API all pass the
address a person or system typed through :func:`normalize_email` before they compare, count or
store it, so that ``Chen@Bank.example `` and ``chen@bank.example`` are one person everywhere.
Likewise the admin, the trainee import and the HR API pass an employee number through
:func:`normalize_employee_number` (the model's :class:`EmployeeNumberField`, the API's field), so
that ``a-1001``, ``A-1001`` and ``Ａ－１００１`` are one employee of a bank; the database refuses
a number in any other form (``accounts_traineeprofile`` check ``trainee_employee_number_normalized``).

An employee number someone enters (the admin's forms and model validation through :class:`EmployeeNumberField`,
the trainee and enrolment imports) also passes :func:`clean_employee_number`, the rule of what one may hold:
letters, digits and ``- _ . /`` as banks' HR systems write them, at most :data:`EMPLOYEE_NUMBER_MAX_LENGTH`
characters; a space, a ``!`` or a spreadsheet's date cell is refused, naming what was typed. Migration
``accounts 0020`` put the numbers stored before in this form with a copy of the rule frozen in it: a change
to the rule here leaves stored numbers as they are, so it needs a migration of its own.

The code of an employer or a cohort typed into an import passes :func:`normalize_code`: trimmed, full-width
forms folded (``ｂａｎｋ－ａ`` is ``bank-a``), as an address and a number are. Its case is kept: codes are
compared as stored (``bank-a``, ``A-STD-R``), and two codes may differ only in case.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.fields import NormalisedTextField
from core.forms import NormalisedCharField

from .validators import refuse_control_characters, refuse_date_cell

#: The column's length (``TraineeProfile.employee_number``).
EMPLOYEE_NUMBER_MAX_LENGTH = 50
#: What a number may hold once normalised: letters and digits (any script's; full-width ones are folded first),
#: and ``- _ . /`` between them.
_NUMBER_SEPARATORS = "-_./"


def normalize_email(value: object) -> str:
    """Trim, fold compatibility forms (full-width letters) and case-fold an address."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return text.casefold()


def normalize_employee_number(value: object) -> str:
    """Trim, fold compatibility forms (full-width letters and digits) and upper-case an employee number."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().upper()


def _is_letter_or_digit(char: str) -> bool:
    return unicodedata.category(char).startswith("L") or unicodedata.category(char) == "Nd"


def clean_employee_number(value: object) -> str:
    """The stored form of an employee number someone entered ("" for none); raises ``ValidationError``.

    Refused, naming what was typed: a spreadsheet's date or time cell (code ``date_cell``), a control character
    (``control_character``), more than :data:`EMPLOYEE_NUMBER_MAX_LENGTH` characters (``max_length``), and
    anything but letters and digits with ``- _ . /`` between them (``employee_number``), a space included.
    """
    refuse_date_cell(value)
    typed = "" if value is None else str(value)
    refuse_control_characters(typed)
    number = normalize_employee_number(typed)
    if not number:
        return ""
    if len(number) > EMPLOYEE_NUMBER_MAX_LENGTH:
        raise ValidationError(
            _("An employee number has at most %(limit)s characters."),
            code="max_length",
            params={"limit": EMPLOYEE_NUMBER_MAX_LENGTH},
        )
    well_formed = (
        all(_is_letter_or_digit(char) or char in _NUMBER_SEPARATORS for char in number)
        and _is_letter_or_digit(number[0])
        and _is_letter_or_digit(number[-1])
    )
    if not well_formed:
        raise ValidationError(
            _(
                "“%(value)s” is not an employee number: use letters and digits, with hyphens (-), underscores (_), "
                "full stops (.) or slashes (/) between them, and no spaces."
            ),
            code="employee_number",
            params={"value": typed.strip()},
        )
    return number


def normalize_code(value: object) -> str:
    """An employer's or a cohort's code as typed into an import, in the form codes are stored in: trimmed, and
    full-width letters, digits and hyphens folded (NFKC: ``ＰＲＯＢＥ－Ｒ－２０２６`` is ``PROBE-R-2026``).
    The case is kept (codes are compared as stored)."""
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


class EmployeeNumberFormField(NormalisedCharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"normaliser": clean_employee_number, **kwargs})


class EmployeeNumberField(NormalisedTextField):
    """An employee number column; its admin and model forms normalise what is typed and refuse what
    :func:`clean_employee_number` refuses."""

    normaliser = staticmethod(clean_employee_number)
    form_class = EmployeeNumberFormField


def lockout_username(request: object, credentials: dict[str, Any] | None) -> str:
    """The lock-out's key (``AXES_USERNAME_CALLABLE``): the normalised address, however it was typed.

    django-axes counts failures per this string; without it each case variant of an address
    (``Chen@``, ``CHEN@``, `` chen@``) would get its own six guesses.
    """
    if credentials:
        # Django's ModelBackend also takes the address under the user model's USERNAME_FIELD.
        raw = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", None) or {}
        raw = data.get("username")
    return normalize_email(raw)
