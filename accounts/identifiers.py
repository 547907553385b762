"""The one normalisation of each identifier: a log-in (an e-mail address) and an employee number.

Log-in, lock-out, sign-up, password reset, the trainee import and the HR API all pass the
address a person or system typed through :func:`normalize_email` before they compare, count or
store it, so that ``Chen@Bank.example `` and ``chen@bank.example`` are one person everywhere.
Likewise the admin, the trainee import and the HR API pass an employee number through
:func:`normalize_employee_number` (the model's :class:`EmployeeNumberField`, the API's field), so
that ``a-1001``, ``A-1001`` and ``Ａ－１００１`` are one employee of a bank; the database refuses
a number in any other form (``accounts_traineeprofile`` check ``trainee_employee_number_normalized``).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from core.fields import NormalisedTextField
from core.forms import NormalisedCharField


def normalize_email(value: object) -> str:
    """Trim, fold compatibility forms (full-width letters) and case-fold an address."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return text.casefold()


def normalize_employee_number(value: object) -> str:
    """Trim, fold compatibility forms (full-width letters and digits) and upper-case an employee number."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().upper()


class EmployeeNumberFormField(NormalisedCharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"normaliser": normalize_employee_number, **kwargs})


class EmployeeNumberField(NormalisedTextField):
    """An employee number column; its admin and model forms normalise what is typed."""

    normaliser = staticmethod(normalize_employee_number)
    form_class = EmployeeNumberFormField


def lockout_username(request: object, credentials: dict | None) -> str:
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
